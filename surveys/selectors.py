"""What the SIPAS pages show: the index of a set of responses, its breakdowns (small cells
hidden, small samples flagged), the trend over campaigns and a campaign's sample plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.deadlines import LOCAL
from procedures.models import Dossier
from surveys.index import SMALL_SAMPLE, Index, compute, quotas, sample_size
from surveys.models import Campaign, Channel, Response, Source
from surveys.questionnaire import Form, load

DIMENSIONS = {
    "unit": _("Unit"),
    "procedure": _("Procedure"),
    "field": _("Procedure field"),
    "channel": _("Channel"),
    "source": _("How it came in"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "agency": _("Agency"),
}
NO_VALUE = "—"
MIN_CELL = 5  # fewer responses are not shown apart (sipas.md §9.6); a campaign may set its own
DEFAULT_QUESTIONNAIRE = "sipas-service-2026"


@cache
def questionnaire(code: str) -> Form:
    return load(code)


def responses(
    agencies: Iterable[int],
    *,
    campaign: Campaign | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_open: bool = False,
    questionnaire_code: str | None = None,
) -> QuerySet[Response]:
    """Valid responses of the agencies; open-link responses only when asked (they are reported
    apart, sipas.md §9.8)."""
    qs = Response.objects.filter(agency_id__in=list(agencies), invalid_reason="")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if start:
        qs = qs.filter(answered_on__gte=start)
    if end:
        qs = qs.filter(answered_on__lte=end)
    if not include_open:
        qs = qs.exclude(source=Source.OPEN)
    if questionnaire_code:
        qs = qs.filter(questionnaire=questionnaire_code)
    return qs


def summary(qs: QuerySet[Response], form: Form) -> Index:
    return compute(qs.values_list("answers", flat=True).iterator(chunk_size=2000), form.questionnaire)


@dataclass
class Group:
    label: str
    n: int
    index: Index | None  # None when hidden (fewer than the smallest cell)

    @property
    def hidden(self) -> bool:
        return self.index is None

    @property
    def low_precision(self) -> bool:
        return self.n < SMALL_SAMPLE


def _profile_key(dimension: str, form: Form) -> str | None:
    key = dimension.removeprefix("profile:")
    return key if dimension.startswith("profile:") and key in form.profile else None


def dimensions(form: Form) -> dict[str, str]:
    return {**{k: str(v) for k, v in DIMENSIONS.items()}, **{f"profile:{k}": t for k, (t, _c) in form.profile.items()}}


def breakdown(qs: QuerySet[Response], dimension: str, form: Form, *, min_cell: int = MIN_CELL) -> list[Group]:
    """The index per group of `dimension`; groups under `min_cell` responses are hidden (their
    count is shown as "fewer than"), groups under the small-sample size are flagged."""
    profile_key = _profile_key(dimension, form)
    if profile_key is None and dimension not in DIMENSIONS:
        raise ValueError(dimension)
    channels, sources = dict(Channel.choices), dict(Source.choices)
    choices = form.profile.get(profile_key, ("", {}))[1] if profile_key else {}
    groups: dict[str, list[dict]] = defaultdict(list)
    rows = qs.values_list(
        "answers",
        "unit__name",
        "procedure_code",
        "procedure__name",
        "procedure__field",
        "channel",
        "source",
        "answered_on",
        "profile",
        "agency__name",
    )
    for answers, unit, code, name, field_name, channel, source, day, profile, agency in rows.iterator(chunk_size=2000):
        if profile_key:
            label = choices.get((profile or {}).get(profile_key, ""), NO_VALUE)
        else:
            label = {
                "unit": unit or NO_VALUE,
                "procedure": f"{code} {name or ''}".strip() or NO_VALUE,
                "field": field_name or NO_VALUE,
                "channel": str(channels.get(channel, channel)),
                "source": str(sources.get(source, source)),
                "month": f"{day:%Y-%m}",
                "quarter": f"{day.year} Q{(day.month - 1) // 3 + 1}",
                "agency": agency,
            }[dimension]
        groups[label].append(answers)
    out = [
        Group(label, len(items), compute(items, form.questionnaire) if len(items) >= min_cell else None)
        for label, items in groups.items()
    ]
    ordered = dimension in ("month", "quarter")
    return sorted(out, key=lambda g: (g.label,) if ordered else (g.hidden, -g.n, g.label))


@dataclass
class TrendPoint:
    campaign: Campaign
    n: int
    overall: Decimal | None  # None also when hidden (fewer than the campaign's smallest cell)

    @property
    def hidden(self) -> bool:
        return 0 < self.n < self.campaign.min_cell

    @property
    def low_precision(self) -> bool:
        return self.n < SMALL_SAMPLE


def trend(agency_id: int, *, include_open: bool = False) -> list[TrendPoint]:
    """The overall index of each campaign of the agency, oldest first."""
    points = []
    for campaign in Campaign.objects.filter(agency_id=agency_id).order_by("starts_on", "id"):
        form = questionnaire(campaign.questionnaire)
        qs = responses([agency_id], campaign=campaign, include_open=include_open, questionnaire_code=form.code)
        index = summary(qs, form)
        hidden = 0 < index.responses < campaign.min_cell
        points.append(TrendPoint(campaign, index.responses, None if hidden else index.overall))
    return points


@dataclass
class Stratum:
    unit: str
    field: str
    population: int
    quota: int
    responses: int

    @property
    def progress(self) -> int:
        return min(100, round(100 * self.responses / self.quota)) if self.quota else 100


@dataclass
class Plan:
    population: int
    target: int
    responses: int
    strata: list[Stratum] = field(default_factory=list)


def eligible_dossiers(campaign: Campaign) -> QuerySet[Dossier]:
    """Dossiers with a result in the campaign's period, within its units and procedures."""
    start = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(campaign.ends_on, dt.time.max, tzinfo=LOCAL)
    qs = Dossier.objects.filter(
        agency_id=campaign.agency_id, status__in=("finished", "returned"), finished_at__gte=start, finished_at__lte=end
    )
    return covered(qs, campaign)


def covered(qs: QuerySet, campaign: Campaign) -> QuerySet:
    """Rows (dossiers, responses) of the campaign's units and procedures; none chosen is all."""
    units = list(campaign.units.values_list("pk", flat=True))
    procedures = list(campaign.procedures.values_list("pk", flat=True))
    if units:
        qs = qs.filter(unit_id__in=units)
    if procedures:
        qs = qs.filter(procedure_id__in=procedures)
    return qs


def plan(campaign: Campaign) -> Plan:
    """n = N / (1 + N e²) over the eligible dossiers, shared among unit × procedure field in
    proportion to their numbers, beside the valid responses (open link excluded) per stratum."""
    population = {
        (row["unit__name"] or NO_VALUE, row["procedure__field"] or NO_VALUE): row["n"]
        for row in eligible_dossiers(campaign).values("unit__name", "procedure__field").annotate(n=Count("pk"))
    }
    counted = {
        (row["unit__name"] or NO_VALUE, row["procedure__field"] or NO_VALUE): row["n"]
        for row in responses([campaign.agency_id], campaign=campaign)
        .values("unit__name", "procedure__field")
        .annotate(n=Count("pk"))
    }
    total = sum(population.values())
    target = sample_size(total, campaign.margin)
    keys = {f"{u}\x00{f}": n for (u, f), n in population.items()}
    shares = quotas(keys, target)
    strata = [
        Stratum(u, f, population.get((u, f), 0), shares.get(f"{u}\x00{f}", 0), counted.get((u, f), 0))
        for (u, f) in sorted(set(population) | set(counted))
    ]
    return Plan(total, target, sum(counted.values()), strata)


def comments(qs: QuerySet[Response], *, states: Iterable[str]) -> QuerySet[Response]:
    return qs.filter(~Q(comment=""), comment_state__in=list(states)).select_related("unit")
