"""Plan import from Excel (plans:import): preview with row-level problems, all-or-nothing commit."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.web import XLSX
from plans.excel import COLUMNS, MESSAGES
from plans.models import Task

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def workbook(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([vi for _k, vi, _r, _w in COLUMNS])
    keys = [k for k, *_ in COLUMNS]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("kh.xlsx", buf.getvalue(), content_type=XLSX)


def said(reason):
    """A problem as the page says it (plans.excel.MESSAGES)."""
    return str(MESSAGES[reason])


GOOD = {
    "code": "N01",
    "section": "II.1.c",
    "title": "Rà soát TTHC",
    "lead_unit": "QLDN",
    "coordinating_units": "VP; KHTH",
    "start_date": "01/09/2026",
    "deadline": "30/12/2026",
    "expected_product": "Báo cáo rà soát",
}


def test_preview_then_confirm_creates_tasks(login, org, plan):
    client = login(org.office)
    url = reverse("plans:import", args=[plan.pk])
    recurring = {**GOOD, "code": "N02", "deadline": None, "recurrence": "hằng quý", "recurrence_day": 20}
    preview = client.post(url, {"file": workbook([GOOD, recurring])})
    assert preview.status_code == 200 and not Task.objects.exists()
    token = preview.context["token"]
    done = client.post(url, {"token": token})
    assert done.status_code == 302
    task = Task.objects.get(code="N01")
    assert task.lead_unit == org.unit_a and {u.code for u in task.coordinating_units.all()} == {"VP", "KHTH"}
    assert Task.objects.get(code="N02").occurrences.count() >= 1


def test_bad_rows_are_listed_and_nothing_is_saved(login, org, plan):
    rows = [
        GOOD,
        {**GOOD, "code": "N02", "lead_unit": "PHONG-MA", "deadline": "31/02/2026"},
        {**GOOD, "code": "N01", "title": ""},
    ]
    response = login(org.office).post(reverse("plans:import", args=[plan.pk]), {"file": workbook(rows)})
    assert response.status_code == 400
    errors = {(e.row, e.column, e.reason) for e in response.context["parsed"].errors}
    assert (3, "Đơn vị chủ trì", said("unknown_unit")) in errors
    assert (3, "Thời hạn hoàn thành", said("bad_date")) in errors
    assert (4, "Tên nhiệm vụ", _("required")) in errors
    assert (4, "Mã nhiệm vụ", _("duplicate of row %(row)s") % {"row": 2}) in errors
    assert "token" not in response.context
    assert not Task.objects.exists()
    body = response.content.decode()
    assert "PHONG-MA" in body


def test_missing_required_column_is_reported(login, org, plan):
    wb = openpyxl.Workbook()
    wb.active.append(["Mã nhiệm vụ", "Tên nhiệm vụ"])
    wb.active.append(["X1", "Tên"])
    buf = io.BytesIO()
    wb.save(buf)
    response = login(org.office).post(
        reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile("x.xlsx", buf.getvalue())}
    )
    problems = response.context["parsed"].errors
    missing = {e.column for e in problems if e.reason == _("required column missing (header row)")}
    assert missing == {"Đơn vị chủ trì", "Sản phẩm"}


def test_not_an_excel_file(login, org, plan):
    response = login(org.office).post(
        reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile("x.xlsx", b"hello")}
    )
    assert [e.reason for e in response.context["parsed"].errors] == [said("not_xlsx")]


def test_reimport_updates_existing_tasks(login, org, plan, make_task):
    make_task(code="N01", title="Cũ")
    client = login(org.office)
    url = reverse("plans:import", args=[plan.pk])
    moved = {**GOOD, "change_reason": "Theo Công văn 12/UBND-KT"}
    token = client.post(url, {"file": workbook([moved])}).context["token"]
    client.post(url, {"token": token})
    task = Task.objects.get(code="N01")
    assert task.title == "Rà soát TTHC" and Task.objects.count() == 1
    from core.services import history_for

    assert "Theo Công văn 12/UBND-KT" in history_for(task).first().note


def test_moving_a_deadline_by_import_needs_a_reason(login, org, plan, make_task):
    make_task(code="N01")
    response = login(org.office).post(reverse("plans:import", args=[plan.pk]), {"file": workbook([GOOD])})
    assert [(e.row, e.reason) for e in response.context["parsed"].errors] == [(2, said("reason_required"))]


def test_closed_tasks_are_not_changed_by_import(login, org, plan, make_task):
    make_task(code="N01", status="done", deadline=None, recurrence="")
    response = login(org.office).post(reverse("plans:import", args=[plan.pk]), {"file": workbook([GOOD])})
    assert [e.reason for e in response.context["parsed"].errors] == [said("closed_task")]


def test_a_confirm_token_works_once_and_only_for_its_plan(login, org, plan):
    from plans.models import Plan

    other_plan = Plan.objects.create(agency=org.agency, year=2027, title="Kế hoạch 2027")
    client = login(org.office)
    token = client.post(reverse("plans:import", args=[plan.pk]), {"file": workbook([GOOD])}).context["token"]
    wrong = client.post(reverse("plans:import", args=[other_plan.pk]), {"token": token})
    assert wrong.status_code == 302 and not Task.objects.exists()
    again = client.post(reverse("plans:import", args=[plan.pk]), {"token": token})
    assert again.status_code == 302 and not Task.objects.exists()  # the token was spent by the wrong try
    token = client.post(reverse("plans:import", args=[plan.pk]), {"file": workbook([GOOD])}).context["token"]
    other_client = login(org.leader)
    assert other_client.post(reverse("plans:import", args=[plan.pk]), {"token": token}).status_code == 302
    assert not Task.objects.exists()  # another session cannot confirm it


def test_oversized_file_is_refused_with_a_message(login, org, plan):
    big = SimpleUploadedFile("big.xlsx", b"0" * (5 * 1024 * 1024 + 1))
    response = login(org.office).post(reverse("plans:import", args=[plan.pk]), {"file": big})
    assert response.status_code == 400 and "5 MB" in response.content.decode()


def test_officer_cannot_import(login, org, plan):
    assert (
        login(org.officer).post(reverse("plans:import", args=[plan.pk]), {"file": workbook([GOOD])}).status_code == 403
    )


def test_excel_serial_dates_are_read(login, org, plan):
    import datetime as dt

    row = {**GOOD, "deadline": 46386}  # 30/12/2026 as an Excel serial number
    response = login(org.office).post(reverse("plans:import", args=[plan.pk]), {"file": workbook([row])})
    assert response.context["parsed"].rows[0]["deadline"] == dt.date(2026, 12, 30)


def test_tasks_created_in_bulk_are_as_if_made_one_by_one(login, org, plan, cal, today):
    """The bulk path gives new tasks the same derived fields, periods and audit entries that the
    task form's path gives (search text, risk, next due date, the created entry with the units)."""
    from core.models import AuditEntry
    from core.services import diff
    from plans.services import ensure_occurrences, occurrence_schedule, refresh_task, snapshot

    late = {**GOOD, "code": "B01", "start_date": "01/01/2026", "deadline": "05/01/2026"}
    late["coordinating_units"] = f"VP; KHTH; {org.units['VP'].name}"  # VP twice, by code and by name
    quarterly = {**GOOD, "code": "B02", "deadline": None, "recurrence": "hằng quý", "recurrence_day": 20}
    client = login(org.office)
    url = reverse("plans:import", args=[plan.pk])
    token = client.post(url, {"file": workbook([late, quarterly])}).context["token"]
    assert client.post(url, {"token": token}).status_code == 302
    for code in ("B01", "B02"):
        task = Task.objects.get(code=code)
        stored = (task.search_text, task.next_due, task.at_risk, task.risk_reasons, task.progress, task.status)
        refresh_task(task, today=today, cal=cal, save=False)
        assert stored == (task.search_text, task.next_due, task.at_risk, task.risk_reasons, task.progress, task.status)
        entry = AuditEntry.objects.get(action="task.created", object_type="plans.task", object_id=str(task.pk))
        assert entry.changes == diff({}, snapshot(task))  # snapshot() reads the units from the database
        assert entry.actor == org.office and entry.note == "Excel"
        assert entry.changes["lead_unit"] == [None, org.unit_a.name]
    recurring = Task.objects.get(code="B02")
    made = {(o.period_label, o.due_date) for o in recurring.occurrences.all()}
    assert made == set(occurrence_schedule(recurring).items()) and len(made) == 2  # Q3, Q4 from 01/09
    assert recurring.next_due == min(due for _label, due in made)
    ensure_occurrences(recurring)  # the one-by-one path finds nothing to add, move or remove
    assert {(o.period_label, o.due_date) for o in recurring.occurrences.all()} == made
    assert set(Task.objects.get(code="B01").coordinating_units.values_list("code", flat=True)) == {"VP", "KHTH"}
