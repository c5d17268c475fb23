"""An agency-wide role is never given in one unit (an "administrator of a unit" would administer the
whole agency: core.access.can_administer ignores the unit); only a superuser makes an agency the
Department of Home Affairs (its administrators administer the province) or takes that kind away;
an agency's one-stop phone is kept and audited like its other fields."""

import pytest
from django.urls import reverse

from core.administration import services
from core.administration.forms import AgencyForm, RoleForm
from core.models import Agency, AuditEntry, Membership, Role, User


@pytest.fixture
def province_admin(org):
    person = User.objects.get(username="quantri.snv")
    assert person.memberships.filter(agency__code="SNV", role=Role.ADMINISTRATOR).exists()
    return person


@pytest.fixture
def root(org):
    return User.objects.create(username="root", is_superuser=True, is_staff=True)


def agency_data(**extra):
    return {
        "code": "PTAMTHANH",
        "name": "UBND phường Tam Thanh",
        "short_name": "Phường Tam Thanh",
        "kind": "ward",
        **extra,
    }


# --- agency-wide roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", sorted([Role.ADMINISTRATOR, Role.LEADER, Role.FOCAL_POINT, Role.AUDITOR, Role.APPRAISER])
)
def test_an_agency_wide_role_is_not_given_in_a_unit(client, org, role):
    client.force_login(org.admin)
    url = reverse("administration:role_add", args=[org.officer.pk])
    response = client.post(url, {"role": role, "unit": org.unit_a.pk}, follow=True)
    assert response.status_code == 200 and services.agency_wide_message() in [
        str(m) for m in response.context["messages"]
    ]
    assert not Membership.objects.filter(user=org.officer, role=role).exists()
    form = RoleForm({"role": role, "unit": org.unit_a.pk}, agency=org.agency)
    assert not form.is_valid() and form.errors["unit"] == [services.agency_wide_message()]
    with pytest.raises(services.AdministrationRefused):
        services.add_role(actor=org.admin, agency=org.agency, person=org.officer, role=role, unit=org.unit_a)
    assert RoleForm({"role": role, "unit": ""}, agency=org.agency).is_valid()


def test_a_new_person_is_not_made_administrator_of_a_unit(client, org):
    client.force_login(org.admin)
    data = {
        "username": "quantri.phong",
        "full_name": "Quản trị phòng",
        "role": Role.ADMINISTRATOR,
        "unit": org.unit_a.pk,
    }
    response = client.post(reverse("administration:person_create"), data)
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert 'value="Quản trị phòng"' in response.content.decode()
    assert not User.objects.filter(username="quantri.phong").exists()
    with pytest.raises(services.AdministrationRefused):
        services.create_person(
            actor=org.admin, agency=org.agency, username="x.y", full_name="X", role=Role.ADMINISTRATOR, unit=org.unit_a
        )
    assert not User.objects.filter(username="x.y").exists()


# --- the Department of Home Affairs kind ------------------------------------------------------------


def test_a_province_administrator_does_not_make_a_department_of_home_affairs(client, org, province_admin):
    client.force_login(province_admin)
    form = client.get(reverse("administration:agency_create")).context["form"]
    assert Agency.Kind.HOME_AFFAIRS not in dict(form.fields["kind"].choices)
    created = client.post(reverse("administration:agency_create"), agency_data(kind=Agency.Kind.HOME_AFFAIRS))
    assert created.status_code == 400 and "kind" in created.context["form"].errors
    assert not Agency.objects.filter(code="PTAMTHANH").exists()

    edit = {"code": org.agency.code, "name": org.agency.name, "kind": Agency.Kind.HOME_AFFAIRS}
    changed = client.post(reverse("administration:agency_edit", args=[org.agency.pk]), edit)
    assert changed.status_code == 400
    org.agency.refresh_from_db()
    assert org.agency.kind != Agency.Kind.HOME_AFFAIRS
    assert not AuditEntry.objects.filter(action="agencies.updated", object_id=str(org.agency.pk)).exists()
    with pytest.raises(services.AdministrationRefused):
        services.update_agency(actor=province_admin, agency=org.agency, kind=Agency.Kind.HOME_AFFAIRS)
    with pytest.raises(services.AdministrationRefused):
        services.create_agency(actor=province_admin, province=org.agency.province, **agency_data(kind="home_affairs"))


def test_the_department_of_home_affairs_keeps_its_kind(client, org, province_admin):
    snv = Agency.objects.get(code="SNV")
    client.force_login(province_admin)
    data = {"code": "SNV", "name": snv.name, "short_name": "SNV mới", "kind": Agency.Kind.DEPARTMENT}
    assert client.post(reverse("administration:agency_edit", args=[snv.pk]), data).status_code == 302
    snv.refresh_from_db()
    assert snv.kind == Agency.Kind.HOME_AFFAIRS and snv.short_name == "SNV mới"
    with pytest.raises(services.AdministrationRefused):
        services.update_agency(actor=province_admin, agency=snv, kind=Agency.Kind.DEPARTMENT)


def test_a_superuser_sets_and_unsets_the_kind(client, org, root):
    assert Agency.Kind.HOME_AFFAIRS in dict(AgencyForm(home_affairs=True).fields["kind"].choices)
    client.force_login(root)
    session = client.session
    session["agency_id"] = org.agency.pk
    session.save()
    edit = {"code": org.agency.code, "name": org.agency.name, "kind": Agency.Kind.HOME_AFFAIRS}
    assert client.post(reverse("administration:agency_edit", args=[org.agency.pk]), edit).status_code == 302
    org.agency.refresh_from_db()
    assert org.agency.kind == Agency.Kind.HOME_AFFAIRS
    services.update_agency(actor=root, agency=org.agency, kind=Agency.Kind.DEPARTMENT)
    org.agency.refresh_from_db()
    assert org.agency.kind == Agency.Kind.DEPARTMENT


# --- the agency's phone ----------------------------------------------------------------------------


def test_the_agencys_phone_is_kept_and_audited(client, org, province_admin):
    client.force_login(province_admin)
    client.post(reverse("administration:agency_create"), agency_data(phone="0205 3851 234"))
    ward = Agency.objects.get(code="PTAMTHANH")
    assert ward.phone == "0205 3851 234"
    created = AuditEntry.objects.get(action="agencies.created", object_id=str(ward.pk))
    assert created.changes["phone"] == [None, "0205 3851 234"]
    client.post(reverse("administration:agency_edit", args=[ward.pk]), agency_data(phone="0205 3999 999"))
    changed = AuditEntry.objects.get(action="agencies.updated", object_id=str(ward.pk))
    assert changed.changes == {"phone": ["0205 3851 234", "0205 3999 999"]}
