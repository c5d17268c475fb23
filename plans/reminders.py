"""Daily monitoring job of the plans app: refresh risk flags, then create reminders."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import daily_job, notifications, notify
from core.models import Role
from plans import monitoring
from plans.models import CLOSED_STATUSES, Task
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
