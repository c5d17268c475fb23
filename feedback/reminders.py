"""Daily job: remind who handles feedback of its deadlines, and escalate (feedback_pakn.md §4).

- the next step is due within 2 working days: who acts on it (feedback.recipients: the assignee,
  else the officers and head of the item's unit, else the Office focal point);
- the step is overdue: the same people and the Office, and from the 3rd working day late the
  agency's leader as well;
- an approved answer not yet published by its publication date: the Office.

A second job closes the published items whose rating window (FEEDBACK_RATING_DAYS) has ended.

A due-soon reminder is created once per item and step, an overdue one once a day
(core.jobs.notify is idempotent).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.jobs import daily_job, notifications, notify
from feedback.models import OPEN_STATUSES, Feedback, Status
from feedback.recipients import Recipients
from feedback.services import SOON, close_published, next_due

ESCALATE_AFTER = 3  # working days late


def _title(item: Feedback, step: str, due: dt.date, *, late: bool) -> str:
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
    return template % {"code": item.code, "date": f"{due:%d/%m/%Y}", "step": labels[step]}


@daily_job("feedback.deadlines")
def deadline_reminders(*, today: dt.date, cal: WorkingCalendar) -> dict[str, int]:
    recipients = Recipients()
    soon_limit = cal.add_working_days(today, SOON)
    items = []
    open_items = Feedback.objects.filter(status__in=[*OPEN_STATUSES, Status.AWAITING_PUBLICATION], confirmed=True)
    for item in open_items.iterator(chunk_size=2000):
        step, due = next_due(item)
        if due is None or due > soon_limit:
            continue
        people = recipients.handlers(item, step)
        late = due < today
        if late:
            people |= recipients.office(item.agency_id)
            if cal.working_days_between(due, today) >= ESCALATE_AFTER:
                people |= recipients.leaders(item.agency_id)
        kind = "feedback_overdue" if late else "feedback_due"
        items += notifications(
            people,
            key=f"{kind}:{item.pk}:{step}:{(today if late else due).isoformat()}",
            kind=kind,
            title=_title(item, step, due, late=late),
            url=reverse("feedback:item", args=[item.pk]),
            day=today,
        )
    return {"notifications": notify(items)}


@daily_job("feedback.close")
def close_after_rating_window(*, today: dt.date, cal: WorkingCalendar) -> dict[str, int]:
    """Published answers whose rating window has ended are closed (feedback_pakn.md §5)."""
    return {"closed": close_published(now=timezone.now())}
