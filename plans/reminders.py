"""Daily monitoring job of the plans app: refresh risk flags, then create reminders."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import daily_job, notifications, notify
from core.models import Role
from plans import monitoring
from plans.models import CLOSED_STATUSES, AssignedTask, Task
from plans.services import facts_of, refresh_open_tasks, rules


def _title(kind: str, task: Task, audience: str) -> str:
    if kind.startswith("due_in_"):
        days = kind.removeprefix("due_in_")
        text = _("Due in %(days)s working days: %(task)s") % {"days": days, "task": task}
    elif kind == "overdue":
        text = _("Overdue since %(date)s: %(task)s") % {"date": f"{task.next_due:%d/%m/%Y}", "task": task}
        if audience != "responsible":
            text = _("[Escalation] ") + text
    else:
        text = _("No progress update for a long time: %(task)s") % {"task": task}
    return text[:300]


@daily_job("plans.monitoring")
def monitor_tasks(*, today: dt.date, cal: WorkingCalendar) -> dict[str, int]:
    refreshed = refresh_open_tasks(today=today, cal=cal)
    tasks = list(
        Task.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(next_due__isnull=False)
        .prefetch_related("assignees")
        .select_related("lead_unit")
    )
    recipients = _Recipients()
    items = []
    r = rules()
    for task in tasks:
        for reminder in monitoring.reminders_for(task.pk, facts_of(task), today, cal, r):
            items += notifications(
                recipients.of(task, reminder.audience),
                key=reminder.key,
                kind=reminder.kind,
                title=_title(reminder.kind, task, reminder.audience),
                url=task.get_absolute_url(),
                day=today,
            )
    created = notify(items)
    return {"refreshed": refreshed, "notifications": created}


class _Recipients:
    """Who hears about a task: the responsible (its assignees, else the officers of its lead
    unit), the head of the lead unit, or the agency's focal point (escalations); one query per
    unit or agency and role, whatever the number of tasks."""

    def __init__(self) -> None:
        self._members: dict[tuple[int, str, int | None], set[int]] = {}

    def _with(self, agency_id: int, role: str, unit_id: int | None = None) -> set[int]:
        key = (agency_id, role, unit_id)
        if key not in self._members:
            self._members[key] = members_with(agency_id, [role], unit_id=unit_id)
        return self._members[key]

    def of(self, task: Task, audience: str) -> set[int]:
        if audience == "responsible":
            assigned = {u.pk for u in task.assignees.all()}
            return assigned or self._with(task.agency_id, Role.OFFICER, task.lead_unit_id)
        if audience == "unit_head":
            return self._with(task.agency_id, Role.UNIT_HEAD, task.lead_unit_id)
        return self._with(task.agency_id, Role.FOCAL_POINT)


# --- Tasks assigned by the province (issue 22) ---------------------------------------------------
# The same rule as plan tasks (plans.monitoring.reminders_for, the days of `rules().reminder_days`
# before the due date, then overdue every working day): the officers of the lead unit hear first
# (the Office focal point when the agency as a whole leads), the unit head after
# `escalate_head_after` working days late, the focal point and the leader after
# `escalate_office_after`. Keys start with "assigned:" and never meet a plan task's.


def _assigned_title(kind: str, task: AssignedTask, audience: str) -> str:
    subject = f"{task.code} · {task.content}"
    if kind.startswith("due_in_"):
        days = kind.removeprefix("due_in_")
        text = _("Task assigned by the province due in %(days)s working days: %(task)s") % {
            "days": days,
            "task": subject,
        }
    else:
        text = _("Task assigned by the province overdue since %(date)s: %(task)s") % {
            "date": f"{task.due_date:%d/%m/%Y}",
            "task": subject,
        }
        if audience != "responsible":
            text = _("[Escalation] ") + text
    return text[:300]


def _assigned_recipients(recipients: _Recipients, task: AssignedTask, audience: str) -> set[int]:
    agency, unit = task.agency_id, task.lead_unit_id
    if audience == "responsible":
        if unit is None:
            return recipients._with(agency, Role.FOCAL_POINT)
        return recipients._with(agency, Role.OFFICER, unit) or recipients._with(agency, Role.UNIT_HEAD, unit)
    if audience == "unit_head":
        return recipients._with(agency, Role.UNIT_HEAD, unit) if unit else recipients._with(agency, Role.LEADER)
    return recipients._with(agency, Role.FOCAL_POINT) | recipients._with(agency, Role.LEADER)


@daily_job("plans.assigned_reminders")
def remind_assigned_tasks(*, today: dt.date, cal: WorkingCalendar) -> dict[str, int]:
    """Reminders and escalations of the open assigned tasks with a due date (idempotent)."""
    tasks = AssignedTask.objects.filter(status=AssignedTask.Status.OPEN, due_date__isnull=False)
    recipients = _Recipients()
    items = []
    r = rules()
    count = 0
    for task in tasks.iterator():
        count += 1
        facts = monitoring.TaskFacts(
            start=None, due=task.due_date, progress=0, closed=False, last_update=None, evidence_count=0
        )
        for reminder in monitoring.reminders_for(task.pk, facts, today, cal, r):
            items += notifications(
                _assigned_recipients(recipients, task, reminder.audience),
                key="assigned:" + reminder.key.removeprefix("task:"),
                kind=f"assigned_{reminder.kind}",
                title=_assigned_title(reminder.kind, task, reminder.audience),
                url=task.get_absolute_url(),
                day=today,
            )
    return {"assigned_tasks": count, "notifications": notify(items)}
