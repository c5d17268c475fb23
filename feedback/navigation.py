"""The feedback desk's menu entries and landing-page panels (core.navigation): the items given
to the person, the answers waiting for the leader's approval, what waits for the Office (new
items to classify, approved answers to publish) and the late items for the auditor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import AnyUser, scope_for
from core.models import Agency, Role
from core.navigation import Count as Figure
from core.navigation import (
    Panel,
    Row,
    due_state,
    panel,
    register_area,
    register_menu,
    register_notification_kinds,
    roles_in,
    works_here,
)
from feedback.access import can_approve, can_publish, feedback_visible_to
from feedback.models import OPEN_STATUSES, Feedback, Status
from feedback.selectors import with_next_due

ROWS = 6

register_area("feedback", gettext_lazy("Feedback and petitions"), order=50)
register_menu(
    area="feedback",
    label=gettext_lazy("Feedback and petitions"),
    url_name="feedback:desk",
    order=500,
    allowed=works_here,
    main=True,
)
register_menu(
    area="feedback", label=gettext_lazy("Feedback statistics"), url_name="feedback:stats", order=510, allowed=works_here
)
register_menu(
    area="feedback",
    label=gettext_lazy("Citizen reception"),
    url_name="feedback:receptions",
    order=520,
    allowed=works_here,
)
register_menu(
    area="feedback",
    label=gettext_lazy("Response templates"),
    url_name="feedback:templates",
    order=530,
    allowed=works_here,
)
register_notification_kinds("feedback", gettext_lazy("Feedback"), ("feedback_",))


def _items(user: AnyUser, agency: Agency) -> QuerySet[Feedback]:
    return with_next_due(feedback_visible_to(user, agency).filter(confirmed=True))


def _row(item: Feedback, today: dt.date) -> Row:
    state, tone = due_state(getattr(item, "next_due", None), today, soon_days=3)
    return Row(
        label=f"{item.code} · {item.content[:90]}",
        url=reverse("feedback:item", args=[item.pk]),
        due=getattr(item, "next_due", None),
        state=state,
        tone=tone,
        detail=str(item.get_status_display()),
    )


def _panel(key: str, title: str, items: QuerySet[Feedback], today: dt.date, **fields: object) -> Panel:
    rows = list(items.order_by(F("next_due").asc(nulls_last=True), "received_at")[: ROWS + 1])
    count = len(rows) if len(rows) <= ROWS else items.count()
    return Panel(key=key, title=title, count=count, rows=[_row(i, today) for i in rows[:ROWS]], **fields)  # type: ignore[arg-type]


@panel(order=55)
def my_feedback_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Officers and unit heads (anyone given an item): the open items assigned to them."""
    if agency is None or not works_here(user, agency) or scope_for(user).is_read_only(agency.pk):
        return None
    items = _items(user, agency).filter(assignee_id=scope_for(user).user_id, status__in=OPEN_STATUSES)
    if not roles_in(user, agency) & {Role.OFFICER, Role.UNIT_HEAD} and not items.exists():
        return None
    return _panel(
        "my_feedback",
        _("Feedback given to me"),
        items,
        today,
        see_all=(_("Feedback desk"), reverse("feedback:desk")),
        empty=_("No feedback item is waiting for you."),
    )


@panel(order=60)
def approve_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The leader: the answers waiting for approval."""
    if agency is None or not works_here(user, agency) or not can_approve(user, agency):
        return None
    items = _items(user, agency).filter(status=Status.AWAITING_APPROVAL)
    return _panel(
        "feedback_approve",
        _("Feedback answers to approve"),
        items,
        today,
        see_all=(_("All answers awaiting approval"), f"{reverse('feedback:desk')}?status={Status.AWAITING_APPROVAL}"),
        empty=_("No answer is waiting for your approval."),
    )


@panel(order=45)
def office_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The Office (and the administrator): new items to classify and assign, approved answers
    to publish."""
    if agency is None or not roles_in(user, agency) & {Role.FOCAL_POINT, Role.ADMINISTRATOR}:
        return None
    if not can_publish(user, agency):
        return None
    waiting = Q(status=Status.RECEIVED, assignee__isnull=True) | Q(status=Status.AWAITING_PUBLICATION)
    items = _items(user, agency).filter(waiting)
    counts = items.aggregate(
        new=Count("pk", filter=Q(status=Status.RECEIVED)),
        publish=Count("pk", filter=Q(status=Status.AWAITING_PUBLICATION)),
    )
    desk = reverse("feedback:desk")
    return _panel(
        "feedback_office",
        _("Feedback waiting for the Office"),
        items,
        today,
        counts=[
            Figure(_("New, to classify"), counts["new"], f"{desk}?status={Status.RECEIVED}", "warning"),
            Figure(_("To publish"), counts["publish"], f"{desk}?status={Status.AWAITING_PUBLICATION}", "success"),
        ],
        see_all=(_("Feedback desk"), desk),
        empty=_("Nothing is waiting for the Office."),
    )


@panel(order=65)
def late_feedback_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The auditor and the leaders: the open items past their answer date (read-only summary)."""
    if agency is None or not roles_in(user, agency) & {Role.AUDITOR, Role.LEADER}:
        return None
    late = Q(due_answer__lt=today, extended_to__isnull=True) | Q(extended_to__lt=today)
    items = _items(user, agency).filter(late, status__in=OPEN_STATUSES)
    if not items.exists():
        return None
    return _panel(
        "feedback_late",
        _("Late feedback"),
        items,
        today,
        see_all=(_("All late feedback"), f"{reverse('feedback:desk')}?due=overdue"),
    )
