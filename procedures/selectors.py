"""Reading the register for the 766 dashboard: periods, the indicators counted by the database over
the progress facts stored with each dossier (procedures.quality.Facts), and the dossiers behind
each number. procedures/tests/test_selectors.py checks that they agree with the pure module."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from core.deadlines import END_OF_DAY, LOCAL
from core.models import Agency, Unit
from core.numbers import q2
from procedures.access import Person, dossiers_visible_to
from procedures.models import Dossier, OfficialScore
from procedures.quality import RATIO_KEYS, Figure, Quality, summarise

# Statuses whose clock runs (services.AT_RISK_STATUSES: a supplement request pauses it).
RUNNING_STATUSES = ("received", "processing")


def with_deadline(qs: QuerySet[Dossier], *, today: dt.date, horizon: dt.date) -> QuerySet[Dossier]:
    """Each dossier annotated with `deadline`, in the database for the whole page: "overdue" (due
    before today), "today" (due today), "soon" (due by `horizon`, the next working day: the
    at-risk rule of services.at_risk) for a dossier whose clock runs, else "". The pure rule is
    deadline_flag()."""
    running = Q(status__in=RUNNING_STATUSES)
    return qs.annotate(
        deadline=Case(
            When(running & Q(due_date__lt=today), then=Value("overdue")),
            When(running & Q(due_date=today), then=Value("today")),
            When(running & Q(due_date__lte=horizon), then=Value("soon")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def deadline_flag(status: str, due_date: dt.date, *, today: dt.date, horizon: dt.date) -> str:
    """with_deadline() for one dossier."""
    if status not in RUNNING_STATUSES:
        return ""
    if due_date < today:
        return "overdue"
    if due_date == today:
        return "today"
    return "soon" if due_date <= horizon else ""


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
            month = _("Month")  # outside the f-string: xgettext reads it
            return f"{month} {self.number:02d}/{self.year}"
        if self.kind == "quarter":
            quarter = _("Quarter")
            return f"{quarter} {self.number}/{self.year}"
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


def conditions(start: dt.date, end: dt.date, *, as_of: bool = False) -> tuple[dict[str, Q], Q, dict[str, tuple[Q, Q]]]:
    """The period's rules as conditions for the database: the progress parts (quality.in_scope
    and quality.outcome_at over the stored facts), received in the period, and each ratio's
    (numerator, denominator) among those received (quality.ratio_tests).

    `as_of`: the figures as they stood at the period's end (a report's data cut-off), so that
    they do not change when the register does afterwards: a dossier whose fixed end came after
    the period's end was still open then, and is judged as an open one (late only when its late
    date had come; a second supplement request stays late whatever happens)."""
    first, last, following = _bounds(start, end)
    scope = Q(received_at__lte=last) & (Q(progress_ended_on__isnull=True) | Q(progress_ended_on__gte=start))
    open_, fixed = Q(progress_outcome=""), Q()
    if as_of:
        open_ = open_ | (Q(progress_ended_on__gt=end) & Q(supplement_count__lte=1))
        fixed = ~open_
    progress = {
        "in_scope": scope,
        "early": scope & ((fixed & Q(progress_outcome="early")) | (open_ & Q(early_through__gte=end))),
        "on_time": scope
        & ((fixed & Q(progress_outcome="on_time")) | (open_ & Q(early_through__lt=end, late_from__gt=end))),
        "late": scope & ((fixed & Q(progress_outcome="late")) | (open_ & Q(late_from__lte=end))),
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


def quality(
    qs: QuerySet[Dossier],
    start: dt.date,
    end: dt.date,
    *,
    as_of: bool = False,
    late_also: Mapping[str, Q] | None = None,
    received_also: Mapping[str, Q] | None = None,
) -> Quality:
    """The indicators of the period, counted by the database over the stored facts: one pass for
    progress, one over the dossiers received in the period for the ratios (`as_of`: conditions).
    `late_also` counts, in the progress pass, the late dossiers meeting further conditions (those
    with an apology letter...), and `received_also` in the ratios' pass the dossiers received in
    the period meeting further conditions, under their own keys in `counts`."""
    progress, received, ratios = conditions(start, end, as_of=as_of)
    wanted_progress = {key: Count("pk", filter=condition) for key, condition in progress.items()}
    for key, condition in (late_also or {}).items():
        wanted_progress[key] = Count("pk", filter=progress["late"] & condition)
    counts = scope_queryset(qs, start, end).order_by().aggregate(**wanted_progress)
    wanted = {"received": Count("pk")}
    for key, (numerator, denominator) in ratios.items():
        wanted[f"{key}__n"] = Count("pk", filter=numerator)
        wanted[f"{key}__d"] = Count("pk", filter=denominator) if denominator else Count("pk")
    for key, condition in (received_also or {}).items():
        wanted[key] = Count("pk", filter=condition)
    counted = qs.filter(received).order_by().aggregate(**wanted)
    counts["received"] = counted["received"]
    for key in received_also or {}:
        counts[key] = counted[key]
    return summarise(start, end, counts, {key: (counted[f"{key}__n"], counted[f"{key}__d"]) for key in ratios})


BIG_GAP = Decimal(2)  # points between ours and the portal's that the dashboard flags


def period_from(params: Mapping[str, str], *, today: dt.date) -> Period:
    """The period a query string asks for (`period`, `year`, `n`); this quarter when it is unreadable."""
    kind = params.get("period", "quarter")
    kind = kind if kind in PERIODS else "quarter"
    try:
        year = int(params.get("year", today.year))
        number = int(params.get("n", (today.month - 1) // 3 + 1 if kind == "quarter" else today.month))
        return period(kind, min(max(year, 2000), 2100), number)
    except (ValueError, TypeError):
        return period("quarter", today.year, (today.month - 1) // 3 + 1)


def unit_from(params: Mapping[str, str]) -> int | None:
    """The unit id a query string asks for (`unit`), None for the whole agency."""
    unit = params.get("unit", "")
    return int(unit) if unit.isdigit() else None


def quality_scope(user: Person, agency: Agency, unit_id: int | None) -> QuerySet[Dossier]:
    """The dossiers the 766 figures count for the user: those they may see, of one unit or all."""
    qs = dossiers_visible_to(user, agency)
    return qs.filter(unit_id=unit_id) if unit_id is not None else qs


def score_rows(result: Quality, official: Mapping[str, OfficialScore]) -> list[dict[str, Any]]:
    """Each indicator of the period beside the portal's score for it, with the gap between them."""
    # procedures.forms imports services, which imports this module (Period): read the labels late.
    from procedures.forms import INDICATOR_LABELS

    rows = []
    for key, figure in result.figures.items():
        theirs = official.get(key)
        ours = q2(figure.points) if figure.points is not None else None
        difference = (ours - theirs.points) if theirs is not None and ours is not None else None
        rows.append(
            {
                "key": key,
                "label": INDICATOR_LABELS[key],
                "figure": figure,
                "rate": q2(figure.rate) if figure.rate is not None else None,
                "points": ours,
                "official": theirs,
                "gap": difference,
                "big_gap": difference is not None and abs(difference) > BIG_GAP,
                "drill": key in RATIO_KEYS,
            }
        )
    return rows


@dataclass(frozen=True)
class QualityReport:
    """The 766 figures of a period as the page and its workbook show them."""

    period: Period
    unit: Unit | None
    result: Quality
    official: dict[str, OfficialScore]
    rows: list[dict[str, Any]]
    total: Decimal  # our points, summed before rounding (as Quality.as_dict's total_points)


def judged_until(chosen: Period, today: dt.date | None) -> dt.date:
    """The day a period's dossiers are judged at: its end, or today while it runs (an open dossier
    due next week is not late yet), as the targets, the portal and the measures judge them."""
    return chosen.end if today is None else max(chosen.start, min(chosen.end, today))


def quality_report(
    user: Person, agency: Agency, chosen: Period, unit_id: int | None, *, today: dt.date | None = None
) -> QualityReport:
    """The indicators of the period over the dossiers the user may see (of one unit or all), the
    other apps' figures (EXTRA_FIGURES), and the portal's published scores beside them; a running
    period is judged as of `today`."""
    end = judged_until(chosen, today)
    result = quality(quality_scope(user, agency, unit_id), chosen.start, end)
    for provider in EXTRA_FIGURES:
        result.figures.update(provider(user, agency, unit_id, chosen.start, end))
    scores = OfficialScore.objects.filter(agency=agency, period_start=chosen.start, period_end=chosen.end)
    official = {s.indicator: s for s in scores}
    return QualityReport(
        period=chosen,
        unit=Unit.objects.filter(agency=agency, pk=unit_id).first() if unit_id is not None else None,
        result=result,
        official=official,
        rows=score_rows(result, official),
        total=q2(sum((f.points or Decimal(0) for f in result.figures.values()), Decimal(0))),
    )


def drill(qs: QuerySet[Dossier], start: dt.date, end: dt.date, key: str, part: str) -> QuerySet[Dossier]:
    """The dossiers behind a number: `key` is `progress` with a part of quality.PROGRESS_PARTS, or
    a ratio indicator with `numerator` or `denominator`."""
    progress, received, ratios = conditions(start, end)
    condition = progress[part] if key == "progress" else received & ratios[key][part == "denominator"]
    return qs.filter(condition).order_by("received_at", "pk")


DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]")  # hyphens, en and em dashes, minus
# A run of spaces and hyphens between two parts of the code: one hyphen, so that a code typed with
# spaces for its hyphens ("h38.15 261207 0001", as a phone keyboard makes it easy) is found too.
SEPARATORS = re.compile(r"\s*-[\s-]*|\s+")


def normalize_code(text: str) -> str:
    """A dossier code as typed by a citizen, in the register's form: upper case, any dash a
    hyphen, spaces around hyphens dropped and spaces between parts read as the hyphen
    ("h38.15 – 261207 0001" -> "H38.15-261207-0001")."""
    return SEPARATORS.sub("-", DASHES.sub("-", text).strip()).strip("-").upper()[:80]


def public_dossier(code: str) -> Dossier | None:
    """The dossier a citizen looks up by its code: the code as typed (normalised), else the same
    code in any letter case."""
    wanted = normalize_code(code)
    if not wanted:
        return None
    found = Dossier.objects.select_related("procedure", "agency")
    return found.filter(code=wanted).order_by("pk").first() or found.filter(code__iexact=wanted).order_by("pk").first()
