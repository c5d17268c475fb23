"""services.complete_occurrence: a recurring task progresses by its periods."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from plans import services
from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_recurring_task_progress_follows_its_periods(make_task, org, today, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 15))
    occurrences = list(task.occurrences.all())
    assert [o.period_label for o in occurrences] == ["Q3/2026", "Q4/2026"]
    assert task.next_due == dt.date(2026, 9, 20)
    services.complete_occurrence(actor=org.officer, occurrence=occurrences[0], today=dt.date(2026, 9, 18), cal=cal)
    task.refresh_from_db()
    assert task.progress == 50 and task.next_due == dt.date(2026, 12, 20)
    services.complete_occurrence(actor=org.officer, occurrence=occurrences[1], today=dt.date(2026, 12, 21), cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_LATE and task.progress == 100


def test_a_period_cannot_be_done_twice(make_task, org, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 1))
    occurrence = task.occurrences.first()
    services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=dt.date(2026, 9, 1), cal=cal)
    with pytest.raises(services.WorkflowError):
        services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=dt.date(2026, 9, 2), cal=cal)
    assert task.updates.count() == 1


def test_a_closed_task_takes_no_period(make_task, org, cal, today):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 1))
    services.cancel_task(actor=org.office, task=task, reason="Trùng", today=today, cal=cal)
    with pytest.raises(services.WorkflowError, match=str(_("This task is closed."))):
        services.complete_occurrence(actor=org.officer, occurrence=task.occurrences.first(), today=today, cal=cal)
