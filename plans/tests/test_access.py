"""plans.access: who sees and does what on tasks, plans, obstacles, periods and inspections.
Invisible -> 404, visible but not allowed -> 403."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.models import User
from plans import access
from plans.access import can
from plans.models import Inspection, Obstacle, Task

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_an_officer_with_two_units_reports_on_both(make_task, org, today, cal):
    person = org.people["chuyenvien.vp"]  # officer of the Office and of the border-gate centre
    office_task = make_task(lead_unit=org.units["VP"])
    centre_task = make_task(lead_unit=org.units["TTQLCK"])
    other_task = make_task(lead_unit=org.units["QHXD"])
    assert can(person, "report", office_task) and can(person, "report", centre_task)
    assert not can(person, "report", other_task)


def test_task_permissions_are_what_the_page_offers(org, task):
    officer = access.task_permissions(org.officer, task)
    assert officer == {
        "report": True,
        "contribute": False,
        "approve": False,
        "obstacle": False,
        "comment": True,
        "manage": False,
    }
    head = access.task_permissions(org.head, task)
    assert head["approve"] and head["obstacle"] and not head["manage"]
    assert access.task_permissions(org.auditor, task) == dict.fromkeys(officer, False)


def test_only_the_agency_managers_give_the_direction_on_an_obstacle(org, task):
    obstacle = Obstacle.objects.create(task=task, reported_by=org.head, text="Thiếu kinh phí")
    assert access.get_obstacle_for_user(org.leader, obstacle.pk, resolve=True).task == task
    assert access.get_obstacle_for_user(org.office, obstacle.pk, resolve=True) == obstacle
    assert access.get_obstacle_for_user(org.head, obstacle.pk) == obstacle  # sees it
    with pytest.raises(PermissionDenied):
        access.get_obstacle_for_user(org.head, obstacle.pk, resolve=True)
    with pytest.raises(PermissionDenied):
        access.get_obstacle_for_user(org.auditor, obstacle.pk, resolve=True)
    for hidden in (org.other_officer, org.outsider):  # another unit's task, another agency
        with pytest.raises(Http404):
            access.get_obstacle_for_user(hidden, obstacle.pk)
    with pytest.raises(Http404):
        access.get_obstacle_for_user(org.leader, obstacle.pk + 1000)


def test_a_period_is_reported_by_who_reports_on_its_task(org, make_task):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 1))
    period = task.occurrences.first()
    assert access.get_occurrence_for_user(org.officer, period.pk).task == task
    with pytest.raises(PermissionDenied):
        access.get_occurrence_for_user(org.auditor, period.pk)  # sees the task, may not report
    with pytest.raises(Http404):
        access.get_occurrence_for_user(org.other_officer, period.pk)


def test_an_inspection_is_seen_by_the_agency_and_managed_by_its_managers(org, today):
    inspection = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra", inspected_unit=org.unit_a, inspected_on=today
    )
    assert access.get_inspection_for_user(org.other_officer, inspection.pk) == inspection
    assert access.get_inspection_for_user(org.office, inspection.pk, manage=True) == inspection
    assert access.can_manage_inspections(org.leader, org.agency)
    assert not access.can_manage_inspections(org.head, org.agency)
    with pytest.raises(PermissionDenied):
        access.get_inspection_for_user(org.officer, inspection.pk, manage=True)
    with pytest.raises(Http404):
        access.get_inspection_for_user(org.outsider, inspection.pk)


def test_managing_a_plan(org, plan):
    assert access.can_manage_plan(org.office, plan) and access.can_manage_plan(org.admin, plan)
    assert not access.can_manage_plan(org.head, plan) and not access.can_manage_plan(org.auditor, plan)
    with pytest.raises(PermissionDenied):
        access.get_plan_for_user(org.officer, plan.pk, manage=True)
    with pytest.raises(Http404):
        access.get_plan_for_user(org.outsider, plan.pk)


def test_the_province_overview_is_for_province_appraisers(org, make_task):
    task = make_task()
    assert list(access.province_tasks_visible_to(org.appraiser)) == [task]
    assert task in access.province_tasks_visible_to(User(is_superuser=True))
    for person in (org.office, org.outsider):
        with pytest.raises(Http404):
            access.province_tasks_visible_to(person)


def test_my_tasks_are_what_is_assigned_to_me_and_my_units_tasks_by_relation(org, make_task):
    led = make_task(lead_unit=org.unit_a)
    coordinated = make_task(lead_unit=org.unit_b, coordinating_units=[org.unit_a])
    assigned = make_task(lead_unit=org.units["VP"])
    assigned.assignees.set([org.officer])
    make_task(lead_unit=org.unit_b)  # none of these
    tasks = Task.objects.all()
    assert set(access.my_tasks(org.officer, tasks)) == {assigned}  # "mine": personal (D9)
    assert set(access.my_tasks(org.officer, tasks, "lead")) == {led}
    assert set(access.my_tasks(org.officer, tasks, "coordinating")) == {coordinated}
    assert set(access.my_tasks(org.officer, tasks, "unit")) == {led, coordinated, assigned}
    assert access.relation_counts(org.officer, tasks) == {"mine": 1, "lead": 1, "coordinating": 1, "unit": 3}
    rows = {t.pk: (t.is_lead, t.is_coordinating, t.is_assigned) for t in access.my_tasks(org.officer, tasks, "unit")}
    assert rows == {
        led.pk: (True, False, False),
        coordinated.pk: (False, True, False),
        assigned.pk: (False, False, True),
    }


def test_waiting_for_my_action_is_mine(org, make_task):
    awaiting = make_task(lead_unit=org.unit_a)
    Task.objects.filter(pk=awaiting.pk).update(completion_requested_at=awaiting.created_at)
    blocked = make_task(lead_unit=org.unit_b)
    Obstacle.objects.create(task=blocked, reported_by=org.other_officer, text="Thiếu kinh phí")
    make_task(lead_unit=org.unit_a)  # nothing to do on it
    tasks = Task.objects.all()
    assert set(access.my_tasks(org.head, tasks)) == {awaiting}  # the head approves
    assert set(access.my_tasks(org.leader, tasks)) == {awaiting, blocked}  # approves and directs
    assert set(access.my_tasks(org.officer, tasks)) == set()
    assert set(access.my_tasks(org.auditor, tasks)) == set()


def test_a_coordinating_unit_reports_its_part_not_the_overall_progress(org, make_task):
    task = make_task(lead_unit=org.unit_a, coordinating_units=[org.unit_b])
    assert can(org.other_officer, "contribute", task) and not can(org.other_officer, "report", task)
    assert access.contributing_units(org.other_officer, task) == [org.unit_b]
    task.assignees.set([org.other_officer])  # assigned, it still reports its unit's part
    task = Task.objects.get(pk=task.pk)
    assert not can(org.other_officer, "report", task)
    assert can(org.officer, "report", task) and not can(org.officer, "contribute", task)
    assert can(org.office, "report", task) and not can(org.office, "contribute", task)
    assert not can(org.auditor, "contribute", task)


def test_evidence_comes_from_the_tasks_own_agency(org, task, new_document):
    ours = new_document(org.office, "A")
    theirs = new_document(org.outsider, "B", agency=org.other)
    boss = User.objects.create(username="sieuquantri", is_superuser=True)  # sees every document
    assert access.get_evidence_for_task(boss, task, ours.pk) == ours
    with pytest.raises(Http404):
        access.get_evidence_for_task(boss, task, theirs.pk)
    with pytest.raises(Http404):
        access.get_evidence_for_task(org.officer, task, theirs.pk)  # not even seen
