"""Every SIPAS figure one agency's users can obtain, and what each may show (surveys.disclosure
over the agency's responses): `Results` holds the responses of one questionnaire as bit sets
and gives each whole period and group its `Result`, the index with the cells hidden by rules
2-5. No query here: surveys.selectors loads the rows (`agency_results`) and keeps the built
object per data version (`results`)."""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from surveys import disclosure
from surveys.disclosure import MIN_CELL
from surveys.index import SMALL_SAMPLE, Index, compute
from surveys.models import Channel, Source
from surveys.questionnaire import Form

NO_VALUE = "—"
type Row = tuple[Any, ...]  # one response: the values of Results.ROW
type Group = tuple[str, str]  # ("", "") the whole agency, else (dimension, label)
type PeriodGroup = tuple[str, Group]  # a result: its period's key and its group
type Key = tuple[str, str, Group]  # a result of one population: (population, period key, group)
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

    def as_data(self) -> dict[str, Any]:
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

    def __init__(
        self,
        rows: Sequence[Row],
        form: Form,
        *,
        campaigns: Iterable[disclosure.Period],
        today: dt.date,
        min_cell: int = MIN_CELL,
        waiting_from: dt.date | None = None,
        dimensions: Iterable[str] | None = None,
        extra_labels: dict[str, list[str]] | None = None,
        seed: dict[PeriodGroup, frozenset[str]] | None = None,
        public: str = "",
    ) -> None:
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
        at: defaultdict[Any, list[int]] = defaultdict(list)  # key -> the positions of its rows, then bit sets
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
        self._bits: dict[Key, int] = {}
        self._counts: dict[Key, _Shape] = {}
        self._pairwise: dict[Key, frozenset[str]] = {}
        self._tables: dict[tuple[str, str, int | None], dict[PeriodGroup, set[str]]] = {}
        self._index: dict[Key, Index] = {}

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
                elif not disclosure.is_shown(counts[cell], k):
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
            counts = self._cell_counts(population, p, group).counts
            small = {c for c, n in counts.items() if not disclosure.is_shown(n, k)}
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

    def table(self, population: str, dimension: str, year: int | None) -> dict[PeriodGroup, set[str]]:
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
            partitions: list[tuple[disclosure.Period, list[disclosure.Period]]] = []
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
        settled: dict[int, tuple[Any, ...]] = {}  # family -> the sets it last left unchanged
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
        found = self.table(population, group[0], year).get((p.key, group))
        # (a group with no response in the lattice: its own decision)
        hidden = self.own(population, p, group) if found is None else frozenset(found)
        return Result(p, group, index, hidden, self.min_cell)

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
