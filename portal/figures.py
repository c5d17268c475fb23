"""The figures the portal publishes, each with its definition, period and source; computed from
the agency's data meant to be public: aggregates only, never a person's record."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Agency
from core.numbers import HUNDRED, q2
from feedback.metrics import agency_766
from plans.models import ParDomain, Plan, PlanStatus, Task, TaskStatus
from procedures.forms import INDICATOR_LABELS
from scorecards.models import Scorecard
from surveys import disclosure as sipas_disclosure
from surveys import selectors as sipas

CACHE_SECONDS = 300  # the portal's figures may be up to 5 minutes old


def cached(kind: str, agency, today: dt.date, compute):
    """A figure of the public pages, computed at most once per agency, day and 5 minutes (per
    process: Django's default cache)."""
    key = f"portal:{kind}:{agency.pk}:{today.isoformat()}:{translation.get_language()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


@dataclass
class PlanProgress:
    plan: Plan
    total: int
    done: int
    by_status: dict[str, int]
    by_domain: list[tuple[str, int, int]]  # (domain label, done, total)

    @property
    def done_percent(self) -> Decimal | None:
        return q2(Decimal(self.done) * HUNDRED / self.total) if self.total else None


def plan_progress(agency, year: int) -> PlanProgress | None:
    """The issued plan of the year at a glance: tasks by status and by PAR domain (no names)."""
    plan = Plan.objects.filter(agency=agency, year=year, status=PlanStatus.ISSUED).first()
    if plan is None:
        return None
    tasks = Task.objects.filter(plan=plan).exclude(status=TaskStatus.CANCELLED)
    done_statuses = {TaskStatus.DONE, TaskStatus.DONE_LATE}
    by_status: Counter[str] = Counter()
    rows: dict[int, list[int]] = {}
    for domain, status, n in tasks.values_list("par_domain", "status").annotate(n=Count("pk")):
        by_status[status] += n
        if domain is not None:
            row = rows.setdefault(domain, [0, 0])
            row[0] += n if status in done_statuses else 0
            row[1] += n
    labels = dict(ParDomain.choices)
    return PlanProgress(
        plan=plan,
        total=sum(by_status.values()),
        done=sum(by_status[s] for s in done_statuses),
        by_status={str(TaskStatus(k).label): v for k, v in by_status.items()},
        by_domain=[(str(labels[d]), done, total) for d, (done, total) in sorted(rows.items())],
    )


@dataclass
class Figure:
    key: str
    label: str
    value: Decimal | None  # a percentage, rounded to 2 decimals; None: no data
    definition: str
    period: str
    source: str
    points: Decimal | None = None  # the 766 points it earns, where it is a 766 indicator
    max_points: Decimal | None = None
    headline: bool = True  # shown on the agency's page too, not only on the indices page
    unit: str = "%"


def _period(start: dt.date, end: dt.date) -> str:
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


# What each 766 indicator measures, in plain words (service_quality_766.md §2, feedback_pakn.md §6)
DEFINITIONS = {
    "on_time_rate": gettext_lazy(
        "Dossiers processed early or on time, over the dossiers whose processing ended in the period or "
        "that were still in progress at its end."
    ),
    "online_rate": gettext_lazy("Dossiers received online, over all dossiers received in the period."),
    "online_payment_rate": gettext_lazy("Dossiers whose fees were paid online, over the dossiers with a fee."),
    "e_result_rate": gettext_lazy("Dossiers whose result was given electronically, over the dossiers received."),
    "digitization_rate": gettext_lazy("Dossiers digitised at reception, over the dossiers received."),
    "reuse_rate": gettext_lazy("Dossiers that reused data already digitised, over the dossiers received."),
    "complaint_rate": gettext_lazy("Dossiers with a complaint or a dislike, over the dossiers received."),
    "tthc_satisfaction": gettext_lazy(
        "100 minus the share of dossiers not on time, minus the share with a complaint (not below 0)."
    ),
    "feedback_on_time_rate": gettext_lazy(
        "Feedback answered within 15 working days, or not yet due, over the feedback to answer in the period."
    ),
    "feedback_satisfaction": gettext_lazy(
        "Feedback received in the period that was not rated unsatisfied, not overdue and not a repeat, over all "
        "feedback received in the period."
    ),
}
HEADLINE_766 = ("on_time_rate", "online_rate", "feedback_on_time_rate")


def indices(agency: Agency, today: dt.date) -> list[Figure]:
    """The agency's published figures of the year so far: SIPAS, every 766 indicator computed from
    its registers with the points it earns and their total, and the last published PAR INDEX."""
    par = par_figure(agency)
    return [
        sipas_figure(agency, today),
        *figures_766(agency, dt.date(today.year, 1, 1), today),
        *([par] if par else []),
    ]


def sipas_period(today: dt.date) -> sipas_disclosure.Period | None:
    """The latest ended whole period of the year (Q1, 6 months, 9 months, the year; last year's in
    January): never a running, day-by-day window (surveys.disclosure)."""
    whole = sipas_disclosure.latest_ended(today, kinds=("quarter", "half", "nine", "year"))
    if whole is not None and whole.kind == "quarter":
        whole = sipas_disclosure.period("quarter", whole.year, 1) if whole.number == 1 else None
    return whole or sipas_disclosure.latest_ended(today, kinds=("half", "nine", "year"))


def sipas_figure(agency: Agency, today: dt.date) -> Figure:
    """SIPAS over `sipas_period`, each hidden cell as surveys.disclosure decided: a hidden overall
    is no value, a hidden count is never "0 responses"."""
    whole = sipas_period(today)
    result = sipas.agency_result(agency.pk, whole, today=today)
    count = result.n if result is not None else None
    if count is None:
        definition = _(
            "Share of answers “satisfied” or “very satisfied” per question, averaged per element and "
            "over the five elements (QĐ 1001/QĐ-BNV service block); hidden (fewer than %(n)s responses, "
            "or a small difference from another result)."
        ) % {"n": result.min_cell if result is not None else sipas_disclosure.MIN_CELL}
    else:
        definition = _(
            "Share of answers “satisfied” or “very satisfied” per question, averaged per element and "
            "over the five elements (QĐ 1001/QĐ-BNV service block); %(n)s responses."
        ) % {"n": count}
    overall = result.overall if result is not None else None
    return Figure(
        "sipas",
        _("Satisfaction with administrative services (SIPAS, agency survey)"),
        q2(overall) if overall is not None else None,
        definition,
        _period(whole.start, whole.end) if whole else "—",
        _("Survey of people who used the agency's services"),
    )


def figures_766(agency: Agency, start: dt.date, end: dt.date) -> list[Figure]:
    """Every 766 indicator computed from the registers, with its points, then their total."""
    results = agency_766(agency, start, end)
    dossiers, feedback = (
        _("The agency's dossier register, Decision 766/QĐ-TTg rules"),
        _("The agency's feedback register"),
    )
    out = [
        Figure(
            key,
            str(INDICATOR_LABELS[key]),
            q2(figure.rate) if figure.rate is not None else None,
            str(DEFINITIONS[key]),
            _period(start, end),
            feedback if key.startswith("feedback_") else dossiers,
            points=q2(figure.points) if figure.points is not None else None,
            max_points=figure.max_points,
            headline=key in HEADLINE_766,
        )
        for key, figure in results.items()
    ]
    earned = [f.points for f in results.values() if f.points is not None]
    out.append(
        Figure(
            "766_total",
            _("Points of the service-quality indicators computed here (766)"),
            q2(sum(earned, Decimal(0))) if earned else None,
            _(
                "Sum of the points above; the national portal's total also counts indicators this system "
                "does not hold (e.g. the public-information group)."
            ),
            _period(start, end),
            dossiers,
            max_points=sum((f.max_points for f in results.values()), Decimal(0)),
            unit=_("points"),
        )
    )
    return out


def par_figure(agency: Agency) -> Figure | None:
    """The last PAR INDEX published for the agency, as its decision gave it."""
    card = (
        Scorecard.objects.filter(agency=agency, round__phase="published")
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    if card is None:
        return None
    value = (card.published_results or {}).get("index")
    return Figure(
        "par",
        _("PAR INDEX %(year)s") % {"year": card.round.year},
        q2(Decimal(str(value))) if value not in (None, "") else None,
        _("Points obtained over the applicable maximum, as published by decision %(number)s.")
        % {"number": card.round.decision_number or "—"},
        str(card.round.year),
        card.round.name,
    )
