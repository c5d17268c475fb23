"""Reading the register for the 766 dashboard: periods, the indicators from the database through
the pure module, and the dossiers behind each number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.deadlines import END_OF_DAY, LOCAL
from procedures.models import Dossier
from procedures.quality import Dossier as Record
from procedures.quality import Quality, compute, members

PERIODS = {
    "month": _("Month"),
    "quarter": _("Quarter"),
    "half": _("6 months"),
    "nine": _("9 months"),
    "year": _("Year"),
}
RECORD_FIELDS = (
    "code",
    "received_at",
    "due_date",
    "status",
    "channel",
    "finished_at",
    "supplement_count",
    "supplement_requested_at",
    "supplement_completed_at",
    "paper_result",
    "e_result",
    "digitized",
    "reused_data",
    "fee_bearing",
    "paid_online",
    "complaint",
)


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{_('Month')} {self.number:02d}/{self.year}"
        if self.kind == "quarter":
            return f"{_('Quarter')} {self.number}/{self.year}"
        return f"{PERIODS[self.kind]} {self.year}"


def period(kind: str, year: int, number: int = 1) -> Period:
    """service_quality_766.md §6: months, quarters, cumulative 6 and 9 months, the year."""
    if kind == "month":
        number = min(max(number, 1), 12)
        start = dt.date(year, number, 1)
        end = (dt.date(year + number // 12, number % 12 + 1, 1)) - dt.timedelta(days=1)
    elif kind == "quarter":
        number = min(max(number, 1), 4)
        start = dt.date(year, 3 * number - 2, 1)
        end = dt.date(year + (number == 4), (3 * number) % 12 + 1, 1) - dt.timedelta(days=1)
    elif kind in ("half", "nine", "year"):
        number = 1
        start = dt.date(year, 1, 1)
        end = {"half": dt.date(year, 6, 30), "nine": dt.date(year, 9, 30), "year": dt.date(year, 12, 31)}[kind]
    else:
        raise ValueError(kind)
    return Period(kind, year, number, start, end)


def scope_queryset(qs: QuerySet[Dossier], start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """The dossiers that can count in the period: received by its end, not ended before its start."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL)
    last = dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL)
    return qs.filter(received_at__lte=last).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=first) | Q(received_at__gte=first)
    )


def records(qs: QuerySet[Dossier], start: dt.date, end: dt.date) -> Iterator[Record]:
    rows = scope_queryset(qs, start, end).order_by().values_list(*RECORD_FIELDS)
    for values in rows.iterator(chunk_size=5000):
        yield Record(*values)


def quality(qs: QuerySet[Dossier], start: dt.date, end: dt.date) -> Quality:
    return compute(records(qs, start, end), start, end)


def drill(qs: QuerySet[Dossier], start: dt.date, end: dt.date, key: str, part: str) -> list[str]:
    return list(members(records(qs, start, end), start, end, key, part))
