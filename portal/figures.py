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

from core.numbers import HUNDRED, q2
from feedback.metrics import figures_of
from feedback.models import Feedback
from plans.models import ParDomain, Plan, PlanStatus, Task, TaskStatus
from procedures.models import Dossier
from procedures.selectors import quality
from scorecards.models import Scorecard
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
    value: str | None  # e.g. "84.30%"; None: no data
    definition: str
    period: str
    source: str


def _period(start: dt.date, end: dt.date) -> str:
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


def indices(agency, today: dt.date) -> list[Figure]:  # noqa: PLR0914
    from django.utils.translation import gettext as _

    start, end = dt.date(today.year, 1, 1), today
    out = []
    form = sipas.questionnaire(sipas.DEFAULT_QUESTIONNAIRE)
    index = sipas.summary(sipas.responses([agency.pk], start=start, end=end, questionnaire_code=form.code), form)
    shown = index.overall is not None and index.responses >= sipas.MIN_CELL
    out.append(
        Figure(
            "sipas",
            _("Satisfaction with administrative services (SIPAS, agency survey)"),
            f"{q2(index.overall)}%" if shown else None,
            _(
                "Share of answers “satisfied” or “very satisfied” per question, averaged per element and "
                "over the five elements (QĐ 1001/QĐ-BNV service block); %(n)s responses."
            )
            % {"n": index.responses if shown else 0},
            _period(start, end),
            _("Survey of people who used the agency's services"),
        )
    )
    result = quality(Dossier.objects.filter(agency=agency), start, end)
    for key, label, definition in (
        (
            "on_time_rate",
            _("Dossiers processed on time (766, 2.1)"),
            _("Dossiers processed early or on time over the dossiers whose processing ended in the period."),
        ),
        ("online_rate", _("Online dossiers (766, 3.3)"), _("Dossiers received online over all dossiers received.")),
    ):
        figure = result.figures.get(key)
        out.append(
            Figure(
                key,
                str(label),
                f"{q2(figure.rate)}%" if figure and figure.rate is not None else None,
                str(definition),
                _period(start, end),
                _("The agency's dossier register, Decision 766/QĐ-TTg rules"),
            )
        )
    feedback = figures_of(Feedback.objects.filter(agency=agency), start, end)["feedback_on_time_rate"]
    out.append(
        Figure(
            "feedback_on_time_rate",
            _("Feedback answered on time (766, 5.2)"),
            f"{q2(feedback.rate)}%" if feedback.rate is not None else None,
            _("Feedback answered within 15 working days, or not yet due, over the feedback to answer in the period."),
            _period(start, end),
            _("The agency's feedback register"),
        )
    )
    card = (
        Scorecard.objects.filter(agency=agency, round__phase="published")
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    if card is not None:
        published = card.published_results or {}
        out.append(
            Figure(
                "par",
                _("PAR INDEX %(year)s") % {"year": card.round.year},
                f"{published.get('index')}%" if published.get("index") else None,
                _("Points obtained over the applicable maximum, as published by decision %(number)s.")
                % {"number": card.round.decision_number or "—"},
                str(card.round.year),
                card.round.name,
            )
        )
    return out
