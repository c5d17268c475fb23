"""services.update_task: the planning fields, the periods of a recurring task, and the audit trail."""

import datetime as dt

import pytest

from core.services import history_for
from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_deadline_change_needs_a_reason_and_is_recorded(task, org, today, cal):
    new = task.deadline + dt.timedelta(days=10)
    with pytest.raises(ValueError):
        services.update_task(actor=org.office, task=task, data={"deadline": new}, today=today, cal=cal)
    services.update_task(
        actor=org.office, task=task, data={"deadline": new}, today=today, cal=cal, reason="UBND tỉnh lùi thời hạn"
    )
    entry = history_for(task).first()
    assert entry.changes["deadline"] == [str(task.deadline - dt.timedelta(days=10)), str(new)]
    assert entry.note == "UBND tỉnh lùi thời hạn"


def test_changing_the_recurrence_replaces_open_periods_and_keeps_done_ones(make_task, org, cal):
    task = make_task(recurrence="monthly", recurrence_day=25, deadline=None, start_date=dt.date(2026, 7, 1))
    july = task.occurrences.get(period_label="07/2026")
    services.complete_occurrence(actor=org.officer, occurrence=july, today=dt.date(2026, 7, 24), cal=cal)
    services.update_task(
        actor=org.office,
        task=task,
        data={"recurrence": "quarterly", "recurrence_day": 20},
        today=dt.date(2026, 8, 1),
        cal=cal,
    )
    labels = list(task.occurrences.order_by("due_date").values_list("period_label", flat=True))
    assert labels == ["07/2026", "Q3/2026", "Q4/2026"]
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 9, 20)
    services.update_task(
        actor=org.office,
        task=task,
        data={"recurrence": "", "deadline": dt.date(2026, 12, 1)},
        today=dt.date(2026, 8, 1),
        cal=cal,
    )
    assert list(task.occurrences.values_list("period_label", flat=True)) == ["07/2026"]
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 12, 1)


def test_audit_names_units_and_people(task, org, today, cal):
    services.update_task(
        actor=org.office, task=task, data={"lead_unit": org.unit_b, "assignees": [org.officer]}, today=today, cal=cal
    )
    changes = history_for(task).first().changes
    assert changes["lead_unit"] == ["Phòng Quản lý Doanh nghiệp", "Phòng Kế hoạch - Tổng hợp"]
    assert changes["assignees"] == ["", "Vũ Quang Huy"]


def test_moving_the_due_day_keeps_done_periods_once(make_task, org, cal):
    task = make_task(recurrence="monthly", recurrence_day=10, deadline=None, start_date=dt.date(2026, 1, 1))
    for occurrence in task.occurrences.order_by("due_date")[:3]:
        services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=occurrence.due_date, cal=cal)
    services.update_task(actor=org.office, task=task, data={"recurrence_day": 20}, today=dt.date(2026, 4, 1), cal=cal)
    labels = list(task.occurrences.values_list("period_label", flat=True))
    assert len(labels) == len(set(labels)) == 12
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 4, 20) and task.progress == 25
