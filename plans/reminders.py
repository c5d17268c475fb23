"""Daily monitoring job of the plans app: refresh risk flags, then create reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.jobs import daily_job, notify
from core.models import Membership, Notification, Role
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
def monitor_tasks(*, today: dt.date, cal: WorkingCalendar) -> dict:
    refreshed = refresh_open_tasks(today=today, cal=cal)
    tasks = list(
        Task.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(next_due__isnull=False)
        .prefetch_related("assignees")
        .select_related("lead_unit")
    )
    members: dict[tuple, set[int]] = defaultdict(set)
    agency_ids = {t.agency_id for t in tasks}
    for user_id, agency_id, unit_id, role in Membership.objects.filter(agency_id__in=agency_ids).values_list(
        "user_id", "agency_id", "unit_id", "role"
    ):
        members[(unit_id, role)].add(user_id)
        members[(agency_id, "agency", role)].add(user_id)
    items = []
    r = rules()
    for task in tasks:
        for reminder in monitoring.reminders_for(task.pk, facts_of(task), today, cal, r):
            if reminder.audience == "responsible":
                users = {u.pk for u in task.assignees.all()} or members[(task.lead_unit_id, Role.OFFICER)]
            elif reminder.audience == "unit_head":
                users = members[(task.lead_unit_id, Role.UNIT_HEAD)]
            else:
                users = members[(task.agency_id, "agency", Role.FOCAL_POINT)]
            url = reverse("plans:task_detail", args=[task.pk])
            for user_id in users:
                items.append(
                    Notification(
                        user_id=user_id,
                        key=reminder.key,
                        kind=reminder.kind,
                        title=_title(reminder.kind, task, reminder.audience),
                        url=url,
                        for_date=today,
                    )
                )
    created = notify(items)
    return {"refreshed": refreshed, "notifications": created}
