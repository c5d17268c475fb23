"""Access rules for plans and tasks (see core.access for the shared Scope).

- view: leaders, the Office, administrators, auditors and appraisers of the task's agency see
  every task; officers and unit heads see the tasks their units lead or coordinate, and tasks
  assigned to them;
- report (progress, evidence): officers and unit heads of the lead or a coordinating unit,
  assignees, the Office focal point, administrators;
- approve (completion): the head of the lead unit, the agency leader;
- obstacle: the head of the lead or a coordinating unit, the focal point;
- comment: anyone who may view, except read-only roles (auditor, appraiser);
- manage (edit, deadline, cancel, import, inspections): administrator, leader, focal point.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Role
from plans.models import Plan, Task

ACTIONS = ("view", "report", "approve", "obstacle", "comment", "manage")


def task_unit_ids(task: Task) -> set[int]:
    ids = {task.lead_unit_id}
    ids.update(u.pk for u in task.coordinating_units.all())
    return ids


def can(user, action: str, task: Task) -> bool:
    if action not in ACTIONS:
        raise ValueError(action)
    scope = scope_for(user)
    if not scope.can_view_agency(task.agency_id):
        return False
    if not scope.sees_whole_agency(task.agency_id) and not (
        any(scope.unit_roles(u) for u in task_unit_ids(task))
        or any(a.pk == scope.user_id for a in task.assignees.all())
    ):
        return False
    if scope.is_superuser or action == "view":
        return True
    roles = scope.roles(task.agency_id)
    if action == "manage":
        return scope.is_manager(task.agency_id)
    if action == "comment":
        return not scope.is_read_only(task.agency_id)
    if action == "approve":
        return Role.LEADER in roles or Role.UNIT_HEAD in scope.unit_roles(task.lead_unit_id)
    units = task_unit_ids(task)
    if action == "obstacle":
        return Role.FOCAL_POINT in roles or any(Role.UNIT_HEAD in scope.unit_roles(u) for u in units)
    # report
    if roles & {Role.FOCAL_POINT, Role.ADMINISTRATOR}:
        return True
    if any(scope.unit_roles(u) & {Role.OFFICER, Role.UNIT_HEAD} for u in units):
        return True
    return any(a.pk == scope.user_id for a in task.assignees.all())


def tasks_visible_to(user) -> QuerySet[Task]:
    scope = scope_for(user)
    qs = Task.objects.all()
    if scope.is_superuser:
        return qs
    whole = [a for a in scope.agency_ids if scope.sees_whole_agency(a)]
    if len(whole) == len(scope.agency_ids):  # leaders, the Office...: a plain agency filter
        return qs.filter(agency_id__in=whole)
    units = list(scope.roles_by_unit)
    coordinated = Task.coordinating_units.through.objects.filter(unit_id__in=units).values("task_id")
    assigned = Task.assignees.through.objects.filter(user_id=scope.user_id).values("task_id")
    return qs.filter(
        Q(agency_id__in=whole) | Q(lead_unit_id__in=units) | Q(pk__in=coordinated) | Q(pk__in=assigned),
        agency_id__in=scope.agency_ids,
    )


def plans_visible_to(user) -> QuerySet[Plan]:
    scope = scope_for(user)
    qs = Plan.objects.all()
    return qs if scope.is_superuser else qs.filter(agency_id__in=scope.agency_ids)


def get_task_for_user(user, pk: int, *, action: str = "view") -> Task:
    task = (
        Task.objects.select_related("plan", "agency", "section", "lead_unit")
        .prefetch_related("coordinating_units", "assignees")
        .filter(pk=pk)
        .first()
    )
    if task is None or not can(user, "view", task):
        raise Http404
    if action != "view" and not can(user, action, task):
        raise PermissionDenied
    return task


def get_plan_for_user(user, pk: int, *, manage: bool = False) -> Plan:
    plan = Plan.objects.select_related("agency").filter(pk=pk).first()
    scope = scope_for(user)
    if plan is None or not scope.can_view_agency(plan.agency_id):
        raise Http404
    if manage and not scope.is_manager(plan.agency_id):
        raise PermissionDenied
    return plan


def documents_of_visible_tasks(user) -> Q:
    """Evidence of the tasks a person may see (registered with core.access)."""
    from plans.models import TaskEvidence

    return Q(pk__in=TaskEvidence.objects.filter(task__in=tasks_visible_to(user)).values("document_id"))


def tasks_using_document(user, document) -> list[tuple[str, str]]:
    from django.urls import reverse

    tasks = tasks_visible_to(user).filter(evidence_links__document=document).order_by("code")
    return [(t.code, reverse("plans:task_detail", args=[t.pk])) for t in tasks]
