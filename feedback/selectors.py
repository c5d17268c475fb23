"""Reads for the feedback desk: the register filtered as the page and its workbook show it, with
the date each item waits for (`next_due`, the SQL mirror of feedback.services.next_due) and its
state against today (feedback.deadlines.deadline_state) computed for all the rows at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.text import fold, small_int
from core.web import parse_date
from feedback.deadlines import DUE_SOON_DAYS, deadline_state
from feedback.models import OPEN_STATUSES, Category, Channel, Feedback, SenderType, Status

WAITING = (*OPEN_STATUSES, Status.AWAITING_PUBLICATION)
DUE_FILTERS = ("open", "overdue", "due_soon", "later")


@dataclass(frozen=True)
class DeskFilters:
    """The desk's filters as typed in its query string; what is not understood does not apply."""

    q: str = ""
    status: str = ""
    channel: str = ""
    category: str = ""
    unit: int = 0
    due: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> DeskFilters:
        def text(key: str) -> str:
            return str(params.get(key, "")).strip()

        due = text("due") or {"open": "open", "overdue": "overdue"}.get(text("flag"), "")  # the old ?flag=
        return cls(
            q=text("q")[:200],
            status=text("status") if text("status") in Status.values else "",
            channel=text("channel") if text("channel") in Channel.values else "",
            category=text("category") if text("category") in Category.values else "",
            unit=small_int(text("unit")),
            due=due if due in DUE_FILTERS else "",
            start=parse_date(text("from")),
            end=parse_date(text("to")),
        )

    def query(self) -> dict[str, str]:
        """The filters as a query string's values (for the pager and the export links)."""
        values = {
            "q": self.q,
            "status": self.status,
            "channel": self.channel,
            "category": self.category,
            "unit": str(self.unit) if self.unit else "",
            "due": self.due,
            "from": f"{self.start:%d/%m/%Y}" if self.start else "",
            "to": f"{self.end:%d/%m/%Y}" if self.end else "",
        }
        return {k: v for k, v in values.items() if v}


def with_next_due(qs: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """`next_due`: the publication date of an approved answer, the answer date (extended or not)
    of an open item, nothing for an ended one."""
    return qs.annotate(
        next_due=Case(
            When(status=Status.AWAITING_PUBLICATION, then=F("due_publish")),
            When(status__in=OPEN_STATUSES, then=Coalesce("extended_to", "due_answer")),
            default=None,
            output_field=DateField(),
        )
    )


def desk_items(qs: QuerySet[Feedback], filters: DeskFilters, today: dt.date) -> QuerySet[Feedback]:
    """The items of `qs` (those the user sees) that pass the filters, newest first, with next_due."""
    qs = with_next_due(qs.select_related("unit", "assignee"))
    for word in fold(filters.q).split()[:8]:
        qs = qs.filter(desk_text__contains=word)
    exact = {"status": filters.status, "channel": filters.channel, "category": filters.category}
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.start:
        qs = qs.filter(received_at__gte=_start_of(filters.start))
    if filters.end:
        qs = qs.filter(received_at__lt=_start_of(filters.end + dt.timedelta(days=1)))
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    due = {
        "open": Q(status__in=WAITING),
        "overdue": Q(next_due__lt=today),
        "due_soon": Q(next_due__gte=today, next_due__lte=soon),
        "later": Q(next_due__gt=soon),
    }.get(filters.due)
    if due is not None:
        qs = qs.filter(due)
    return qs.order_by("-received_at", "-id")


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


EXPORT_HEADERS = [
    "Mã phản ánh",
    "Thời điểm tiếp nhận",
    "Kênh tiếp nhận",
    "Người gửi",
    "Loại",
    "Nội dung (đã ẩn thông tin cá nhân)",
    "Lĩnh vực",
    "Đơn vị xử lý",
    "Người xử lý",
    "Trạng thái",
    "Hạn trả lời",
    "Hạn tiếp theo",
    "Tình trạng hạn",
    "Ngày duyệt trả lời",
    "Ngày công khai",
]
EXPORT_WIDTHS = [20, 19, 18, 12, 12, 60, 28, 24, 22, 24, 12, 12, 18, 17, 17]


def export_rows(
    items: Iterable[Feedback], today: dt.date, state_label: Callable[[str, int], str]
) -> Iterator[list[Any]]:
    """The register, one row per item in EXPORT_HEADERS order: labels in Vietnamese (the active
    language), dates as dates (moments in local time, core.sheets), the content as the redacted
    summary (never the sender's details). `state_label(state, days)` words the deadline state,
    as the page does."""
    for item in items:
        due: dt.date | None = getattr(item, "next_due", None)
        state, days = deadline_state(due, today)
        yield [
            item.code,
            item.received_at,
            item.get_channel_display(),
            item.get_sender_type_display() if item.sender_type else str(SenderType.PERSON.label),
            item.get_kind_display(),
            item.summary,
            item.get_category_display() if item.category else "",
            item.unit.name if item.unit else "",
            item.assignee.display_name if item.assignee else "",
            item.get_status_display(),
            item.answer_due,
            due,
            state_label(state, days) if state else "",
            item.answered_at,
            item.published_at,
        ]
