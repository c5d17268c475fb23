"""The daily monitoring job (plans.reminders): who is reminded of what. (Idempotence and the
digests are core's: core/tests/test_worker.py.)"""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from core.models import Membership, Notification, Role
from plans.reminders import monitor_tasks

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once

MONDAY = dt.date(2026, 11, 16)


def reminded(kind, task):
    rows = Notification.objects.filter(kind=kind, url__endswith=f"/tasks/{task.pk}/")
    return set(rows.values_list("user_id", flat=True))


def members(**filters):
    return set(Membership.objects.filter(**filters).values_list("user_id", flat=True))


def test_an_overdue_task_reaches_its_unit_then_its_head_then_the_office(make_task, org, cal):
    task = make_task(start_date=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 10))  # 4 working days late
    monitor_tasks(today=MONDAY, cal=cal)
    officers = members(unit=org.unit_a, role=Role.OFFICER)
    heads = members(unit=org.unit_a, role=Role.UNIT_HEAD)
    focal_points = members(agency=org.agency, role=Role.FOCAL_POINT)
    assert officers == {org.officer.pk} and heads == {org.head.pk} and focal_points == {org.office.pk}
    assert reminded("overdue", task) == officers | heads | focal_points
    escalated = Notification.objects.filter(kind="overdue").exclude(user=org.officer).values_list("title", flat=True)
    officer = Notification.objects.get(kind="overdue", user=org.officer).title
    assert all(title == _("[Escalation] ") + officer for title in escalated) and len(escalated) == 2


def test_assignees_are_the_responsible_ones(make_task, org, cal):
    task = make_task(start_date=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 19))  # due in 3 working days
    task.assignees.set([org.people["chuyenvien.vp"]])
    monitor_tasks(today=MONDAY, cal=cal)
    assert reminded("due_in_3", task) == {org.people["chuyenvien.vp"].pk}  # not the unit's officers


def test_people_who_left_are_not_reminded(make_task, org, cal):
    task = make_task(start_date=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 19))
    org.officer.is_active = False
    org.officer.save(update_fields=["is_active"])
    monitor_tasks(today=MONDAY, cal=cal)
    assert not reminded("due_in_3", task)
