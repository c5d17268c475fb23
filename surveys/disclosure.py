"""Which SIPAS figures may be shown, so that nobody's answers can be read by comparing two results
(issue 18 H2; sipas.md §9.6). Pure: no ORM, no clock (pass `today` in).

The rule
--------
1. Whole periods and whole groups only. A result is computed over a whole period — a calendar
   month, a quarter, the first 6 or 9 months of a year, a year, or a campaign — that has ENDED
   (a period still running would change by one response from one day to the next), and over
   the whole agency or one whole group of one dimension (a unit, a procedure, a field, a
   channel, a source, a month, a quarter, a profile value). No free dates: `from`/`to` are
   accepted only when they are exactly a calendar period (`exact_period`).
2. Cells. A result is made of count cells, each with its base set of responses: `responses`
   (every response), `item:<code>` (the responses that answered the item: its n, its satisfied
   count and its 1-5 distribution), `element:<code>` (the responses that answered one item of
   the element), `expectation:<code>`. Derived figures follow their cells: an element index is
   hidden when one of its items is, the overall index when one element is (a mean with one term
   hidden would give it back), everything when `responses` is.
3. Small cells. A cell counting 1 to min_cell - 1 responses is hidden.
4. Differencing. Any two results the product can give (its neighbours: containing and
   contained periods, overlapping campaigns, other groups) differ in each cell by nothing or by
   at least min_cell responses: with A and B their base sets in that cell, A = B, or
   |A - B| >= min_cell, or |B - A| >= min_cell (then A - B mixes the few with at least
   min_cell others, as a shown group of min_cell does). When they do not, the cell
   is hidden in the result whose period ends LATER (it becomes available later: a figure
   already shown is never hidden afterwards), then in the smaller result (fewer responses in
   that cell, then the finer period or group, then the key): both results reach the same
   decision about each other, so exactly one of the pair hides it. A result ending earlier that
   hides the cell anyway settles the pair. A figure shown elsewhere as it is (an agency's own
   figures on the province page) never hides: the other one does. A month and the quarter
   around it, a campaign starting two days into a month, a unit and a procedure served almost
   only by it, an item left blank by most: all fall under this one rule.
5. Complementary suppression. In a breakdown the groups add up to the total: the groups where
   a cell is hidden must together hold 0 or at least min_cell responses of it, or the total
   minus the shown groups would give them back. Along the groups of one period (all
   available on the same day) the smallest shown groups are hidden too until they do. Along the
   periods (a quarter is its months, a year its quarters, ...) the whole ends on or after each
   of its parts, so the cell is hidden in the WHOLE instead (`complement_whole`): hiding a part
   would hide a figure that may have been shown since the part ended.

Hiding is never replaced by a rounded or partial number: a hidden cell shows "hidden (fewer
than N responses)". Hiding more is always safe; the functions here hide as little as the rule
allows, deterministically.

Time is one of the neighbours
-----------------------------
The same result read on two days is two results: if its figures changed in between by a few
responses, the two readings give those responses away just as two periods would. That is why
only ended periods are given (rule 1), why every decision about a result depends only on
results that end on or before it does (rules 4 and 5 hide in the later-ending result: what is
shown on one day is shown, with the same figures, on every later day), and why a period is not
given either while the mix pool (surveys.mixing, PendingResponse) still holds a receipt-link
answer dated on or before its end for the agency: that answer is written later, into the ended
period (`Results.has_ended`).
The remaining ways a figure already shown can still change, accepted and documented as residual
risk: a paper form entered, or a file imported, later with a date in an ended period (by the
counter staff and the managers, who hold the forms anyway), and a response invalidated or
restored by the administrator (who sees row-level responses anyway). Both are audited.

On the province page the agencies are a breakdown of the province's total, with the largest
min_cell of the agencies, and the total takes part in the period comparisons as an agency's
total does (rules 3-4). Each agency's own figures are public (portal, its dashboard), so the
agencies hide exactly what they hide on their own: where those hold 1 to min_cell - 1 responses
of a cell, or an agency differs from the total by a few, the TOTAL hides the cell (rule 5
along the agencies hides the whole, as along the periods).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

MIN_CELL = 5  # fewer responses are not shown apart (sipas.md §9.6); a campaign may set a larger one
RESPONSES = "responses"
OVERALL = "overall"
KINDS = ("month", "quarter", "half", "nine", "year", "campaign")
# coarseness used to order two results of equal size (the finer one hides)
COARSENESS = {"month": 0, "campaign": 1, "quarter": 1, "half": 2, "nine": 3, "year": 4}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period that is not whole (or not known); the message is shown to the user."""


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # month 1-12, quarter 1-4, 1 for half, nine and year, the campaign's id
    start: dt.date
    end: dt.date  # inclusive
    name: str = ""  # a campaign's name

    @cached_property
    def key(self) -> str:
        return f"campaign-{self.number}" if self.kind == "campaign" else f"{self.year}-{self.kind}-{self.number}"

    @property
    def label(self) -> str:
        """'tháng 07/2026', 'quý III năm 2026', '6 tháng đầu năm 2026', 'năm 2026', a campaign's name."""
        if self.kind == "campaign":
            return self.name
        return {
            "month": f"tháng {self.number:02d}/{self.year}",
            "quarter": f"quý {ROMAN.get(self.number, self.number)} năm {self.year}",
            "half": f"6 tháng đầu năm {self.year}",
            "nine": f"9 tháng năm {self.year}",
            "year": f"năm {self.year}",
        }[self.kind]

    @property
    def text(self) -> str:
        return f"{self.label} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"

    def has_ended(self, today: dt.date) -> bool:
        return self.end < today

    def months(self) -> list[tuple[int, int]]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append((day.year, day.month))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return out


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period(kind: str, year: int, number: int = 1) -> Period:
    """A calendar period: ('month', 2026, 7), ('quarter', 2026, 3), ('half'|'nine'|'year', 2026)."""
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Năm {year} không hợp lệ.")
    if kind == "month" and 1 <= number <= 12:
        return Period(kind, year, number, dt.date(year, number, 1), _month_end(year, number))
    if kind == "quarter" and 1 <= number <= 4:
        first = 3 * number - 2
        return Period(kind, year, number, dt.date(year, first, 1), _month_end(year, first + 2))
    last = {"half": 6, "nine": 9, "year": 12}.get(kind)
    if last and number == 1:
        return Period(kind, year, 1, dt.date(year, 1, 1), _month_end(year, last))
    raise PeriodError("Kỳ không hợp lệ: chọn tháng (1-12), quý (1-4), 6 tháng, 9 tháng, năm hoặc một đợt khảo sát.")


def campaign_period(pk: int, name: str, start: dt.date, end: dt.date) -> Period:
    return Period("campaign", start.year, pk, start, end, name)


def year_periods(year: int) -> list[Period]:
    """Every calendar period of the year, finest first."""
    return [
        *(period("month", year, m) for m in range(1, 13)),
        *(period("quarter", year, q) for q in range(1, 5)),
        period("half", year),
        period("nine", year),
        period("year", year),
    ]


def exact_period(start: dt.date, end: dt.date) -> Period | None:
    """The calendar period whose dates are exactly start-end, if there is one (API `from`/`to`)."""
    if not 2000 <= start.year <= 2100:
        return None
    return next((p for p in year_periods(start.year) if (p.start, p.end) == (start, end)), None)


def latest_ended(today: dt.date, *, kinds: Sequence[str] = ("quarter",), within: Period | None = None) -> Period | None:
    """The latest calendar period of one of `kinds` that has ended by `today` (inside `within` and
    starting with it, if given: the longest ended part of it); the larger one when two end on the
    same day."""
    found = [
        p
        for year in (today.year, today.year - 1)
        for p in year_periods(year)
        if p.kind in kinds and p.has_ended(today) and (within is None or within.start == p.start <= p.end <= within.end)
    ]
    return max(found, key=lambda p: (p.end, COARSENESS[p.kind]), default=None)


def cells(items: Iterable[str], elements: Mapping[str, Sequence[str]], expectations: Iterable[str]) -> list[str]:
    """The count cells of a result of this questionnaire."""
    return [
        RESPONSES,
        *(f"item:{c}" for c in items),
        *(f"element:{e}" for e in elements),
        *(f"expectation:{c}" for c in expectations),
    ]


@dataclass(frozen=True)
class Neighbour:
    """Another result the same users can obtain, seen from the query: per cell, the responses it
    counts here and not there (`only_here`), there and not here (`only_there`), and there in all
    (`counts`); with its order key. Cells left out of the maps, and neighbours left out, must
    differ by nothing or by at least min_cell, or be hidden in a neighbour that ends earlier
    (its decisions never depend on this result): they cannot make anything hidden."""

    key: tuple[str, ...]
    coarseness: int
    counts: Mapping[str, int]
    only_here: Mapping[str, int]
    only_there: Mapping[str, int]
    end: dt.date = dt.date.min  # the last day of its period
    shown: bool = False  # shown elsewhere whatever this result shows (an agency's own figures)


@dataclass(frozen=True)
class Query:
    key: tuple[str, ...]
    coarseness: int
    counts: Mapping[str, int]  # cell -> responses in its base
    neighbours: Sequence[Neighbour] = field(default_factory=tuple)
    end: dt.date = dt.date.min  # the last day of its period


def is_shown(n: int, min_cell: int) -> bool:
    """Rule 3, the one small-cell test of SIPAS: a count of 0 or at least min_cell responses may be
    shown; 1 to min_cell - 1 may not (nor anything derived from it). Every figure the product
    gives (dashboard, breakdowns, sample plan, API, portal, reports, the PAR metric) is decided
    through this function, by `hidden_cells`, `complement`, `complement_whole` and
    surveys.results / surveys.sampling."""
    return not 0 < n < min_cell


def cascade(hidden: set[str], elements: Mapping[str, Sequence[str]]) -> set[str]:
    """Derived figures follow their cells (rule 2)."""
    out = set(hidden)
    if RESPONSES in out:
        out |= {OVERALL, *(f"element:{e}" for e in elements), *(f"item:{c}" for i in elements.values() for c in i)}
    for code, items in elements.items():
        if any(f"item:{c}" in out for c in items):
            out.add(f"element:{code}")
        if f"element:{code}" in out:
            out.add(OVERALL)
    return out


def hidden_cells(query: Query, elements: Mapping[str, Sequence[str]], min_cell: int) -> set[str]:
    """The cells of one result to hide by rules 2-4 (small cells, differencing with its neighbours)."""
    hidden = {cell for cell, n in query.counts.items() if not is_shown(n, min_cell)}
    later = -query.end.toordinal()
    mine = query.coarseness, query.key
    for other in query.neighbours:
        theirs = other.coarseness, other.key
        for cell, n in query.counts.items():
            here, there = other.only_here.get(cell, 0), other.only_there.get(cell, 0)
            if not (here or there) or here >= min_cell or there >= min_cell:
                continue
            # a figure shown elsewhere never hides: this one does; else the later-ending one
            # hides, then the smaller one
            if other.shown or (later, n, *mine) < (-other.end.toordinal(), other.counts.get(cell, 0), *theirs):
                hidden.add(cell)
    return cascade(hidden, elements)


def complement(
    total_hidden: set[str],
    groups: Mapping[str, tuple[Mapping[str, int], set[str]]],
    elements: Mapping[str, Sequence[str]],
    min_cell: int,
) -> dict[str, set[str]]:
    """Rule 5 over a breakdown: groups = label -> (cell counts, cells already hidden); returns the
    cells to hide per group, so that for each cell shown in the total the groups hiding it hold 0
    or at least min_cell responses of it."""
    out = {label: set(hidden) for label, (_counts, hidden) in groups.items()}
    changed = True
    while changed:
        changed = False
        all_cells = {cell for counts, _h in groups.values() for cell in counts}
        for cell in sorted(all_cells):
            if cell in total_hidden:
                continue
            held = sum(groups[label][0].get(cell, 0) for label, hidden in out.items() if cell in hidden)
            shown = sorted(
                (groups[label][0].get(cell, 0), label)
                for label, hidden in out.items()
                if cell not in hidden and groups[label][0].get(cell, 0) > 0
            )
            while not is_shown(held, min_cell) and shown:
                n, label = shown.pop(0)
                out[label].add(cell)
                held += n
                changed = True
        for label in out:
            grown = cascade(out[label], elements)
            if grown != out[label]:
                out[label], changed = grown, True
    return out


def complement_whole(
    whole_hidden: set[str],
    parts: Mapping[str, tuple[Mapping[str, int], set[str]]],
    elements: Mapping[str, Sequence[str]],
    min_cell: int,
) -> set[str]:
    """Rule 5 along the periods: parts = label -> (cell counts, cells hidden) of the parts of a
    whole period that ends on or after each of them; returns the cells hidden in the whole: for
    each cell the hidden parts hold 1 to min_cell - 1 responses of, the whole hides it (and the
    parts, maybe shown already, are left as they are)."""
    out = set(whole_hidden)
    for cell in sorted({cell for counts, _h in parts.values() for cell in counts}):
        if cell in out:
            continue
        held = sum(counts.get(cell, 0) for counts, hidden in parts.values() if cell in hidden)
        if not is_shown(held, min_cell):
            out.add(cell)
    return cascade(out, elements)
