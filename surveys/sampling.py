"""A campaign's sample plan (sipas.md §8): n = N / (1 + N e²) over the dossiers with a result in
its period, shared among unit × procedure field, beside the valid responses of each stratum;
and the plan as the members other than the managers see it (small counts blanked by
surveys.disclosure's rule 3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Model, QuerySet

from core.deadlines import LOCAL
from procedures.models import Dossier
from surveys import disclosure
from surveys.disclosure import MIN_CELL
from surveys.index import quotas, sample_size
from surveys.models import Campaign
from surveys.results import NO_VALUE
from surveys.selectors import responses

DEFAULT_MARGIN = Decimal("0.05")  # a campaign's default margin of error (surveys.models.Campaign)


@dataclass
class Stratum:
    unit: str
    field: str
    population: int
    quota: int
    responses: int
    hidden: bool = False  # its count is not shown (`Plan.blank`)
    small: bool = False  # ... because it is 1 to min_cell - 1 (shown as "< min_cell")

    @property
    def progress(self) -> int:
        return min(100, round(100 * self.responses / self.quota)) if self.quota else 100


@dataclass
class Plan:
    population: int
    target: int
    responses: int
    strata: list[Stratum] = field(default_factory=list)
    min_cell: int = MIN_CELL
    total_hidden: bool = False

    def blank(self) -> Plan:
        """The plan as members other than the managers see it (issue 18 review): a stratum's
        count of 1 to min_cell - 1 responses is not shown ("< N"), and the smallest shown ones
        are hidden too until the hidden ones hold 0 or at least min_cell (or the total minus the
        shown strata would give them back); when they cannot, the total is hidden as well. The
        managers (leader, Office, administrator) plan the sample and see every count."""
        k = self.min_cell
        strata = []
        for stratum in self.strata:
            small = not disclosure.is_shown(stratum.responses, k)
            strata.append(dataclasses.replace(stratum, hidden=small, small=small))
        held = sum(s.responses for s in strata if s.hidden)
        shown = [s for s in strata if not s.hidden and s.responses]
        shown.sort(key=lambda s: (s.responses, s.unit, s.field))
        while not disclosure.is_shown(held, k) and shown:
            extra = shown.pop(0)
            extra.hidden, held = True, held + extra.responses
        return dataclasses.replace(self, strata=strata, total_hidden=not disclosure.is_shown(held, k))


def with_result(agency_id: int, first: dt.date, last: dt.date) -> QuerySet[Dossier]:
    """The agency's dossiers with a result from `first` to `last` (the survey's population)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(last, dt.time.max, tzinfo=LOCAL)
    return Dossier.objects.filter(
        agency_id=agency_id, status__in=("finished", "returned"), finished_at__gte=start, finished_at__lte=end
    )


def eligible_dossiers(campaign: Campaign) -> QuerySet[Dossier]:
    """Dossiers with a result in the campaign's period, within its units and procedures."""
    return covered(with_result(campaign.agency_id, campaign.starts_on, campaign.ends_on), campaign)


def period_target(agency_id: int, first: dt.date, last: dt.date, margin: Decimal = DEFAULT_MARGIN) -> int:
    """The sample a calendar period needs (no campaign: the whole agency, the default margin)."""
    return sample_size(with_result(agency_id, first, last).count(), margin)


def covered[M: Model](qs: QuerySet[M], campaign: Campaign) -> QuerySet[M]:
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
    return Plan(total, target, sum(counted.values()), strata, min_cell=max(MIN_CELL, campaign.min_cell))
