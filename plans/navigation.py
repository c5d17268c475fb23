"""The plan's menu entries and landing-page panels (core.navigation): the person's own tasks,
the approvals and late tasks of a unit head, the obstacles waiting for a direction, the agency's
figures for the Office and the leaders, the province overview for a Sở Nội vụ appraiser, and the
first step when the agency has no plan yet."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.access import AnyUser, members_with, scope_for
from core.models import Agency, Role, Unit, User
from core.navigation import Count as Figure
from core.navigation import (
    Panel,
    Row,
    appraises_province,
    due_state,
    may_change_here,
    panel,
    register_area,
    register_menu,
    register_notification_kinds,
    roles_in,
    works_here,
)
from core.services import load_calendar
from plans.access import province_tasks_visible_to, sees_assigned_register, tasks_visible_to
from plans.models import CLOSED_STATUSES, Obstacle, Plan, Task
from plans.selectors import Thresholds, summary

ROWS = 6  # the first few items of a panel; "see all" lists the rest
WEEK = 7  # "due soon" on the landing page: within a week

register_area("province", gettext_lazy("Province overview"), order=5)
register_area("plans", gettext_lazy("Plan"), order=10)
register_menu(
    area="province",
    label=gettext_lazy("Plans of the province's agencies"),
    url_name="plans:province",
    order=10,
    allowed=lambda user, agency: appraises_province(user),
)
register_menu(
    area="plans", label=gettext_lazy("Plan"), url_name="plans:dashboard", order=100, allowed=works_here, main=True
)
register_menu(
    area="plans", label=gettext_lazy("My tasks"), url_name="plans:my_tasks", order=105, allowed=may_change_here
)
register_menu(area="plans", label=gettext_lazy("All tasks"), url_name="plans:task_list", order=110, allowed=works_here)
register_menu(area="plans", label=gettext_lazy("Obstacles"), url_name="plans:obstacles", order=120, allowed=works_here)
register_menu(
    area="plans", label=gettext_lazy("CCHC inspections"), url_name="plans:inspections", order=160, allowed=works_here
)
register_menu(
    area="plans", label=gettext_lazy("Year-end results"), url_name="plans:year_end", order=170, allowed=works_here
)
register_menu(
    area="plans",
    label=gettext_lazy("Tasks assigned by the province"),
    url_name="plans:assigned_list",
    order=115,
    allowed=sees_assigned_register,
)
register_notification_kinds(
    "assigned_tasks", gettext_lazy("Tasks assigned by the province"), ("assigned_due_in_", "assigned_overdue")
)
register_notification_kinds("tasks", gettext_lazy("Tasks"), ("due_in_", "overdue", "stale", "approval", "obstacle"))


def _open_tasks(user: AnyUser, agency: Agency) -> QuerySet[Task]:
    return tasks_visible_to(user).filter(agency=agency).exclude(status__in=CLOSED_STATUSES)


def _task_row(task: Task, today: dt.date) -> Row:
    state, tone = due_state(task.next_due, today)
    if task.completion_requested_at is not None:
        state, tone = _("awaiting approval"), "success"
    return Row(
        label=f"{task.code} · {task.title}",
        url=task.get_absolute_url(),
        due=task.next_due,
        state=state,
        tone=tone,
        detail=f"{task.lead_unit.name} · {task.progress}%",
    )


def _day(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def _due_counts(tasks: QuerySet[Task], today: dt.date) -> dict[str, int]:
    """How many of `tasks` there are, how many are overdue and how many are due within a week (one query)."""
    week = today + dt.timedelta(days=WEEK)
    return tasks.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(next_due__lt=today)),
        week=Count("pk", filter=Q(next_due__gte=today, next_due__lte=week)),
    )


def _nearest_first(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Overdue first, then due within a week, then the rest: the nearest due date first."""
    return tasks.select_related("lead_unit").order_by(F("next_due").asc(nulls_last=True), "code")


def _has_plan(agency: Agency) -> bool:
    """Whether the agency has a plan, asked once per page (the panels share the agency object)."""
    known: bool | None = getattr(agency, "_landing_has_plan", None)
    if known is None:
        known = Plan.objects.filter(agency=agency).exists()
        agency._landing_has_plan = known  # type: ignore[attr-defined]  # kept for the page
    return known


def mine(user: AnyUser, agency: Agency) -> QuerySet[Task]:
    """The open tasks waiting for the person: assigned to them, or led by a unit where they are an
    officer or the head and assigned to nobody yet (the unit's work until someone is named)."""
    scope = scope_for(user)
    units = scope.units_with(Role.OFFICER, Role.UNIT_HEAD)
    assigned = Task.assignees.through.objects.filter(task_id=OuterRef("pk"))
    return _open_tasks(user, agency).filter(
        Q(Exists(assigned.filter(user_id=scope.user_id or 0))) | (Q(lead_unit_id__in=units) & ~Q(Exists(assigned)))
    )


@panel(order=10)
def my_tasks_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Officer (and anyone given tasks): the tasks waiting for them, the nearest due date first."""
    if agency is None or not may_change_here(user, agency) or not _has_plan(agency):
        return None
    roles = roles_in(user, agency)
    tasks = mine(user, agency)
    counts = _due_counts(tasks, today)
    if not counts["total"] and not roles & {Role.OFFICER, Role.UNIT_HEAD}:
        return None  # a leader or the Office with no task of their own: nothing to say here
    units = Unit.objects.filter(agency=agency, pk__in=scope_for(user).units_with(Role.OFFICER, Role.UNIT_HEAD))
    links = [
        (_("All tasks of %(unit)s") % {"unit": unit.name}, f"{reverse('plans:task_list')}?unit={unit.pk}")
        for unit in units.order_by("order", "name")
    ]
    return Panel(
        key="my_tasks",
        title=_("My tasks"),
        count=counts["total"],
        counts=[
            Figure(_("Overdue"), counts["overdue"], f"{reverse('plans:my_tasks')}?flag=overdue", "danger"),
            Figure(_("Due within 7 days"), counts["week"], "", "warning"),
        ],
        rows=[_task_row(task, today) for task in _nearest_first(tasks)[:ROWS]],
        see_all=(_("All my tasks"), reverse("plans:my_tasks")),
        links=links,
        empty=_("No task is waiting for you."),
    )


def _heads(user: AnyUser, agency: Agency) -> tuple[bool, set[int]]:
    """(leads the agency, the units of the agency the person heads)."""
    scope = scope_for(user)
    leader = scope.is_superuser or Role.LEADER in scope.roles(agency.pk)
    return leader, scope.units_with(Role.UNIT_HEAD)


@panel(order=20)
def approvals_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Unit head and leader: the tasks whose completion waits for their approval."""
    if agency is None:
        return None
    leader, headed = _heads(user, agency)
    if not leader and not headed:
        return None
    tasks = _open_tasks(user, agency).filter(completion_requested_at__isnull=False)
    if not leader:
        tasks = tasks.filter(lead_unit_id__in=headed)
    rows = list(tasks.select_related("lead_unit").order_by("completion_requested_at")[: ROWS + 1])
    count = len(rows) if len(rows) <= ROWS else tasks.count()
    return Panel(
        key="approvals",
        title=_("Tasks waiting for your approval"),
        count=count,
        rows=[
            Row(
                label=f"{task.code} · {task.title}",
                url=task.get_absolute_url(),
                due=task.next_due,
                state=_("requested on %(date)s") % {"date": _day(task.completion_requested_at)},
                tone="success",
                detail=f"{task.lead_unit.name} · {task.progress}%",
            )
            for task in rows[:ROWS]
        ],
        see_all=(_("All tasks awaiting approval"), f"{reverse('plans:task_list')}?flag=awaiting_approval"),
        empty=_("No task is waiting for your approval."),
    )


@panel(order=25)
def unit_late_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Unit head: the late tasks of the units they head."""
    if agency is None:
        return None
    _leader, headed = _heads(user, agency)
    if not headed:
        return None
    tasks = _open_tasks(user, agency).filter(lead_unit_id__in=headed, next_due__lt=today)
    rows = list(_nearest_first(tasks)[: ROWS + 1])
    count = len(rows) if len(rows) <= ROWS else tasks.count()
    return Panel(
        key="unit_late",
        title=_("Late tasks of my unit"),
        count=count,
        rows=[_task_row(task, today) for task in rows[:ROWS]],
        see_all=(_("All late tasks"), f"{reverse('plans:task_list')}?flag=overdue"),
        empty=_("No task of your unit is late."),
    )


@panel(order=30)
def obstacles_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Leader and Office: the obstacles still waiting for a direction."""
    if agency is None or not roles_in(user, agency) & {Role.LEADER, Role.FOCAL_POINT}:
        return None
    items = Obstacle.objects.filter(task__in=tasks_visible_to(user).filter(agency=agency), status=Obstacle.Status.OPEN)
    rows = list(items.select_related("task").order_by("reported_at")[: ROWS + 1])
    count = len(rows) if len(rows) <= ROWS else items.count()
    return Panel(
        key="obstacles",
        title=_("Obstacles needing a direction"),
        count=count,
        rows=[
            Row(
                label=f"{item.task.code}: {item.text}",
                url=item.task.get_absolute_url(),
                state=_("reported on %(date)s") % {"date": _day(item.reported_at)},
                tone="warning",
            )
            for item in rows[:ROWS]
        ],
        see_all=(_("All obstacles"), reverse("plans:obstacles")),
        empty=_("No obstacle is waiting for a direction."),
    )


@panel(order=15)
def agency_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The Office (first), the leaders, the administrator and the auditor: the agency's task
    figures of the plan dashboard, each linking to its list."""
    roles = roles_in(user, agency)
    if agency is None or not roles & {Role.FOCAL_POINT, Role.LEADER, Role.ADMINISTRATOR, Role.AUDITOR}:
        return None
    if not _has_plan(agency):
        return None
    t = Thresholds.compute(today, load_calendar())
    figures = summary(tasks_visible_to(user).filter(agency=agency), t)
    tasks = reverse("plans:task_list")
    return Panel(
        key="agency_tasks",
        title=_("The agency's plan today"),
        count=figures["total"],
        counts=[
            Figure(_("Overdue"), figures["overdue"], f"{tasks}?flag=overdue", "danger"),
            Figure(_("At risk"), figures["at_risk"], f"{tasks}?flag=at_risk", "warning"),
            Figure(_("Due soon"), figures["due_soon"], f"{tasks}?flag=due_soon", "warning"),
            Figure(_("No recent update"), figures["stale"], f"{tasks}?flag=stale"),
            Figure(_("Missing evidence near deadline"), figures["missing_evidence"], f"{tasks}?flag=missing_evidence"),
            Figure(_("Awaiting approval"), figures["awaiting_approval"], f"{tasks}?flag=awaiting_approval"),
        ],
        see_all=(_("Plan monitoring"), reverse("plans:dashboard")),
        order=70 if Role.LEADER in roles else 12,  # the leader's decisions come first
    )


@panel(order=12)
def province_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """A Sở Nội vụ appraiser: the plans of the province's agencies, the latest ones first."""
    if not appraises_province(user):
        return None
    grouped = (
        province_tasks_visible_to(user)
        .order_by()
        .values("agency_id")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=~Q(status__in=CLOSED_STATUSES) & Q(next_due__lt=today)),
            done=Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
        )
    )
    figures = {row["agency_id"]: row for row in grouped}
    names = dict(Agency.objects.filter(pk__in=figures).values_list("pk", "name"))
    worst = sorted(figures.values(), key=lambda r: (-r["overdue"], names.get(r["agency_id"], "")))
    province = reverse("plans:province")
    return Panel(
        key="province_plans",
        title=_("Plans of the province's agencies"),
        count=len(figures),
        rows=[
            Row(
                label=names.get(row["agency_id"], ""),
                url=province,
                state=ngettext("%(n)s task overdue", "%(n)s tasks overdue", row["overdue"]) % {"n": row["overdue"]},
                tone="danger" if row["overdue"] else "success",
                detail=_("%(done)s of %(total)s tasks closed") % {"done": row["done"], "total": row["total"]},
            )
            for row in worst[:ROWS]
        ],
        see_all=(_("Province overview of the plans"), province),
        empty=_("No agency of the province has a plan yet."),
    )


def _office_contacts(agency: Agency) -> str:
    people = User.objects.filter(pk__in=members_with(agency.pk, [Role.FOCAL_POINT])).order_by("full_name")
    return ", ".join(p.full_name or p.username for p in people[:3])


@panel(order=1)
def no_plan_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """An agency with no plan yet: what happens next, and who does it."""
    if agency is None or not works_here(user, agency) or _has_plan(agency):
        return None
    scope = scope_for(user)
    links: list[tuple[str, str]] = []
    if scope.can_manage(agency.pk):
        text = _(
            "%(agency)s has no administrative reform plan in the system yet. The Office creates the year's "
            "plan and imports its tasks from the Excel template; then every unit sees its tasks here."
        ) % {"agency": agency.name}
        links.append((_("Create a plan"), reverse("plans:new_plan")))
    else:
        contacts = _office_contacts(agency)
        text = _(
            "The Office has not imported a plan yet. When it does, the tasks given to you and your unit appear here."
        )
        if contacts:
            text += " " + _("Office focal point: %(people)s.") % {"people": contacts}
    return Panel(key="no_plan", title=_("No plan yet"), text=text, links=links)
