"""The working-day calendar's corrections are national (one table, read by every province's due
dates): superusers change them, a province's or an agency's administrator reads them; a change
reaches the next due date computed, and is audited."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext

from core.deadlines import due
from core.models import AuditEntry, CalendarOverride, Role, User
from core.services import load_calendar

# A Thursday of an ordinary week (no holiday around it); the received date: the Monday before.
THURSDAY = dt.date(2026, 10, 15)
RECEIVED = dt.datetime(2026, 10, 12, 9, 0)


@pytest.fixture
def province_admin(org):
    """The demo's administrator of the Sở Nội vụ (core.reference.DEMO_PEOPLE)."""
    person = User.objects.get(username="quantri.snv")
    assert person.memberships.filter(agency__code="SNV", role=Role.ADMINISTRATOR).exists()
    return person


@pytest.fixture
def root(org):
    return User.objects.create(username="root", full_name="Vận hành hệ thống", is_superuser=True, is_staff=True)


def due_date() -> dt.date:
    return due(RECEIVED, 3, "working_days", load_calendar()).date


def test_a_holiday_added_moves_the_next_due_date(client, org, root):
    before = due_date()
    assert before == THURSDAY
    client.force_login(root)
    data = {"date": "15/10/2026", "kind": "holiday", "name": "Nghỉ lễ (thử)", "legal_ref": "Thông báo 1/TB-BNV"}
    assert client.post(reverse("administration:override_create"), data).status_code == 302
    assert due_date() == dt.date(2026, 10, 16)
    override = CalendarOverride.objects.get(date=THURSDAY)
    added = AuditEntry.objects.get(action="working_calendar.day_added", object_id=str(override.pk))
    assert added.actor == root and added.changes["kind"] == [None, "holiday"]
    assert added.changes["date"] == [None, "2026-10-15"]

    edit = {**data, "kind": "swap_work", "name": "Làm bù"}
    client.post(reverse("administration:override_edit", args=[override.pk]), edit)
    assert due_date() == THURSDAY
    changed = AuditEntry.objects.get(action="working_calendar.day_changed", object_id=str(override.pk))
    assert changed.changes["kind"] == ["holiday", "swap_work"]

    client.post(reverse("administration:override_delete", args=[override.pk]), {"confirm": "on"})
    assert not CalendarOverride.objects.filter(pk=override.pk).exists()
    removed = AuditEntry.objects.get(action="working_calendar.day_removed", object_id=str(override.pk))
    assert removed.changes["name"] == ["Làm bù", None]


@pytest.mark.parametrize("who", ["agency", "province"])
def test_agency_and_province_administrators_read_the_calendar_but_do_not_change_it(client, org, province_admin, who):
    """A province administrator once could: their holiday moved the due dates of every province."""
    client.force_login(org.admin if who == "agency" else province_admin)
    page = client.get(reverse("administration:calendar"), {"year": "2026"})
    assert page.status_code == 200 and not page.context["editable"]
    assert "Add a day" not in page.content.decode() and "override_create" not in page.content.decode()
    assert page.context["overrides"]  # the official 2026 days loaded with the demo
    data = {"date": "15/10/2026", "kind": "holiday", "name": "Nghỉ"}
    assert client.post(reverse("administration:override_create"), data).status_code == 403
    first = page.context["overrides"][0]
    edit = {"date": f"{first.date:%d/%m/%Y}", "kind": "holiday", "name": "Đổi"}
    assert client.post(reverse("administration:override_edit", args=[first.pk]), edit).status_code == 403
    assert client.post(reverse("administration:override_delete", args=[first.pk]), {"confirm": "on"}).status_code == 403
    assert CalendarOverride.objects.filter(pk=first.pk, name=first.name).exists()
    assert not CalendarOverride.objects.filter(date=THURSDAY).exists() and due_date() == THURSDAY
    overview = client.get(reverse("administration:overview"))
    assert not overview.context["calendar_editable"]


def test_the_calendar_page_says_who_keeps_it(client, org, root):
    client.force_login(org.admin)
    read = client.get(reverse("administration:calendar")).content.decode()
    assert (
        gettext("The calendar is national: the system administrators enter the official notices; you can read it here.")
        in read
    )
    client.force_login(root)
    kept = client.get(reverse("administration:calendar")).content.decode()
    assert gettext("The calendar is national: your changes apply to every province.") in kept


def test_officers_do_not_see_the_calendar_page(client, org):
    client.force_login(org.officer)
    assert client.get(reverse("administration:calendar")).status_code == 403


def test_a_date_already_corrected_is_refused_with_the_typed_values(client, org, root):
    client.force_login(root)
    taken = CalendarOverride.objects.first()
    data = {"date": f"{taken.date:%d/%m/%Y}", "kind": "holiday", "name": "Ngày trùng"}
    response = client.post(reverse("administration:override_create"), data)
    assert response.status_code == 400 and "Ngày trùng" in response.content.decode()


def test_the_command_adds_lists_and_removes_a_day(org, capsys):
    call_command("calendar_override", "add", "15/10/2026", "--kind", "holiday", "--name", "Nghỉ (lệnh)")
    assert due_date() == dt.date(2026, 10, 16)
    call_command("calendar_override", "list", "--year", "2026")
    assert "2026-10-15\tholiday\tNghỉ (lệnh)" in capsys.readouterr().out
    call_command("calendar_override", "remove", "2026-10-15")
    assert due_date() == THURSDAY
    assert AuditEntry.objects.filter(action="working_calendar.day_removed", actor__isnull=True).exists()
