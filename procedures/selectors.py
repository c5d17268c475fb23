"""Reading the register for the 766 dashboard: periods, the indicators counted by the database over
the progress facts stored with each dossier (procedures.quality.Facts), and the dossiers behind
each number. procedures/tests/test_selectors.py checks that they agree with the pure module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.deadlines import END_OF_DAY, LOCAL
from procedures.models import Dossier
from procedures.quality import Figure, Quality, summarise

# Other apps' figures on the 766 dashboard (e.g. the feedback group): each provider takes
# (user, agency, unit id or None, start, end) and returns {indicator key: procedures.quality.Figure}
# from what the user may see.
EXTRA_FIGURES: list[Callable[..., dict[str, Figure]]] = []

PERIODS = {
    "month": _("Month"),
    "quarter": _("Quarter"),
    "half": _("6 months"),
    "nine": _("9 months"),
    "year": _("Year"),
}


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


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The period's first moment, its last (23:59:59, as quality.in_scope) and the next day's
    first moment, local time."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL),
        dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL),
    )


def conditions(start: dt.date, end: dt.date) -> tuple[dict[str, Q], Q, dict[str, tuple[Q, Q]]]:
    """The period's rules as conditions for the database: the progress parts (quality.in_scope
    and quality.outcome_at over the stored facts), received in the period, and each ratio's
    (numerator, denominator) among those received (quality.ratio_tests)."""
    first, last, following = _bounds(start, end)
    scope = Q(received_at__lte=last) & (Q(progress_ended_on__isnull=True) | Q(progress_ended_on__gte=start))
    open_ = Q(progress_outcome="")
    progress = {
        "in_scope": scope,
        "early": scope & (Q(progress_outcome="early") | (open_ & Q(early_through__gte=end))),
        "on_time": scope & (Q(progress_outcome="on_time") | (open_ & Q(early_through__lt=end, late_from__gt=end))),
        "late": scope & (Q(progress_outcome="late") | (open_ & Q(late_from__lte=end))),
    }
    received = Q(received_at__gte=first, received_at__lt=following)
    electronic = Q(paper_result=False) | Q(e_result=True)
    tests = {
        "online_rate": (Q(channel="online") & electronic, Q()),
        "online_payment_rate": (Q(paid_online=True), Q(fee_bearing=True)),
        "e_result_rate": (Q(e_result=True), Q(paper_result=True)),
        "digitization_rate": (Q(digitized=True) & electronic, Q()),
        "reuse_rate": (Q(reused_data=True), Q()),
        "complaint_rate": (Q(complaint=True), Q()),
    }
    ratios = {key: (counted & hit, counted) for key, (hit, counted) in tests.items()}
    return progress, received, ratios


def scope_queryset(qs: QuerySet[Dossier], start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """The dossiers that can count in the period: received by its end, not ended before its start."""
    first, _last, following = _bounds(start, end)
    return qs.filter(received_at__lt=following).filter(
        Q(progress_ended_on__isnull=True) | Q(progress_ended_on__gte=start) | Q(received_at__gte=first)
    )


def quality(qs: QuerySet[Dossier], start: dt.date, end: dt.date) -> Quality:
    """The indicators of the period, counted by the database over the stored facts: one pass for
    progress, one over the dossiers received in the period for the ratios."""
    progress, received, ratios = conditions(start, end)
    counts = (
        scope_queryset(qs, start, end)
        .order_by()
        .aggregate(**{key: Count("pk", filter=condition) for key, condition in progress.items()})
    )
    wanted = {"received": Count("pk")}
    for key, (numerator, denominator) in ratios.items():
        wanted[f"{key}__n"] = Count("pk", filter=numerator)
        wanted[f"{key}__d"] = Count("pk", filter=denominator) if denominator else Count("pk")
    counted = qs.filter(received).order_by().aggregate(**wanted)
    counts["received"] = counted["received"]
    return summarise(start, end, counts, {key: (counted[f"{key}__n"], counted[f"{key}__d"]) for key in ratios})


def drill(qs: QuerySet[Dossier], start: dt.date, end: dt.date, key: str, part: str) -> QuerySet[Dossier]:
    """The dossiers behind a number: `key` is `progress` with a part of quality.PROGRESS_PARTS, or
    a ratio indicator with `numerator` or `denominator`."""
    progress, received, ratios = conditions(start, end)
    condition = progress[part] if key == "progress" else received & ratios[key][part == "denominator"]
    return qs.filter(condition).order_by("received_at", "pk")
