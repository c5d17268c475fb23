"""Reminders of the tasks assigned by the province (plans.reminders.remind_assigned_tasks): the
days-before rule of plan tasks, the escalation to the unit head then the Office and the leader,
and each reminder sent once however often the job runs."""

import datetime as dt

import pytest

from core.models import Notification
from plans.models import AssignedTask
from plans.reminders import remind_assigned_tasks

MONDAY = dt.date(2026, 11, 16)


@pytest.fixture
def make(org):
    def create(code, due, **fields):
        return AssignedTask.objects.create(
            agency=org.agency,
            code=code,
            document_number=code,
            document_date=dt.date(2026, 10, 1),
            content="Báo cáo UBND tỉnh",
            due_date=due,
            **({"lead_unit": org.unit_a} | fields),
        )

    return create


def reminded(task, kind):
    rows = Notification.objects.filter(kind=kind, url=task.get_absolute_url())
    return set(rows.values_list("user_id", flat=True))


def test_due_in_three_working_days_reaches_the_lead_unit(org, make, cal):
    task = make("A", dt.date(2026, 11, 19))  # Thursday: 3 working days after Monday
    remind_assigned_tasks(today=MONDAY, cal=cal)
    assert reminded(task, "assigned_due_in_3") == {org.officer.pk}


def test_overdue_escalates_to_the_head_then_the_office_and_the_leader(org, make, cal):
    task = make("B", dt.date(2026, 11, 10))  # 4 working days late on Monday
    remind_assigned_tasks(today=MONDAY, cal=cal)
    assert reminded(task, "assigned_overdue") == {org.officer.pk, org.head.pk, org.office.pk, org.leader.pk}
    titles = set(Notification.objects.filter(user=org.leader).values_list("title", flat=True))
    assert all(title.startswith("[") and task.code in title for title in titles)


def test_sent_once_however_often_the_job_runs(org, make, cal):
    make("C", dt.date(2026, 11, 19))
    make("D", dt.date(2026, 11, 10))
    first = remind_assigned_tasks(today=MONDAY, cal=cal)
    again = remind_assigned_tasks(today=MONDAY, cal=cal)
    assert first["notifications"] > 0 and again["notifications"] == 0
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set((k, u) for k, u in Notification.objects.values_list("key", "user_id")))
    assert all(key.startswith("assigned:") for key in keys)


def test_done_withdrawn_and_undated_tasks_are_quiet(org, make, cal):
    make("E", dt.date(2026, 11, 10), status="done", completed_on=dt.date(2026, 11, 9))
    make("F", dt.date(2026, 11, 10), status="withdrawn")
    make("G", None)
    assert remind_assigned_tasks(today=MONDAY, cal=cal)["notifications"] == 0
    assert not Notification.objects.exists()


def test_a_task_of_the_whole_agency_reaches_the_office(org, make, cal):
    task = make("H", dt.date(2026, 11, 19), lead_unit=None)
    remind_assigned_tasks(today=MONDAY, cal=cal)
    assert reminded(task, "assigned_due_in_3") == {org.office.pk}
