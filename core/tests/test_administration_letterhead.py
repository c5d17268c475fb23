"""What documents print of the organisation, kept in the administration and audited like the other
fields: each unit's short name (the units form; documents' tables write it, e.g. the plan's
appendices) and the agency's name in its documents' header, one line per line (the agency's
administrator on the signers page; the province's administrator in the agency form)."""

import pytest
from django.urls import reverse

from core.administration.forms import LETTERHEAD_LINES, clean_letterhead
from core.models import Agency, AuditEntry, Role, User

LETTERHEAD = "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"


@pytest.fixture
def province_admin(org):
    person = User.objects.get(username="quantri.snv")
    assert person.memberships.filter(agency__code="SNV", role=Role.ADMINISTRATOR).exists()
    return person


def unit_data(unit, **extra):
    fields = ("code", "name", "short_name", "kind", "order")
    return {**{name: getattr(unit, name) for name in fields}, "is_office": unit.is_office and "on", **extra}


def test_the_administrator_sets_a_units_short_name_with_the_audit(client, org):
    client.force_login(org.admin)
    before = org.unit_a.short_name
    url = reverse("administration:unit_edit", args=[org.unit_a.pk])
    assert 'name="short_name"' in client.get(url).content.decode()
    assert client.post(url, unit_data(org.unit_a, short_name="P. QLDN")).status_code == 302
    org.unit_a.refresh_from_db()
    assert org.unit_a.short_name == "P. QLDN" and org.unit_a.label == "P. QLDN"
    entry = AuditEntry.objects.get(action="units.updated", object_id=str(org.unit_a.pk))
    assert entry.actor == org.admin and entry.changes["short_name"] == [before, "P. QLDN"]
    assert "P. QLDN" in client.get(reverse("administration:units")).content.decode()
    # emptied: the documents use the unit's name again
    client.post(url, unit_data(org.unit_a, short_name=""))
    org.unit_a.refresh_from_db()
    assert org.unit_a.label == org.unit_a.name


def test_the_agency_administrator_keeps_the_letterhead_with_the_audit(client, org):
    Agency.objects.filter(pk=org.agency.pk).update(letterhead="")
    client.force_login(org.admin)
    url = reverse("administration:signers")
    typed = "  BAN QUẢN LÝ KHU KINH TẾ  \r\n\r\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN\r\n"
    assert client.post(url, {"letterhead": typed}).status_code == 302
    org.agency.refresh_from_db()
    assert org.agency.letterhead == LETTERHEAD  # one line per line, trimmed, no blank line
    entry = AuditEntry.objects.get(action="agencies.updated", object_id=str(org.agency.pk))
    assert entry.actor == org.admin and entry.changes["letterhead"] == ["", LETTERHEAD]
    page = client.get(url).content.decode()
    assert "BAN QUẢN LÝ KHU KINH TẾ<br>CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN" in page  # as printed


def test_a_letterhead_longer_than_the_header_holds_is_refused_and_kept(client, org):
    client.force_login(org.admin)
    typed = "\n".join(f"DÒNG {n}" for n in range(LETTERHEAD_LINES + 1))
    response = client.post(reverse("administration:signers"), {"letterhead": typed})
    assert response.status_code == 400 and "letterhead" in response.context["form"].errors
    assert "DÒNG 4" in response.content.decode()
    org.agency.refresh_from_db()
    assert "DÒNG" not in org.agency.letterhead
    assert not AuditEntry.objects.filter(action="agencies.updated").exists()


def test_only_the_administrator_keeps_the_letterhead(client, org):
    for person in (org.officer, org.leader, org.office):
        client.force_login(person)
        assert client.post(reverse("administration:signers"), {"letterhead": "KHÁC"}).status_code == 403
    org.agency.refresh_from_db()
    assert org.agency.letterhead != "KHÁC"


def test_the_province_administrator_sets_an_agencys_letterhead_beside_its_phone(client, org, province_admin):
    client.force_login(province_admin)
    url = reverse("administration:agency_edit", args=[org.agency.pk])
    form = client.get(url).content.decode()
    assert form.index('name="letterhead"') < form.index('name="phone"')
    data = {
        "code": org.agency.code,
        "name": org.agency.name,
        "kind": org.agency.kind,
        "symbol": org.agency.symbol,
        "phone": org.agency.phone,
        "letterhead": "BAN QUẢN LÝ\nKHU KINH TẾ CỬA KHẨU",
    }
    before = org.agency.letterhead
    assert client.post(url, data).status_code == 302
    org.agency.refresh_from_db()
    assert org.agency.letterhead == "BAN QUẢN LÝ\nKHU KINH TẾ CỬA KHẨU"
    entry = AuditEntry.objects.get(action="agencies.updated", object_id=str(org.agency.pk))
    assert entry.actor == province_admin and entry.changes["letterhead"] == [before, org.agency.letterhead]
    detail = client.get(reverse("administration:agency", args=[org.agency.pk])).content.decode()
    assert "BAN QUẢN LÝ<br>KHU KINH TẾ CỬA KHẨU" in detail


def test_clean_letterhead_keeps_lines_and_drops_blanks():
    assert clean_letterhead(" A \n\n B ") == "A\nB"
    assert clean_letterhead("") == ""
