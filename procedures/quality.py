"""Decision 766 service-quality indicators for a period (service_quality_766.md §2, §3, §5).

Pure: records in, figures out; used by the `service_quality` command (from a file, without the
database). The register's dashboard and the API count the same rule in the database over the
Facts stored with each dossier (procedures.selectors), and both end in summarise().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from core.deadlines import END_OF_DAY, local
from core.numbers import HUNDRED, q2

ENDED = frozenset({"finished", "returned", "rejected", "stopped", "withdrawn"})
STATUSES = ("received", "processing", "supplement_requested", *sorted(ENDED))
CHANNELS = ("direct", "online", "postal")


@dataclass(slots=True)
class Dossier:
    """One dossier as the indicators need it. Times are local (naive) or aware."""

    code: str
    received_at: dt.datetime
    due_date: dt.date
    status: str
    channel: str = "direct"
    finished_at: dt.datetime | None = None
    supplement_count: int = 0
    supplement_requested_at: dt.datetime | None = None
    supplement_completed_at: dt.datetime | None = None
    paper_result: bool = False
    e_result: bool = False
    digitized: bool = False
    reused_data: bool = False
    fee_bearing: bool = False
    paid_online: bool = False
    complaint: bool = False


@dataclass(frozen=True)
class Indicator:
    key: str
    max_points: Decimal
    threshold: Decimal  # percent


# Defaults of service_quality_766.md §2 (settings may replace them).
DEFAULT_INDICATORS = (
    Indicator("on_time_rate", Decimal(20), Decimal(100)),
    Indicator("online_rate", Decimal(4), Decimal(50)),
    Indicator("online_payment_rate", Decimal(5), Decimal(100)),
    Indicator("e_result_rate", Decimal("4.4"), Decimal(100)),
    Indicator("digitization_rate", Decimal("4.4"), Decimal(80)),
    Indicator("reuse_rate", Decimal("4.4"), Decimal(80)),
    Indicator("complaint_rate", Decimal(0), Decimal(100)),
    Indicator("tthc_satisfaction", Decimal(6), Decimal(90)),
)
# Group 5's feedback ratios, computed from feedback (feedback.indicators).
FEEDBACK_INDICATORS = (
    Indicator("feedback_on_time_rate", Decimal(5), Decimal(100)),
    Indicator("feedback_satisfaction", Decimal(2), Decimal(100)),
)


def fixed_end(d: Progressing) -> dt.datetime | None:
    """The end that does not depend on the period (local): finished_at for an ended dossier, the
    request time for one waiting on its only supplement request; None while it is open."""
    if d.status in ENDED and d.finished_at is not None:
        return local(d.finished_at)
    waiting = (
        d.status == "supplement_requested"
        and d.supplement_count == 1
        and d.supplement_requested_at is not None
        and d.supplement_completed_at is None
    )
    return local(d.supplement_requested_at) if waiting and d.supplement_requested_at is not None else None


@dataclass(frozen=True, slots=True)
class Facts:
    """What the progress rule needs of a dossier, worked out once when it is written, so the
    register can count a period in the database. A period ends at 23:59:59 of its last day E.

    `ended_on` is the date of the fixed end (fixed_end), None while the dossier is open: it is in
    the scope of a period that starts on or before that date. `outcome` is early/on_time/late
    when it does not depend on the period (a fixed end, or a second supplement request: late
    whatever happens). Otherwise it is "" and E decides, the end of an open dossier being the
    period's end less the supplement time: early when E <= `early_through`, late when
    E >= `late_from`, else on time."""

    ended_on: dt.date | None
    outcome: str
    early_through: dt.date
    late_from: dt.date


class Progressing(Protocol):
    """What facts() reads: a Dossier, or a row of a dossier file."""

    @property
    def due_date(self) -> dt.date: ...
    @property
    def status(self) -> str: ...
    @property
    def finished_at(self) -> dt.datetime | None: ...
    @property
    def supplement_count(self) -> int: ...
    @property
    def supplement_requested_at(self) -> dt.datetime | None: ...
    @property
    def supplement_completed_at(self) -> dt.datetime | None: ...


DAY = dt.timedelta(days=1)
LAST_SECOND = dt.timedelta(hours=23, minutes=59, seconds=59)


def facts(d: Progressing) -> Facts:
    pause = dt.timedelta(0)
    if d.supplement_requested_at is not None and d.supplement_completed_at is not None:
        pause = local(d.supplement_completed_at) - local(d.supplement_requested_at)
    due_start = dt.datetime.combine(d.due_date, dt.time.min)
    end = fixed_end(d)
    outcome = ""
    if d.supplement_count > 1:
        outcome = "late"
    elif end is not None:
        adjusted = end - pause
        outcome = "late" if adjusted > due_start + LAST_SECOND else "early" if adjusted < due_start else "on_time"
    # Open: the end is E 23:59:59 - pause. Late when that passes the due date's 23:59:59, i.e.
    # E (midnight) > due_start + pause; early when it is before due_start, i.e.
    # E (midnight) < due_start + pause - 23:59:59.
    late = due_start + pause
    early = due_start + pause - LAST_SECOND
    early_through = early.date() if early.time() != dt.time.min else early.date() - DAY
    return Facts(end.date() if end is not None else None, outcome, early_through, late.date() + DAY)


def outcome_at(f: Facts, end: dt.date) -> str:
    """The outcome in a period ending on `end`."""
    if f.outcome:
        return f.outcome
    if end >= f.late_from:
        return "late"
    return "early" if end <= f.early_through else "on_time"


def in_scope(f: Facts, received_at: dt.datetime, start: dt.date, end: dt.date) -> bool:
    """Received by the period's end (23:59:59 of its last day) and not ended before its start."""
    return local(received_at) <= dt.datetime.combine(end, END_OF_DAY) and (f.ended_on is None or f.ended_on >= start)


def progress(d: Dossier, start: dt.date, end: dt.date) -> str | None:
    """early, on_time or late for a dossier in the progress scope of the period; None outside it."""
    f = facts(d)
    if not in_scope(f, d.received_at, start, end):
        return None
    return outcome_at(f, end)


# Figures worked out from other figures' rates, with no numerator or denominator of their own
# (5.4 = 100 − % late − % with a complaint): shown without them, never as "0 / 0".
DERIVED = frozenset({"tthc_satisfaction"})


@dataclass
class Figure:
    """An indicator of the period. `rate` is None when there is nothing to count (a zero
    denominator: "no data", never 0 %), and then `points` too. A figure with no maximum (the
    complaint rate, a part of 5.4) is not scored; a `derived` one has no counts of its own."""

    key: str
    numerator: Decimal
    denominator: Decimal
    rate: Decimal | None
    points: Decimal | None
    max_points: Decimal
    threshold: Decimal
    derived: bool = False

    @property
    def scored(self) -> bool:
        """Whether the indicator carries points of its own."""
        return self.max_points > 0

    @property
    def has_data(self) -> bool:
        return self.rate is not None

    def as_data(self) -> dict[str, str | None]:
        return {
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "rate": None if self.rate is None else str(q2(self.rate)),
            "points": None if self.points is None else str(q2(self.points)),
            "max_points": str(self.max_points),
            "threshold": str(self.threshold),
        }


@dataclass
class Quality:
    start: dt.date
    end: dt.date
    counts: dict[str, int]
    figures: dict[str, Figure] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)  # drill-down: codes behind each count

    def as_data(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "counts": self.counts,
            "indicators": {key: figure.as_data() for key, figure in self.figures.items()},
            "total_points": str(q2(sum((f.points or Decimal(0) for f in self.figures.values()), Decimal(0)))),
        }


def ratio_tests(d: Dossier) -> tuple[tuple[str, bool, bool], ...]:
    """(indicator, in the numerator, in the denominator) for a dossier received in the period."""
    electronic_result = not d.paper_result or d.e_result
    return (
        ("online_rate", d.channel == "online" and electronic_result, True),
        ("online_payment_rate", d.paid_online, d.fee_bearing),
        ("e_result_rate", d.e_result, d.paper_result),
        ("digitization_rate", d.digitized and electronic_result, True),
        ("reuse_rate", d.reused_data, True),
        ("complaint_rate", d.complaint, True),
    )


RATIO_KEYS = (
    "online_rate",
    "online_payment_rate",
    "e_result_rate",
    "digitization_rate",
    "reuse_rate",
    "complaint_rate",
)
PROGRESS_PARTS = ("in_scope", "early", "on_time", "late")


def _rate(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    return Decimal(numerator) * HUNDRED / Decimal(denominator) if denominator else None


def compute(
    dossiers: Iterable[Dossier],
    start: dt.date,
    end: dt.date,
    indicators: Iterable[Indicator] = DEFAULT_INDICATORS,
) -> Quality:
    counts = {"in_scope": 0, "early": 0, "on_time": 0, "late": 0, "received": 0}
    codes: dict[str, list[str]] = {"early": [], "on_time": [], "late": []}
    ratios = {
        "online_rate": [0, 0],
        "online_payment_rate": [0, 0],
        "e_result_rate": [0, 0],
        "digitization_rate": [0, 0],
        "reuse_rate": [0, 0],
        "complaint_rate": [0, 0],
    }
    for d in dossiers:
        outcome = progress(d, start, end)
        if outcome is not None:
            counts["in_scope"] += 1
            counts[outcome] += 1
            codes[outcome].append(d.code)
        if not start <= local(d.received_at).date() <= end:
            continue
        counts["received"] += 1
        for key, hit, counted in ratio_tests(d):
            if counted:
                ratios[key][1] += 1
                ratios[key][0] += int(bool(hit))
    result = summarise(start, end, counts, {key: (top, bottom) for key, (top, bottom) in ratios.items()}, indicators)
    result.codes = codes
    return result


def summarise(
    start: dt.date,
    end: dt.date,
    counts: dict[str, int],
    ratios: dict[str, tuple[int, int]],
    indicators: Iterable[Indicator] = DEFAULT_INDICATORS,
) -> Quality:
    """The figures from the counts: `counts` has in_scope, early, on_time, late and received;
    `ratios` (numerator, denominator) for each of RATIO_KEYS."""
    raw: dict[str, tuple[Decimal, Decimal, Decimal | None]] = {
        "on_time_rate": (
            Decimal(counts["early"] + counts["on_time"]),
            Decimal(counts["in_scope"]),
            _rate(counts["early"] + counts["on_time"], counts["in_scope"]),
        )
    }
    for key, (numerator, denominator) in ratios.items():
        raw[key] = (Decimal(numerator), Decimal(denominator), _rate(numerator, denominator))
    on_time, complaint = raw["on_time_rate"][2], raw["complaint_rate"][2]
    satisfaction = (
        max(Decimal(0), HUNDRED - (HUNDRED - on_time) - complaint)
        if on_time is not None and complaint is not None
        else None
    )
    raw["tthc_satisfaction"] = (Decimal(0), Decimal(0), satisfaction)
    result = Quality(start=start, end=end, counts=counts)
    for indicator in indicators:
        top, bottom, rate = raw[indicator.key]
        points = None
        if rate is not None and indicator.max_points > 0:  # a part of another indicator earns none itself
            points = indicator.max_points * min(rate / indicator.threshold, Decimal(1))
        result.figures[indicator.key] = Figure(
            indicator.key,
            top,
            bottom,
            rate,
            points,
            indicator.max_points,
            indicator.threshold,
            derived=indicator.key in DERIVED,
        )
    return result
