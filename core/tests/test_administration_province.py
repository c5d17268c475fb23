"""The province's administration: the Sở Nội vụ's administrator creates an agency (a ward of the
two-level local government, say) and its first administrator, who then administers it."""

import re

import pytest
from django.urls import reverse

from core.access import can_administer, can_administer_province
from core.models import Agency, AuditEntry, Province, Role, User


@pytest.fixture
def province_admin(org):
    """The demo's administrator of the Sở Nội vụ (core.reference.DEMO_PEOPLE)."""
    person = User.objects.get(username="quantri.snv")
    assert person.memberships.filter(agency__code="SNV", role=Role.ADMINISTRATOR).exists()
    return person


def agency_data(**extra):
    return {
        "code": "PTAMTHANH",
        "name": "UBND phường Tam Thanh",
        "short_name": "Phường Tam Thanh",
        "kind": "ward",
        **extra,
    }


def test_the_province_administrator_creates_an_agency_and_its_administrator(client, org, province_admin):
    assert can_administer_province(province_admin, org.agency.province)
    client.force_login(province_admin)
    response = client.post(reverse("administration:agency_create"), agency_data())
    assert response.status_code == 302
    ward = Agency.objects.get(code="PTAMTHANH")
    assert ward.kind == Agency.Kind.WARD and ward.province == org.agency.province
    created = AuditEntry.objects.get(action="agencies.created", object_id=str(ward.pk))
    assert created.actor == province_admin and created.changes["kind"] == [None, "ward"]

    admin = {"username": "quantri.tamthanh", "full_name": "Lộc Văn Quản", "email": "", "password": ""}
    shown = client.post(reverse("administration:agency", args=[ward.pk]), admin)
    assert shown.status_code == 200
    password = re.search(r'data-testid="temporary-password">([^<]+)<', shown.content.decode()).group(1)
    first = User.objects.get(username="quantri.tamthanh")
    assert first.check_password(password) and first.must_change_password
    assert list(first.memberships.values_list("agency", "unit", "role")) == [(ward.pk, None, Role.ADMINISTRATOR)]
    assert can_administer(first, ward) and not can_administer(first, org.agency)
    assert not can_administer_province(first)

    client.post(reverse("administration:agency_edit", args=[ward.pk]), agency_data(symbol="PTT"))
    changed = AuditEntry.objects.get(action="agencies.updated", object_id=str(ward.pk))
    assert changed.changes == {"symbol": ["", "PTT"]}

    page = client.get(reverse("administration:province"))
    assert page.status_code == 200
    listed = dict(page.context["rows"])
    assert listed[ward] == ["Lộc Văn Quản"]
    assert [m.user for m in page.context["appraisers"]] == [org.appraiser]


def test_a_taken_agency_code_is_refused_with_the_typed_values(client, org, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("administration:agency_create"), agency_data(code="SCT"))
    assert response.status_code == 400 and "UBND phường Tam Thanh" in response.content.decode()


def test_agency_administrators_and_officers_have_no_province_area(client, org):
    for person in (org.admin, org.officer, org.appraiser):
        client.force_login(person)
        assert client.get(reverse("administration:province")).status_code == 403
        assert client.post(reverse("administration:agency_create"), agency_data()).status_code == 403
        assert client.get(reverse("administration:agency", args=[org.agency.pk])).status_code == 403
    assert not Agency.objects.filter(code="PTAMTHANH").exists()


def test_the_agencies_of_another_province_are_out_of_reach(client, org, province_admin):
    elsewhere = Province.objects.create(code="CBG", name="Cao Bằng")
    foreign = Agency.objects.create(province=elsewhere, code="SCT-CB", name="Sở Công Thương Cao Bằng")
    client.force_login(province_admin)
    assert client.get(reverse("administration:agency", args=[foreign.pk])).status_code == 404
    admin = {"username": "x.cb", "full_name": "X", "password": ""}
    assert client.post(reverse("administration:agency", args=[foreign.pk]), admin).status_code == 404
    assert not User.objects.filter(username="x.cb").exists()
    assert foreign not in dict(client.get(reverse("administration:province")).context["rows"])


def test_a_superuser_administers_the_province(client, org):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("administration:province")).status_code == 200
    assert client.get(reverse("administration:agency", args=[org.agency.pk])).status_code == 200
