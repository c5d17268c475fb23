"""The Decision 766 indicators that depend on feedback (feedback_pakn.md §6,
service_quality_766.md §3). Pure: no ORM, no clock.

- `feedback_on_time_rate` (5.2): answered within 15 working days of day 0, or still open and not
  yet due at the period's end, over the items received by the period's end and not answered
  before its start;
- `feedback_satisfaction` (5.3): 100 x items received in the period that are none of unsatisfied,
  overdue, repeated / items received in the period.

Day 0 as for dossiers (the reception day if a working day before the 15:00 cut-off, else the next
working day); an item is due at 23:59:59 of the 15th working day after it, and overdue when
answered after that, or still open after it at the period's end. Items not accepted or forwarded
to another body are not answered by the agency: they are left out of 5.2 (their own deadlines are
statistics), and counted in 5.3 as received, never as overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.calendar import WorkingCalendar
from core.deadlines import DEFAULT_CUTOFF, END_OF_DAY, day_zero, local
from core.numbers import HUNDRED
from procedures.quality import FEEDBACK_INDICATORS, Figure, Indicator

ANSWER_DAYS = 15
STATUSES = (
    "received",
    "not_accepted",
    "info_requested",
    "forwarded",
    "processing",
    "awaiting_approval",
    "answered",  # from other systems: approved, awaiting publication
    "awaiting_publication",
    "published",
    "closed",
)
NOT_ANSWERED_HERE = frozenset({"not_accepted", "forwarded"})


@dataclass(frozen=True)
class Feedback:
    code: str
    received_at: dt.datetime
    status: str
    answered_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    rated_unsatisfied: bool = False
    repeated: bool = False


def answer_due(received_at: dt.datetime, cal: WorkingCalendar, days: int = ANSWER_DAYS) -> dt.datetime:
    """The end (local, naive) of the answer's last working day."""
    last = cal.add_working_days(day_zero(received_at, cal, DEFAULT_CUTOFF), days)
    return dt.datetime.combine(last, END_OF_DAY)


def _period_end(end: dt.date) -> dt.datetime:
    return dt.datetime.combine(end, END_OF_DAY)


def _answered_by(f: Feedback, moment: dt.datetime) -> bool:
    return f.answered_at is not None and local(f.answered_at) <= moment


def overdue_at(f: Feedback, end: dt.date, cal: WorkingCalendar) -> bool:
    """Answered after its due moment, or still unanswered after it at the period's end."""
    if f.status in NOT_ANSWERED_HERE:
        return False
    due = answer_due(f.received_at, cal)
    if _answered_by(f, _period_end(end)):
        return local(f.answered_at) > due  # type: ignore[arg-type]
    return _period_end(end) > due


@dataclass
class FeedbackCounts:
    on_time: int = 0
    in_scope: int = 0
    received: int = 0
    satisfied: int = 0  # received in the period and none of unsatisfied, overdue, repeated
    unsatisfied: int = 0
    overdue: int = 0
    repeated: int = 0


def count(items: Iterable[Feedback], start: dt.date, end: dt.date, cal: WorkingCalendar) -> FeedbackCounts:
    counts = FeedbackCounts()
    begins, ends = dt.datetime.combine(start, dt.time.min), _period_end(end)
    for f in items:
        received = local(f.received_at)
        if received > ends:
            continue
        if f.status not in NOT_ANSWERED_HERE and not (f.answered_at is not None and local(f.answered_at) < begins):
            counts.in_scope += 1
            counts.on_time += int(not overdue_at(f, end, cal))
        if received < begins:
            continue
        counts.received += 1
        late = overdue_at(f, end, cal)
        counts.unsatisfied += int(f.rated_unsatisfied)
        counts.overdue += int(late)
        counts.repeated += int(f.repeated)
        counts.satisfied += int(not (f.rated_unsatisfied or late or f.repeated))
    return counts


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return Decimal(numerator) * HUNDRED / denominator if denominator else None


def figures(counts: FeedbackCounts, indicators: Iterable[Indicator] = FEEDBACK_INDICATORS) -> dict[str, Figure]:
    raw = {
        "feedback_on_time_rate": (counts.on_time, counts.in_scope),
        "feedback_satisfaction": (counts.satisfied, counts.received),
    }
    out = {}
    for indicator in indicators:
        top, bottom = raw[indicator.key]
        rate = _rate(top, bottom)
        points = None if rate is None else indicator.max_points * min(rate / indicator.threshold, Decimal(1))
        out[indicator.key] = Figure(
            indicator.key, Decimal(top), Decimal(bottom), rate, points, indicator.max_points, indicator.threshold
        )
    return out
