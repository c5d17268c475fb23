"""What the SIPAS pages show: the index of a whole period and group with the cells
surveys.disclosure hides (`Results`: every result the agency's users can obtain, and what each
may show), its breakdowns and the trend over campaigns, and a campaign's sample plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import threading
import time
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from django.core.cache import cache as django_cache
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core.deadlines import LOCAL
from core.models import Unit
from procedures.models import Dossier
from surveys import disclosure
from surveys.index import SMALL_SAMPLE, Index, compute, quotas, sample_size
from surveys.models import Campaign, Channel, PendingResponse, Response, Source
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


def dimensions(form: Form) -> dict[str, str]:
    """The groups a breakdown can be made by: the dimensions and the respondent profile's questions."""
    return {**{k: str(v) for k, v in DIMENSIONS.items()}, **{f"profile:{k}": t for k, (t, _c) in form.profile.items()}}


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
        strata = [dataclasses.replace(s, hidden=0 < s.responses < k, small=0 < s.responses < k) for s in self.strata]
        held = sum(s.responses for s in strata if s.hidden)
        shown = [s for s in strata if not s.hidden and s.responses]
        shown.sort(key=lambda s: (s.responses, s.unit, s.field))
        while 0 < held < k and shown:
            extra = shown.pop(0)
            extra.hidden, held = True, held + extra.responses
        return dataclasses.replace(self, strata=strata, total_hidden=0 < held < k)


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
    return Plan(total, target, sum(counted.values()), strata, min_cell=max(MIN_CELL, campaign.min_cell))


def comments(qs: QuerySet[Response], *, states: Iterable[str]) -> QuerySet[Response]:
    return qs.filter(~Q(comment=""), comment_state__in=list(states)).select_related("unit")


# --- what may be shown: whole periods, whole groups, no differencing (surveys.disclosure) --------

POPULATIONS = ("main", "open")  # open-link answers are reported apart and never mixed in (§9.8)
GROUP_DIMENSIONS = ("unit", "procedure", "field", "channel", "source")


@dataclass
class Result:
    """One figure set the product gives: the index of a whole period and group, with the cells
    surveys.disclosure hides. Hidden cells are never shown, not even their count."""

    period: disclosure.Period
    group: tuple[str, str]  # ("", "") for the whole agency, else (dimension, label)
    index: Index
    hidden: frozenset[str]
    min_cell: int

    @property
    def label(self) -> str:
        return self.group[1]

    @property
    def suppressed(self) -> bool:
        return disclosure.RESPONSES in self.hidden

    @property
    def n(self) -> int | None:
        return None if self.suppressed else self.index.responses

    @property
    def overall(self) -> Decimal | None:
        return None if disclosure.OVERALL in self.hidden else self.index.overall

    @property
    def low_precision(self) -> bool:
        return not self.suppressed and self.index.responses < SMALL_SAMPLE

    def shows(self, cell: str) -> bool:
        return cell not in self.hidden

    def element_index(self, code: str) -> Decimal | None:
        return None if f"element:{code}" in self.hidden else self.index.elements[code].index

    def as_data(self) -> dict:
        """The JSON of the API and the dashboard: a hidden cell is {"hidden": true}, never a number."""
        head = {"period": self.period.key, "period_label": self.period.label, "min_cell": self.min_cell}
        if self.suppressed:
            return {**head, "responses": None, "suppressed": True}
        data = self.index.as_data()
        gone = {"hidden": True}
        data["items"] = {c: gone if f"item:{c}" in self.hidden else v for c, v in data["items"].items()}
        data["elements"] = {c: gone if f"element:{c}" in self.hidden else v for c, v in data["elements"].items()}
        data["expectations"] = {
            c: gone if f"expectation:{c}" in self.hidden else v for c, v in data["expectations"].items()
        }
        if disclosure.OVERALL in self.hidden:
            data["overall"] = None
            data["overall_hidden"] = True
        return {**head, **data, "suppressed": False}


class Results:
    """Every result one agency's users can obtain for one questionnaire, and what each may show.

    Loads the agency's valid responses once (labels, the cells each counts in) as bit sets, so
    that the differences between a result and all its neighbours cost a few integer operations.
    Each result's counts are computed once; a neighbour whose difference is at least min_cell
    in every cell on one side is told apart by one bound (see `_conflicts`) before any cell is
    counted. The same object answers many requests (`results` keeps it per data version)."""

    ROW = (
        "answers",
        "unit__name",
        "procedure_code",
        "procedure__name",
        "procedure__field",
        "channel",
        "source",
        "answered_on",
        "profile",
        "campaign_id",
    )

    @classmethod
    def of_agency(cls, agency_id: int, form: Form, *, today: dt.date, min_cell: int = MIN_CELL) -> Results:
        campaigns = list(Campaign.objects.filter(agency_id=agency_id))
        qs = responses([agency_id], include_open=True, questionnaire_code=form.code)
        return cls(
            list(qs.order_by("id").values_list(*cls.ROW)),
            form,
            campaigns=_campaign_periods(campaigns, form),
            today=today,
            min_cell=max([min_cell, *(c.min_cell for c in campaigns)]),
            waiting_from=waiting_from([agency_id], form),
        )

    def __init__(
        self,
        rows,
        form: Form,
        *,
        campaigns,
        today: dt.date,
        min_cell: int = MIN_CELL,
        waiting_from: dt.date | None = None,
        dimensions: Iterable[str] | None = None,
        extra_labels: dict[str, list[str]] | None = None,
        seed: dict[tuple, frozenset[str]] | None = None,
        public: str = "",
    ):
        """rows: tuples of Results.ROW; campaigns: their disclosure.Period; waiting_from: the
        earliest date of an answer still in the mix pool (periods ending on or after it are not
        given); dimensions: the label dimensions kept (default all); extra_labels: more
        dimensions, one label per row (the province's `agency`); seed: cells already hidden
        elsewhere per (period key, group) (an agency's own figures on the province page); public:
        a dimension whose groups are shown elsewhere as they are (the province's `agency`: each
        agency's own figures are public): they hide only what the seed and their small cells
        hide, and what they would need hidden is hidden in the whole instead."""
        self.rows = rows
        self.public = public
        self.form, self.today, self.min_cell = form, today, min_cell
        self.waiting_from = waiting_from
        self.seed = seed or {}
        q = form.questionnaire
        self.elements = {e.code: e.items for e in q.elements}
        self.cells = disclosure.cells(q.items, self.elements, q.expectations)
        self.answers = [row[0] for row in rows]
        n = len(rows)
        at: defaultdict = defaultdict(list)  # key -> the positions of its rows, then bit sets
        channels = {k: str(v) for k, v in Channel.choices}
        sources = {k: str(v) for k, v in Source.choices}
        keep = None if dimensions is None else set(dimensions)
        profile_keys = [(f"profile:{key}", key, choices) for key, (_title, choices) in form.profile.items()]
        element_cells = [(f"element:{e}", items) for e, items in self.elements.items()]
        item_cells = [(c, f"item:{c}") for c in q.items]
        expectation_cells = [(c, f"expectation:{c}") for c in q.expectations]
        at[disclosure.RESPONSES] = list(range(n))
        for i, (answers, unit, code, name, field_name, channel, source, day, profile, campaign) in enumerate(rows):
            for c, cell in item_cells:
                if answers.get(c) is not None:
                    at[cell].append(i)
            for cell, items in element_cells:
                if any(answers.get(c) is not None for c in items):
                    at[cell].append(i)
            for c, cell in expectation_cells:
                if answers.get(c) is not None:
                    at[cell].append(i)
            at[("population", "open" if source == Source.OPEN else "main")].append(i)
            at[("month", day.year, day.month)].append(i)
            if campaign:
                at[("campaign", campaign)].append(i)
            labels = [
                ("unit", unit or NO_VALUE),
                ("procedure", f"{code} {name or ''}".strip() or NO_VALUE),
                ("field", field_name or NO_VALUE),
                ("channel", channels.get(channel, channel)),
                ("source", sources.get(source, source)),
            ]
            profile = profile or {}
            labels += [
                (dimension, choices.get(profile.get(key, ""), NO_VALUE)) for dimension, key, choices in profile_keys
            ]
            for dimension, label in labels:
                if keep is None or dimension in keep:
                    at[("label", dimension, label)].append(i)
        for dimension, per_row in (extra_labels or {}).items():
            for i, label in enumerate(per_row):
                at[("label", dimension, label)].append(i)
        sets = {key: _bit_set(positions, n) for key, positions in at.items()}
        self.base = {c: sets.get(c, 0) for c in self.cells}
        self.population = {p: sets.get(("population", p), 0) for p in POPULATIONS}
        self.months: dict[tuple[int, int], int] = {(k[1], k[2]): v for k, v in sets.items() if k[0] == "month"}
        self.by_campaign: dict[int, int] = {k[1]: v for k, v in sets.items() if k[0] == "campaign"}
        self.labels: dict[str, dict[str, int]] = defaultdict(dict)
        for k, v in sets.items():
            if k[0] == "label":
                self.labels[k[1]][k[2]] = v
        everyone = self.base[disclosure.RESPONSES]
        self.missing = {c: everyone & ~bits for c, bits in self.base.items()}
        years = sorted({y for y, _m in self.months})
        self.periods = [p for y in years for p in disclosure.year_periods(y) if self.has_ended(p)]
        self.campaigns = {c.number: c for c in campaigns}
        self.periods += [p for p in self.campaigns.values() if self.has_ended(p)]
        self._groups = [("", ""), *((d, label) for d in self.labels for label in self.labels[d])]
        self._period_bits: dict[str, int] = {}
        self._bits: dict[tuple, int] = {}
        self._counts: dict[tuple, _Shape] = {}
        self._pairwise: dict[tuple, frozenset[str]] = {}
        self._tables: dict[tuple, dict[tuple, set[str]]] = {}
        self._index: dict[tuple, Index] = {}

    # --- sets --------------------------------------------------------------------------------

    def has_ended(self, p: disclosure.Period) -> bool:
        """Ended, and no answer dated on or before its end still waits in the mix pool (its
        figures are final, as far as the receipt links go: surveys.disclosure, time)."""
        return p.has_ended(self.today) and (self.waiting_from is None or p.end < self.waiting_from)

    def period_bits(self, p: disclosure.Period) -> int:
        found = self._period_bits.get(p.key)
        if found is None:
            if p.kind == "campaign":
                found = self.by_campaign.get(p.number, 0)
            else:
                found = 0
                for month in p.months():
                    found |= self.months.get(month, 0)
            self._period_bits[p.key] = found
        return found

    def groups(self) -> list[tuple[str, str]]:
        return list(self._groups)

    def bits(self, population: str, p: disclosure.Period, group: tuple[str, str]) -> int:
        key = (population, p.key, group)
        found = self._bits.get(key)
        if found is None:
            found = self.population[population] & self.period_bits(p)
            if group[0]:
                found &= self.labels.get(group[0], {}).get(group[1], 0)
            self._bits[key] = found
        return found

    def counts(self, bits: int) -> dict[str, int]:
        return {c: (bits & base).bit_count() for c, base in self.base.items()}

    def _cell_counts(self, population: str, p: disclosure.Period, group: tuple[str, str]) -> _Shape:
        """The result's count per cell, computed once, with what `pairwise` bounds with."""
        key = (population, p.key, group)
        found = self._counts.get(key)
        if found is None:
            counts = self.counts(self.bits(population, p, group))
            k, zero, small = self.min_cell, 0, 0
            for position, cell in enumerate(self.cells):
                if counts[cell] == 0:
                    zero |= 1 << position
                elif counts[cell] < k:
                    small |= 1 << position
            least = min((n for n in counts.values() if n), default=0)
            found = self._counts[key] = _Shape(counts, least, zero, small, counts[disclosure.RESPONSES])
        return found

    # --- rules 2-4: one result against all its neighbours --------------------------------------

    def _coarseness(self, p: disclosure.Period, group: tuple[str, str]) -> int:
        return 2 * disclosure.COARSENESS[p.kind] + (0 if group[0] else 1)

    def _few(self, d: int) -> set[str]:
        """The cells in which the set difference d holds fewer than min_cell responses (maybe 0)."""
        if d.bit_count() < self.min_cell:
            return set(self.cells)
        return {c for c, gone in self.missing.items() if d & gone and (d & self.base[c]).bit_count() < self.min_cell}

    def _conflicts(self, here: int, there: int) -> set[str]:
        """Rule 4: the cells in which the two sides differ, each by fewer than min_cell."""
        if not (here or there):
            return set()
        return {c for c in self._few(here) & self._few(there) if (here | there) & self.base[c]}

    def pairwise(self, population: str, p: disclosure.Period, group: tuple[str, str]) -> frozenset[str]:
        key = (population, p.key, group)
        found = self._pairwise.get(key)
        if found is not None:
            return found
        k = self.min_cell
        if self.public and group[0] == self.public:  # shown elsewhere: its small cells only
            small = {c for c, n in self._cell_counts(population, p, group).counts.items() if 0 < n < k}
            found = self._pairwise[key] = frozenset(disclosure.cascade(small, self.elements))
            return found
        a = self.bits(population, p, group)
        shape_a = self._cell_counts(population, p, group)
        neighbours = []
        periods = [o for o in self.periods if self.period_bits(o) & a]
        groups = [g for g in self._groups if not g[0] or self.labels[g[0]][g[1]] & a]
        least_a, zero_a, small_a, n_a = shape_a.least, shape_a.zero, shape_a.small, shape_a.n
        shapes, known = self._counts, self._bits
        for other_p in periods:
            other_key = other_p.key
            for other_g in groups:
                b_key = (population, other_key, other_g)
                b = known.get(b_key)
                if b is None:
                    b = self.bits(population, other_p, other_g)
                if b == a:
                    continue
                # In every cell c, |b_c - a_c| >= |b_c| - |a & b|: when b keeps at least min_cell
                # more than they share in each of its non-empty cells, and in each of its empty
                # cells a holds 0 or at least min_cell, no cell conflicts (and the same from a):
                # _Shape.apart, written out here (the loop runs for every pair of results).
                # |a & b| <= the smaller of the two: that bound first, the exact count when needed.
                shape_b = shapes.get(b_key) or self._cell_counts(population, other_p, other_g)
                b_apart = not shape_b.zero & small_a
                a_apart = not zero_a & shape_b.small
                most = min(n_a, shape_b.n)
                if (b_apart and shape_b.least - most >= k) or (a_apart and least_a - most >= k):
                    continue
                shared = (a & b).bit_count()
                if (b_apart and shape_b.least - shared >= k) or (a_apart and least_a - shared >= k):
                    continue
                here, there = a & ~b, b & ~a
                cells = self._conflicts(here, there)
                if cells and other_p.end < p.end:
                    # a result that ends earlier hides what it hides whatever ends later (its
                    # decisions look only at results ending no later): no need to hide it here too
                    cells -= self.own(population, other_p, other_g)
                if cells:
                    neighbours.append(
                        disclosure.Neighbour(
                            (other_p.key, *other_g),
                            self._coarseness(other_p, other_g),
                            {c: (b & self.base[c]).bit_count() for c in cells},
                            {c: (here & self.base[c]).bit_count() for c in cells},
                            {c: (there & self.base[c]).bit_count() for c in cells},
                            other_p.end,
                            bool(self.public) and other_g[0] == self.public,
                        )
                    )
        query = disclosure.Query((p.key, *group), self._coarseness(p, group), dict(shape_a.counts), neighbours, p.end)
        found = frozenset(disclosure.hidden_cells(query, self.elements, k))
        self._pairwise[key] = found
        return found

    def own(self, population: str, p: disclosure.Period, group: tuple[str, str]) -> frozenset[str]:
        """Rules 2-4, with the cells the seed already hides (an agency's own figures)."""
        return self.pairwise(population, p, group) | self.seed.get((p.key, group), frozenset())

    # --- rule 5: the tables whose rows or columns add up -----------------------------------------

    def _partitions(self, year: int) -> list[tuple[disclosure.Period, list[disclosure.Period]]]:
        month = {m: disclosure.period("month", year, m) for m in range(1, 13)}
        quarter = {n: disclosure.period("quarter", year, n) for n in range(1, 5)}
        half, nine, whole = (disclosure.period(k, year) for k in ("half", "nine", "year"))
        return [
            *((quarter[n], [month[m] for m in range(3 * n - 2, 3 * n + 1)]) for n in range(1, 5)),
            (half, [quarter[1], quarter[2]]),
            (half, [month[m] for m in range(1, 7)]),
            (nine, [quarter[1], quarter[2], quarter[3]]),
            (nine, [half, quarter[3]]),
            (nine, [month[m] for m in range(1, 10)]),
            (whole, [quarter[n] for n in range(1, 5)]),
            (whole, [nine, quarter[4]]),
            (whole, [month[m] for m in range(1, 13)]),
        ]

    def table(self, population: str, dimension: str, year: int | None) -> dict[tuple, set[str]]:
        """Hidden cells of every (period, group) of one dimension ('' = the whole agency) over
        the ended periods of a year (None: the campaigns), after complementary suppression
        along the periods (a year is its months, ...: the whole, which ends last, hides) and
        along the groups (the agency is its units, ...: more groups hide). The whole agency's
        column is settled first and never changed by a group.

        A family (a whole and its parts) is worked out again only when one of its sets changed
        since it last changed nothing (complementary suppression is a function of them, and
        gives back what it is given once it is satisfied), and not at all while no part hides
        anything: the same decisions as working every family out on every pass."""
        key = (population, dimension, year)
        if key in self._tables:
            return self._tables[key]
        if year is None:
            periods = [p for p in self.periods if p.kind == "campaign"]
            partitions: list = []
        else:
            periods = [p for p in self.periods if p.kind != "campaign" and p.year == year]
            ended = {p.key for p in periods}
            partitions = [
                (whole, parts)
                for whole, parts in self._partitions(year)
                if whole.key in ended and all(x.key in ended for x in parts)
            ]
        if dimension and dimension == self.public:  # shown elsewhere as they are
            hidden = {
                (p.key, (dimension, label)): set(self.own(population, p, (dimension, label)))
                for p in periods
                for label in self.labels.get(dimension, {})
            }
            self._tables[key] = hidden
            return hidden
        if dimension:
            totals = self.table(population, "", year)
            groups = [(dimension, label) for label in self.labels.get(dimension, {})]
        else:
            totals, groups = {}, [("", "")]
        hidden = {(p.key, g): set(self.own(population, p, g)) for p in periods for g in groups}
        public = [(self.public, label) for label in self.labels.get(self.public, {})] if self.public else []
        if not dimension and public:  # the public groups, as they are, for the total's families below
            hidden.update(self.table(population, self.public, year))
        settled: dict[int, tuple] = {}  # family -> the sets it last left unchanged
        changed = True
        while changed:
            changed = False
            families: list[tuple[Any, ...]] = [
                # along the periods, for each group: the whole period hides (it ends last)
                (
                    hidden.get((whole.key, g), set()),
                    {x.key: (x, g) for x in parts},
                    (whole.key, g),
                )
                for g in groups
                for whole, parts in partitions
            ]
            if dimension:
                families += [(totals[(p.key, ("", ""))], {g: (p, g) for g in groups}, None) for p in periods]
            elif public:  # the total is the public groups: it hides what they would give back
                families += [
                    (hidden[(p.key, ("", ""))], {g: (p, g) for g in public}, (p.key, ("", ""))) for p in periods
                ]
            for number, (total_hidden, members, whole_key) in enumerate(families):
                present = [(label, p, g) for label, (p, g) in members.items() if (p.key, g) in hidden]
                if not present:
                    continue
                if whole_key is not None:
                    total_hidden = hidden.get(whole_key, total_hidden)  # as this pass left it
                state = (total_hidden, *(hidden[(p.key, g)] for _label, p, g in present))
                if not any(state[1:]):
                    continue  # nothing hidden among the parts: nothing to complete
                last = settled.get(number)
                if last is not None and len(last) == len(state) and all(map(operator.is_, last, state)):
                    continue
                counted = {
                    label: (self._cell_counts(population, p, g).counts, hidden[(p.key, g)]) for label, p, g in present
                }
                if whole_key is not None:
                    whole = disclosure.complement_whole(set(total_hidden), counted, self.elements, self.min_cell)
                    if whole_key in hidden and whole != total_hidden:
                        hidden[whole_key] = whole
                        changed = True
                    else:
                        settled[number] = state
                    continue
                done = disclosure.complement(set(total_hidden), counted, self.elements, self.min_cell)
                moved = False
                for label, cells in done.items():
                    p, g = members[label]
                    if cells != hidden[(p.key, g)]:
                        hidden[(p.key, g)] = cells
                        changed = moved = True
                if not moved:
                    settled[number] = state
        self._tables[key] = hidden
        return hidden

    # --- what the pages and the API call ---------------------------------------------------------

    def is_given(self, p: disclosure.Period) -> bool:
        return any(p.key == o.key for o in self.periods)

    def index(self, population: str, p: disclosure.Period, group: tuple[str, str]) -> Index:
        key = (population, p.key, group)
        found = self._index.get(key)
        if found is None:
            bits = self.bits(population, p, group)
            found = self._index[key] = compute((self.answers[i] for i in _ones(bits)), self.form.questionnaire)
        return found

    def result(self, p: disclosure.Period, group: tuple[str, str] = ("", ""), *, population: str = "main") -> Result:
        """The result of a whole period and group; a period not ended (or unknown) shows nothing."""
        index = self.index(population, p, group)
        if not self.is_given(p):
            everything = {*self.cells, disclosure.OVERALL}
            return Result(p, group, index, frozenset(everything), self.min_cell)
        year = None if p.kind == "campaign" else p.year
        hidden = self.table(population, group[0], year).get((p.key, group))
        if hidden is None:  # a group with no response in the lattice
            hidden = self.own(population, p, group)
        return Result(p, group, index, frozenset(hidden), self.min_cell)

    def breakdown(self, p: disclosure.Period, dimension: str, *, population: str = "main") -> list[Result]:
        labels = [label for label, bits in self.labels.get(dimension, {}).items() if bits & self.period_bits(p)]
        out = [self.result(p, (dimension, label), population=population) for label in labels]
        out = [r for r in out if r.index.responses]
        return sorted(out, key=lambda r: (r.suppressed, -(r.n or 0), r.label))


class _Shape(NamedTuple):
    """A result's counts per cell; its smallest non-empty cell; its empty cells and its cells of
    1 to min_cell - 1 responses, as bit masks over Results.cells."""

    counts: dict[str, int]
    least: int
    zero: int
    small: int
    n: int  # responses

    def apart(self, other: _Shape, shared: int, k: int) -> bool:
        """True when this result holds at least k responses the other does not in each of its
        non-empty cells, and the other holds 0 or at least k in each of this one's empty cells:
        then no cell differs by fewer than k on both sides (rule 4)."""
        return self.least - shared >= k and not self.zero & other.small


def _bit_set(positions: list[int], n: int) -> int:
    """The int whose bits are the positions, in one pass (setting bit i of a growing int would
    copy it each time: quadratic)."""
    data = bytearray((n + 7) // 8)
    for i in positions:
        data[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(data, "little")


def _ones(bits: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    return [i for i, digit in enumerate(reversed(f"{bits:b}")) if digit == "1"]


# --- built results, kept per data version ----------------------------------------------------------

MEMO_ROWS = 300_000  # responses kept in memory across the kept Results of one process
MEMO_ENTRIES = 64
MEMO_SECONDS = 600  # a kept Results is rebuilt after this (renamed units or procedures show then)
GENERATION = "sipas:results-generation"
_memo: OrderedDict[tuple, tuple[float, Results]] = OrderedDict()
_memo_lock = threading.Lock()


def memoised(key: tuple, build: Callable[[], Results]) -> Results:
    """The Results kept under key, else built now and kept (least recently used ones go first
    when more than MEMO_ROWS responses are kept)."""
    now = time.monotonic()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None and now - found[0] < MEMO_SECONDS:
            _memo.move_to_end(key)
            return found[1]
    built = build()
    with _memo_lock:
        _memo[key] = (now, built)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES or (
            len(_memo) > 1 and sum(len(r.rows) for _t, r in _memo.values()) > MEMO_ROWS
        ):
            _memo.popitem(last=False)
    return built


def bump_data_version(update_fields=None, **_kwargs) -> None:
    """Every kept Results is stale: a response was written, invalidated or restored. Called on
    every save of a Response (not for a comment's review alone); bulk writes and updates change
    the counts `data_versions` reads."""
    if update_fields and set(update_fields) <= {"comment_state", "comment_shown"}:
        return
    django_cache.set(GENERATION, uuid.uuid4().hex, None)


post_save.connect(bump_data_version, sender=Response, dispatch_uid="sipas-results-version-save")
post_delete.connect(bump_data_version, sender=Response, dispatch_uid="sipas-results-version-delete")


def data_versions(agency_ids: Iterable[int], form: Form) -> dict[int, tuple]:
    """Per agency, what its Results depend on, cheaply: the responses' counts (all, valid, in a
    campaign) and the sums of their units, procedures and campaigns, their first and last dates,
    the campaigns, the units' names, the mix pool's earliest date, and the generation bumped on
    every save. A response written (one by one or in bulk), invalidated, restored or attached to
    a campaign changes it."""
    ids = list(agency_ids)
    valid = Q(invalid_reason="")
    rows = {
        row.pop("agency_id"): tuple(row.values())
        for row in Response.objects.filter(agency_id__in=ids, questionnaire=form.code)
        .order_by()
        .values("agency_id")
        .annotate(
            n=Count("id"),
            valid=Count("id", filter=valid),
            campaigned=Count("campaign", filter=valid),
            units=Sum("unit_id", filter=valid),
            procedures=Sum("procedure_id", filter=valid),
            campaigns=Sum("campaign_id", filter=valid),
            first=Min("answered_on", filter=valid),
            last=Max("answered_on", filter=valid),
        )
    }
    campaigns: dict[int, list] = defaultdict(list)
    for c in Campaign.objects.filter(agency_id__in=ids).order_by("pk"):
        campaigns[c.agency_id].append((c.pk, c.name, c.questionnaire, c.starts_on, c.ends_on, c.min_cell))
    units: dict[int, list] = defaultdict(list)
    for pk, agency_id, name in (
        Unit.objects.filter(agency_id__in=ids).order_by("pk").values_list("pk", "agency", "name")
    ):
        units[agency_id].append((pk, name))
    pool = waiting_dates(ids, form)
    generation = django_cache.get_or_set(GENERATION, lambda: uuid.uuid4().hex, None)
    return {a: (generation, rows.get(a), tuple(campaigns[a]), tuple(units[a]), pool.get(a)) for a in ids}


def waiting_dates(agency_ids: Iterable[int], form: Form) -> dict[int, dt.date]:
    """Per agency, the earliest date of an answer waiting in the mix pool (surveys.mixing): the
    periods ending on or after it may still change, so they are not given yet."""
    return dict(
        PendingResponse.objects.filter(agency_id__in=list(agency_ids), questionnaire=form.code)
        .order_by()
        .values("agency_id")
        .annotate(first=Min("answered_on"))
        .values_list("agency_id", "first")
    )


def waiting_from(agency_ids: Iterable[int], form: Form) -> dt.date | None:
    return min(waiting_dates(agency_ids, form).values(), default=None)


def _campaign_periods(campaigns: Iterable[Campaign], form: Form) -> list[disclosure.Period]:
    return [
        disclosure.campaign_period(c.pk, c.name, c.starts_on, c.ends_on)
        for c in campaigns
        if c.questionnaire == form.code
    ]


def results(
    agency_id: int, form: Form, *, today: dt.date, min_cell: int = MIN_CELL, version: tuple | None = None
) -> Results:
    """Every result the agency's users can obtain for this questionnaire, as of `today`: built
    once per data version and kept (pages, API, reports and the portal share it)."""
    if version is None:
        version = data_versions([agency_id], form)[agency_id]
    key = ("agency", agency_id, form.code, today, min_cell, version)
    return memoised(key, lambda: Results.of_agency(agency_id, form, today=today, min_cell=min_cell))


def pooled(parts: list[tuple[str, Results]], form: Form, *, today: dt.date) -> Results:
    """The results of several agencies taken together (the province), with `agency` as their
    only dimension: the province's total takes part in the period comparisons (a quarter
    against its months, ...) as an agency's total does, and the agencies are its breakdown
    (complementary suppression, the total settled first), each hiding at least what its own
    dashboard hides. The smallest cell is the largest of the agencies'."""
    rows = [row for _name, r in parts for row in r.rows]
    names = [name for name, r in parts for _row in r.rows]  # the agencies' keys (their pk)
    seed = {}
    for name, r in parts:
        for p in r.periods:
            if p.kind != "campaign":
                seed[(p.key, ("agency", name))] = r.result(p).hidden
    waiting = [r.waiting_from for _name, r in parts if r.waiting_from is not None]
    return Results(
        rows,
        form,
        campaigns=[],
        today=today,
        min_cell=max([MIN_CELL, *(r.min_cell for _name, r in parts)]),
        waiting_from=min(waiting, default=None),
        dimensions=(),
        extra_labels={"agency": names},
        seed=seed,
        public="agency",
    )


def province_results(
    parts: list[tuple[str, Results]],
    form: Form,
    p: disclosure.Period,
    *,
    today: dt.date,
    found: Results | None = None,
    names: dict[str, str] | None = None,
) -> tuple[Result, list[Result]]:
    """The province's total and each agency's figures over a whole period (province page);
    parts are keyed by agency (its pk), shown under `names` (two communes may share a name)."""
    together = found or pooled(parts, form, today=today)
    total = together.result(p)
    groups = [together.result(p, ("agency", key)) for key, _r in parts]
    names = names or {}
    return total, [
        dataclasses.replace(g, group=("agency", names.get(g.group[1], g.group[1]))) for g in groups if g.index.responses
    ]


def province(agencies: list[tuple[int, str]], form: Form, p: disclosure.Period, *, today: dt.date):
    """province_results over the agencies' kept Results, the pooled one kept as well."""
    versions = data_versions([pk for pk, _name in agencies], form)
    parts = [(str(pk), results(pk, form, today=today, version=versions[pk])) for pk, _name in agencies]
    key = ("province", form.code, today, tuple((pk, versions[pk]) for pk, _name in agencies))
    together = memoised(key, lambda: pooled(parts, form, today=today))
    names = {str(pk): name for pk, name in agencies}
    return province_results(parts, form, p, today=today, found=together, names=names)


def published_period(kind: str, year: int, number: int, today: dt.date) -> disclosure.Period | None:
    """The whole period a report or the portal gives SIPAS over: the calendar period asked for
    when it has ended, else the latest ended period inside it, else None (no whole period yet)."""
    wanted = disclosure.period(kind, year, number)
    if wanted.has_ended(today):
        return wanted
    return disclosure.latest_ended(today, kinds=disclosure.KINDS[:-1], within=wanted)


def agency_result(agency_id: int, p: disclosure.Period | None, *, today: dt.date) -> Result | None:
    """The whole agency's result over a whole period, through surveys.disclosure (reports, portal)."""
    if p is None:
        return None
    form = questionnaire(DEFAULT_QUESTIONNAIRE)
    return results(agency_id, form, today=today).result(p)


def cell_counts(index: Index) -> dict[str, int]:
    """The count cells of an index (surveys.disclosure rule 2)."""
    return {
        disclosure.RESPONSES: index.responses,
        **{f"item:{c}": r.n for c, r in index.items.items()},
        **{f"element:{c}": r.n for c, r in index.elements.items()},
        **{f"expectation:{c}": r.n for c, r in index.expectations.items()},
    }
