"""Daily job: remind who handles feedback of its deadlines, and escalate (feedback_pakn.md §4).

- the next step is due within 2 working days: the assignee, else the officers and head of the
  item's unit, else the Office focal point;
- the step is overdue: the same people and the Office, and from the 3rd working day late the
  agency's leader as well;
- an approved answer not yet published by its publication date: the Office.

A second job closes the published items whose rating window (FEEDBACK_RATING_DAYS) has ended.

A due-soon reminder is created once per item and step, an overdue one once a day
(core.jobs.notify is idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.jobs import daily_job, notify
from core.models import Membership, Notification, Role
from feedback.models import OPEN_STATUSES, Feedback, Status

SOON = 2  # working days
ESCALATE_AFTER = 3  # working days late


def next_due(item: Feedback) -> tuple[str, dt.date | None]:
    """The step the item waits for and its date."""
    if item.status == Status.AWAITING_PUBLICATION:
        return "publish", item.due_publish
    if item.status == Status.RECEIVED:
        return "classify", item.due_forward
    if item.status in OPEN_STATUSES:
        return "answer", item.answer_due
    return "", None


Roles = dict[tuple[int, int | None, str], set[int]]


def roles_of(**filters) -> Roles:
    """Who holds each handling role: (agency, unit or None, role) -> user ids."""
    roles: Roles = defaultdict(set)
    for user_id, agency_id, unit_id, role in Membership.objects.filter(
        role__in=[Role.UNIT_HEAD, Role.OFFICER, Role.FOCAL_POINT, Role.LEADER], **filters
    ).values_list("user_id", "agency_id", "unit_id", "role"):
        roles[(agency_id, unit_id if role in (Role.UNIT_HEAD, Role.OFFICER) else None, role)].add(user_id)
    return roles


def handlers(item: Feedback, roles: Roles, step: str = "answer") -> set[int]:
    """Who acts next: the Office for publication; else the assignee, else the unit's officers and
    head, else the Office focal point."""
    office = roles.get((item.agency_id, None, Role.FOCAL_POINT), set())
    if step == "publish":
        return set(office)
    if item.assignee_id:
        return {item.assignee_id}
    if item.unit_id:
        return roles.get((item.agency_id, item.unit_id, Role.OFFICER), set()) | roles.get(
            (item.agency_id, item.unit_id, Role.UNIT_HEAD), set()
        )
    return set(office)


@daily_job("feedback.deadlines")
def deadline_reminders(*, today: dt.date, cal: WorkingCalendar) -> dict:
    roles = roles_of()
    soon_limit = cal.add_working_days(today, SOON)
    items = []
    open_items = Feedback.objects.filter(status__in=[*OPEN_STATUSES, Status.AWAITING_PUBLICATION], confirmed=True)
    for item in open_items.iterator(chunk_size=2000):
        step, due = next_due(item)
        if due is None or due > soon_limit:
            continue
        office = roles.get((item.agency_id, None, Role.FOCAL_POINT), set())
        people = handlers(item, roles, step)
        late = due < today
        if late:
            people |= office
            if cal.working_days_between(due, today) >= ESCALATE_AFTER:
                people |= roles.get((item.agency_id, None, Role.LEADER), set())
        kind = "feedback_overdue" if late else "feedback_due"
        labels = {
            "publish": _("publish the answer"),
            "classify": _("classify it or forward it"),
            "answer": _("answer it"),
        }
        template = (
            _("Feedback %(code)s is overdue since %(date)s: %(step)s")
            if late
            else _("Feedback %(code)s: %(step)s by %(date)s")
        )
        title = template % {"code": item.code, "date": f"{due:%d/%m/%Y}", "step": labels[step]}
        url = reverse("feedback:item", args=[item.pk])
        items += [
            Notification(
                user_id=user_id,
                key=f"{kind}:{item.pk}:{step}:{(today if late else due).isoformat()}",
                kind=kind,
                title=title[:300],
                url=url,
                for_date=today,
            )
            for user_id in people
        ]
    return {"notifications": notify(items)}


@daily_job("feedback.close")
def close_after_rating_window(*, today: dt.date, cal: WorkingCalendar) -> dict:
    """Published answers whose rating window has ended are closed (feedback_pakn.md §5)."""
    from feedback.services import close_published  # noqa: PLC0415  (services imports this module)

    return {"closed": close_published(now=timezone.now())}
