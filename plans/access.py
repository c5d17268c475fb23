"""Access rules for plans, tasks, obstacles, periods and inspections (see core.access for the
shared Scope).

- view: leaders, the Office, administrators, auditors and appraisers of the task's agency see
  every task; officers and unit heads see the tasks their units lead or coordinate, and tasks
  assigned to them;
- report (the task's overall progress, its evidence, a period done): officers and unit heads of
  the lead unit, assignees (but for an officer or head of a coordinating unit: that one reports
  their unit's part), the Office focal point, administrators;
- contribute (a coordinating unit's own part: its progress, text and evidence): officers and unit
  heads of a coordinating unit;
- approve (completion): the head of the lead unit, the agency leader;
- obstacle: the head of the lead or a coordinating unit, the focal point;
- comment: anyone who may view, except read-only roles (auditor, appraiser);
- manage (edit, deadline, cancel, import, new tasks, inspections and their findings, the
  direction on an obstacle): administrator, leader, focal point;
- an obstacle and a period are seen by who sees their task; an inspection by every member of
  its agency (its findings' remediation tasks follow the task rules);
- the province overview: the appraisers of a Sở Nội vụ, for the agencies of their province.

Invisible -> Http404, visible but not allowed -> PermissionDenied (403).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from core.access import get_document_for_user, scope_for
from core.models import Agency, Document, Role, Unit, User
from plans.models import (
    CLOSED_STATUSES,
    AssignedTask,
    Inspection,
    Obstacle,
    Occurrence,
    Plan,
    Task,
    TaskContribution,
    TaskEvidence,
)

type Person = User | AnonymousUser
ACTIONS = ("view", "report", "contribute", "approve", "obstacle", "comment", "manage")


def task_unit_ids(task: Task) -> set[int]:
    ids = {task.lead_unit_id}
    ids.update(u.pk for u in task.coordinating_units.all())
    return ids


def can(user: Person, action: str, task: Task) -> bool:
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
        return scope.can_manage(task.agency_id)
    if action == "comment":
        return not scope.is_read_only(task.agency_id)
    if action == "approve":
        return Role.LEADER in roles or Role.UNIT_HEAD in scope.unit_roles(task.lead_unit_id)
    units = task_unit_ids(task)
    if action == "obstacle":
        return Role.FOCAL_POINT in roles or any(Role.UNIT_HEAD in scope.unit_roles(u) for u in units)
    workers = {Role.OFFICER, Role.UNIT_HEAD}
    coordinating = bool(contributing_units(user, task)) and not scope.unit_roles(task.lead_unit_id) & workers
    if action == "contribute":
        return coordinating
    # report: the overall progress is the lead unit's (D10)
    if roles & {Role.FOCAL_POINT, Role.ADMINISTRATOR}:
        return True
    if scope.unit_roles(task.lead_unit_id) & workers:
        return True
    return not coordinating and any(a.pk == scope.user_id for a in task.assignees.all())


def contributing_units(user: Person, task: Task) -> list[Unit]:
    """The coordinating units of the task where the person is an officer or the head: the units
    whose part they report (D10)."""
    scope = scope_for(user)
    return [u for u in task.coordinating_units.all() if scope.unit_roles(u.pk) & {Role.OFFICER, Role.UNIT_HEAD}]


def task_permissions(user: Person, task: Task) -> dict[str, bool]:
    """What the person may do on a task they see, for its page: {action: allowed}."""
    return {action: can(user, action, task) for action in ACTIONS if action != "view"}


def tasks_visible_to(user: Person) -> QuerySet[Task]:
    scope = scope_for(user)
    qs = Task.objects.all()
    if scope.is_superuser:
        return qs
    if scope.user_id is None:  # anonymous
        return qs.none()
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


# "My tasks" (D9): which of the tasks the person sees are theirs. "mine" (the default): assigned to
# them, or waiting for their action (a completion to approve, an obstacle awaiting the direction);
# "lead" / "coordinating": led / coordinated by a unit where they are an officer or the head;
# "unit": all of these together.
RELATIONS = ("mine", "lead", "coordinating", "unit")


def relation_filters(user: Person) -> dict[str, Q]:
    """The conditions of each "My tasks" filter (and "assigned"), as filters on Task (subqueries,
    no joins: no duplicate rows)."""
    scope = scope_for(user)
    units = scope.units_with(Role.OFFICER, Role.UNIT_HEAD)
    headed = scope.units_with(Role.UNIT_HEAD)
    assigned = Q(pk__in=Task.assignees.through.objects.filter(user_id=scope.user_id or 0).values("task_id"))
    coordinated = Task.coordinating_units.through.objects.filter(unit_id__in=units).values("task_id")
    open_ = ~Q(status__in=CLOSED_STATUSES)
    awaiting = open_ & Q(completion_requested_at__isnull=False)
    leading = [a for a, roles in scope.roles_by_agency.items() if Role.LEADER in roles]
    directing = [a for a, roles in scope.roles_by_agency.items() if roles & {Role.LEADER, Role.FOCAL_POINT}]
    obstacles = Obstacle.objects.filter(status=Obstacle.Status.OPEN).values("task_id")
    waiting = (awaiting & (Q(lead_unit_id__in=headed) | Q(agency_id__in=leading))) | (
        open_ & Q(agency_id__in=directing, pk__in=obstacles)
    )
    lead = Q(lead_unit_id__in=units)
    coordinating = Q(pk__in=coordinated)
    return {
        "mine": assigned | waiting,
        "lead": lead,
        "coordinating": coordinating,
        "unit": assigned | lead | coordinating,
        "assigned": assigned,
    }


def my_tasks(user: Person, tasks: QuerySet[Task], relation: str = "mine") -> QuerySet[Task]:
    """Of `tasks`, the person's under one of the RELATIONS (an unknown one reads as "mine"), each
    annotated with the person's relation to it: `is_lead`, `is_coordinating`, `is_assigned`."""
    filters = relation_filters(user)
    return with_relation(user, tasks.filter(filters.get(relation, filters["mine"])))


def with_relation(user: Person, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """`tasks` annotated with the person's relation to each: lead unit, coordinating unit,
    assigned (for the "My tasks" column)."""
    filters = relation_filters(user)
    return tasks.annotate(
        is_lead=ExpressionWrapper(filters["lead"], output_field=BooleanField()),
        is_coordinating=ExpressionWrapper(filters["coordinating"], output_field=BooleanField()),
        is_assigned=ExpressionWrapper(filters["assigned"], output_field=BooleanField()),
    )


def relation_counts(user: Person, tasks: QuerySet[Task]) -> dict[str, int]:
    """How many of `tasks` each "My tasks" filter holds (one query)."""
    filters = relation_filters(user)
    return tasks.aggregate(**{key: Count("pk", filter=filters[key]) for key in RELATIONS})


def plans_visible_to(user: Person) -> QuerySet[Plan]:
    scope = scope_for(user)
    qs = Plan.objects.all()
    return qs if scope.is_superuser else qs.filter(agency_id__in=scope.agency_ids)


def get_task_for_user(user: Person, pk: int, *, action: str = "view") -> Task:
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


def can_manage_plan(user: Person, plan: Plan) -> bool:
    """Adds tasks, imports them and manages the agency's inspections (see `manage`)."""
    return scope_for(user).can_manage(plan.agency_id)


def get_plan_for_user(user: Person, pk: int, *, manage: bool = False) -> Plan:
    plan = Plan.objects.select_related("agency").filter(pk=pk).first()
    if plan is None or not scope_for(user).can_view_agency(plan.agency_id):
        raise Http404
    if manage and not can_manage_plan(user, plan):
        raise PermissionDenied
    return plan


def can_direct_obstacles(user: Person, agency: Agency) -> bool:
    """Gives the direction on the agency's obstacles (see `manage`)."""
    return scope_for(user).can_manage(agency.pk)


def get_obstacle_for_user(user: Person, pk: int, *, resolve: bool = False) -> Obstacle:
    """An obstacle of a task the person sees (404 otherwise); with `resolve`, one they may give
    the direction on: the agency's managers (403 otherwise)."""
    obstacle = Obstacle.objects.filter(pk=pk).first()
    if obstacle is None:
        raise Http404
    obstacle.task = get_task_for_user(user, obstacle.task_id)
    if resolve and not scope_for(user).can_manage(obstacle.task.agency_id):
        raise PermissionDenied
    return obstacle


def get_occurrence_for_user(user: Person, pk: int) -> Occurrence:
    """A period of a recurring task the person may report on (404 when they do not see the task,
    403 when they may not report)."""
    occurrence = Occurrence.objects.filter(pk=pk).first()
    if occurrence is None:
        raise Http404
    occurrence.task = get_task_for_user(user, occurrence.task_id, action="report")
    return occurrence


def can_manage_inspections(user: Person, agency: Agency) -> bool:
    """Records inspections of the agency's units and their findings (see `manage`)."""
    return scope_for(user).can_manage(agency.pk)


def get_inspection_for_user(user: Person, pk: int, *, manage: bool = False) -> Inspection:
    """An inspection of an agency the person belongs to (404 otherwise); with `manage`, one whose
    findings they may record (403 otherwise)."""
    inspection = Inspection.objects.select_related("agency", "inspected_unit").filter(pk=pk).first()
    if inspection is None or not scope_for(user).can_view_agency(inspection.agency_id):
        raise Http404
    if manage and not can_manage_inspections(user, inspection.agency):
        raise PermissionDenied
    return inspection


def province_tasks_visible_to(user: Person) -> QuerySet[Task]:
    """The tasks of the agencies a province appraiser (a Sở Nội vụ's) oversees; all for a
    superuser. 404 for anyone else: the overview does not exist for them."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Task.objects.all()
    province_ids = scope.province_appraiser_of()
    if not province_ids:
        raise Http404
    return Task.objects.filter(agency__province_id__in=province_ids)


def get_evidence_for_task(user: Person, task: Task, pk: int) -> Document:
    """A document the person sees, of the task's agency, to link to the task as evidence (404
    otherwise: a document of another agency never evidences this agency's work)."""
    document = get_document_for_user(user, pk)
    if document.agency_id != task.agency_id:
        raise Http404
    return document


def documents_of_visible_tasks(user: Person) -> Q:
    """Evidence of the tasks a person may see, and of the coordinating units' parts of them
    (registered with core.access)."""
    visible = tasks_visible_to(user)
    parts = TaskContribution.documents.through.objects.filter(taskcontribution__task__in=visible)
    return Q(pk__in=TaskEvidence.objects.filter(task__in=visible).values("document_id")) | Q(
        pk__in=parts.values("document_id")
    )


def tasks_using_document(user: Person, document: Document) -> list[tuple[str, str]]:
    """The tasks a document evidences, as (code, link), that the person sees (core.access)."""
    tasks = tasks_visible_to(user).filter(evidence_links__document=document).order_by("code")
    return [(t.code, t.get_absolute_url()) for t in tasks]


# --- The register of tasks assigned by the province (issue 22) -----------------------------------
# - view: the agency-wide roles (leader, Office, administrator, auditor, appraiser) see every task
#   of the register; officers and unit heads see the tasks their units lead or coordinate;
# - edit (enter, import, change, withdraw, reopen): the Office focal point, the administrator and
#   the leader (`Scope.can_manage`);
# - report completion (completed on, the report sent, evidence): those, and the head and officers
#   of the task's lead unit;
# - read-only roles (auditor, appraiser) never change anything; other agencies see nothing (404).


def assigned_tasks_visible_to(user: Person) -> QuerySet[AssignedTask]:
    """The assigned tasks the person sees (the same rule as `get_assigned_task_for_user`)."""
    scope = scope_for(user)
    qs = AssignedTask.objects.all()
    if scope.is_superuser:
        return qs
    if scope.user_id is None:
        return qs.none()
    whole = [a for a in scope.agency_ids if scope.sees_whole_agency(a)]
    if len(whole) == len(scope.agency_ids):
        return qs.filter(agency_id__in=whole)
    units = scope.units_with(Role.OFFICER, Role.UNIT_HEAD)
    coordinated = AssignedTask.coordinating_units.through.objects.filter(unit_id__in=units).values("assignedtask_id")
    return qs.filter(
        Q(agency_id__in=whole) | Q(lead_unit_id__in=units) | Q(pk__in=coordinated),
        agency_id__in=scope.agency_ids,
    )


def can_edit_assigned(user: Person, obj: AssignedTask | Agency) -> bool:
    """Enters, imports, changes, withdraws and reopens the agency's assigned tasks: the Office focal
    point, the administrator and the leader (not a read-only role)."""
    agency_id = obj.pk if isinstance(obj, Agency) else obj.agency_id
    return scope_for(user).can_manage(agency_id)


def can_report_assigned(user: Person, obj: AssignedTask) -> bool:
    """Reports the task done (completed on, report number and date, evidence): who may edit it, and
    the head and officers of its lead unit."""
    scope = scope_for(user)
    if can_edit_assigned(user, obj):
        return True
    if not scope.can_view_agency(obj.agency_id) or scope.is_read_only(obj.agency_id) or obj.lead_unit_id is None:
        return False
    return bool(scope.unit_roles(obj.lead_unit_id) & {Role.OFFICER, Role.UNIT_HEAD})


def sees_assigned_register(user: Person, agency: Agency | None) -> bool:
    """Has the register page of the agency (the menu entry): a member working here (an officer sees
    their units' tasks in it), not a Sở Nội vụ appraiser of another agency."""
    if agency is None:
        return False
    scope = scope_for(user)
    roles = scope.roles(agency.pk)
    return scope.is_superuser or (bool(roles) and roles != {Role.APPRAISER})


def get_assigned_task_for_user(user: Person, pk: int, *, action: str = "view") -> AssignedTask:
    """An assigned task the person sees (404 otherwise); `action` "edit" or "report": one they may
    change so (403 otherwise)."""
    found = (
        assigned_tasks_visible_to(user)
        .select_related("agency", "lead_unit")
        .prefetch_related("coordinating_units", "evidence")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if action not in ("view", "edit", "report"):
        raise ValueError(action)
    if action == "edit" and not can_edit_assigned(user, found):
        raise PermissionDenied
    if action == "report" and not can_report_assigned(user, found):
        raise PermissionDenied
    return found


def get_assigned_agency_for_user(user: Person, code: str) -> Agency:
    """The agency (by code) whose register the API reads or writes: its members only (404)."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not scope_for(user).can_view_agency(agency.pk):
        raise Http404
    return agency


def documents_of_visible_assigned_tasks(user: Person) -> Q:
    """Evidence of the assigned tasks a person sees (registered with core.access)."""
    through = AssignedTask.evidence.through.objects.filter(assignedtask__in=assigned_tasks_visible_to(user))
    return Q(pk__in=through.values("document_id"))


def assigned_tasks_using_document(user: Person, document: Document) -> list[tuple[str, str]]:
    """The assigned tasks a document evidences, as (code, link), that the person sees."""
    tasks = assigned_tasks_visible_to(user).filter(evidence=document).order_by("code")
    return [(t.code, t.get_absolute_url()) for t in tasks]
