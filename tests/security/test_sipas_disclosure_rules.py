"""The SIPAS disclosure rule over generated years of responses (issue 18 H2), without the
database: the property tests enumerate every result the product can give (every ended whole period
x the whole agency and every group of every dimension; the same set for every member role, the
portal's figures being a part of it) and check every pair, cell by cell, against the rule of
surveys.disclosure. The hypothesis runs are marked slow (make test-all); the hand-made cases
beside them run in make test. The attacks through the pages and the API are in
test_sipas_disclosure.py."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sipas_rows import CAMPAIGN, FORM, ITEMS, PROCEDURES, TODAY, UNITS, rows_of

from surveys import disclosure, selectors
from surveys.models import Channel, Source
from surveys.results import NO_VALUE, Results

# --- the property: every pair of results, every cell --------------------------------------------

CHANNELS = ("online", "direct")

answer = st.one_of(st.none(), st.integers(1, 5))
response = st.tuples(
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from(UNITS),
    st.sampled_from(PROCEDURES),
    st.sampled_from(CHANNELS),
    st.booleans(),  # in the campaign (when its dates allow)
    st.lists(answer, min_size=len(ITEMS), max_size=len(ITEMS)),
    st.sampled_from([1, 2, 3, None]),  # e1
)

# hand-made years, beside the generated ones
THREE_UNITS = [  # 10, 10 and 2 responses in one month (complementary suppression needed)
    (dt.date(2026, 5, 4), unit, PROCEDURES[0], "online", False, [4] * len(ITEMS), 2)
    for unit, n in (("Phòng A", 10), ("Phòng B", 10), ("Phòng C", 2))
    for _i in range(n)
]
UNIT_SERVING_A_PROCEDURE = [  # a unit inside a procedure that it serves almost alone (rule 4 across dimensions)
    (dt.date(2026, 2, 4), unit, procedure, "online", False, [4] * len(ITEMS), 2)
    for unit, procedure, n in (
        ("Phòng A", PROCEDURES[0], 10),
        ("Phòng B", PROCEDURES[0], 3),
        ("Phòng C", PROCEDURES[1], 8),
    )
    for _i in range(n)
]


def base_sets(rows, results):
    """Per cell, the responses it counts: computed here from the rows, not by the code under test."""
    q = FORM.questionnaire
    out = {cell: 0 for cell in results.cells}
    for i, row in enumerate(rows):
        bit, a = 1 << i, row[0]
        out[disclosure.RESPONSES] |= bit
        for code in q.items:
            out[f"item:{code}"] |= bit if a.get(code) is not None else 0
        for element in q.elements:
            out[f"element:{element.code}"] |= bit if any(a.get(c) is not None for c in element.items) else 0
        for code in q.expectations:
            out[f"expectation:{code}"] |= bit if a.get(code) is not None else 0
    return out


def members(rows, p, group):
    channels, sources = dict(Channel.choices), dict(Source.choices)
    bits = 0
    for i, (_a, unit, code, name, field, channel, source, day, _p, campaign) in enumerate(rows):
        in_period = campaign == p.number if p.kind == "campaign" else p.start <= day <= p.end
        labels = {
            "": "",
            "unit": unit,
            "procedure": f"{code} {name}",
            "field": field,
            "channel": str(channels[channel]),
            "source": str(sources[source]),
        }
        if in_period and labels.get(group[0], NO_VALUE) == group[1]:
            bits |= 1 << i
    return bits


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(response, min_size=5, max_size=60))
@example(THREE_UNITS)
def test_every_pair_of_results_differs_by_nothing_or_by_min_cell_in_every_cell(fixture):
    rows = rows_of(fixture)
    results = Results(rows, FORM, campaigns=[CAMPAIGN], today=TODAY, min_cell=5)
    k = results.min_cell
    base = base_sets(rows, results)
    dims = list(results.labels)  # unit, procedure, field, channel, source, profile values
    groups = [("", "")] + [(d, label) for d in dims for label in results.labels[d]]
    given_results = []
    for p in results.periods:  # every ended whole period, campaigns included
        for group in groups:
            r = results.result(p, group)
            if group[0] and group[1] not in results.labels[group[0]]:
                continue
            given_results.append((members(rows, p, group), r))
    # every shown cell: 0 or >= min_cell responses, derived figures follow their cells
    for bits, r in given_results:
        for cell in results.cells:
            if cell not in r.hidden:
                assert (bits & base[cell]).bit_count() == 0 or (bits & base[cell]).bit_count() >= k
        for element, items in results.elements.items():
            if any(f"item:{c}" in r.hidden for c in items):
                assert f"element:{element}" in r.hidden and disclosure.OVERALL in r.hidden
    # every pair, every cell: equal, or one side has >= min_cell more, or hidden in one of them
    for (bits_a, a), (bits_b, b) in itertools.combinations(given_results, 2):
        if bits_a == bits_b:
            assert a.index.as_data() == b.index.as_data()
            continue
        for cell in results.cells:
            if cell in a.hidden or cell in b.hidden:
                continue
            here, there = (bits_a & ~bits_b) & base[cell], (bits_b & ~bits_a) & base[cell]
            assert not (here or there) or here.bit_count() >= k or there.bit_count() >= k, (
                f"{a.period.key} {a.group} vs {b.period.key} {b.group}: {cell} differs by few"
            )
    # complementary suppression: a whole minus its shown parts never isolates fewer than min_cell
    by_key = {(r.period.key, r.group): (bits, r) for bits, r in given_results}
    for p in results.periods:
        whole = by_key[(p.key, ("", ""))][1]
        for d in dims:
            parts = [by_key[(p.key, (d, label))] for label in results.labels[d] if (p.key, (d, label)) in by_key]
            for cell in results.cells:
                if cell in whole.hidden:
                    continue
                held = sum((bits & base[cell]).bit_count() for bits, r in parts if cell in r.hidden)
                assert held == 0 or held >= k, f"{p.key} by {d}: {cell} hidden groups hold {held}"
    for year in (2026,):
        for whole_p, parts_p in results._partitions(year):
            for group in groups:
                if (whole_p.key, group) not in by_key:
                    continue
                whole = by_key[(whole_p.key, group)][1]
                parts = [by_key[(x.key, group)] for x in parts_p if (x.key, group) in by_key]
                for cell in results.cells:
                    if cell in whole.hidden:
                        continue
                    held = sum((bits & base[cell]).bit_count() for bits, r in parts if cell in r.hidden)
                    assert held == 0 or held >= k, f"{whole_p.key} {group}: {cell} hidden parts hold {held}"


def test_report_windows_become_whole_periods():
    """A report's data window (15/12 - 14/03) is no whole period: SIPAS is given over the report's
    calendar period once ended, else over the longest ended whole period it starts with."""
    assert selectors.published_period("quarter", 2026, 1, dt.date(2026, 4, 20)) == disclosure.period("quarter", 2026, 1)
    assert selectors.published_period("quarter", 2026, 1, dt.date(2026, 3, 20)) == disclosure.period("month", 2026, 1)
    assert selectors.published_period("year", 2026, 1, dt.date(2026, 11, 28)) == disclosure.period("nine", 2026)
    assert selectors.published_period("quarter", 2026, 1, dt.date(2026, 1, 20)) is None


def test_periods_are_whole_and_from_to_must_match_one():
    assert disclosure.exact_period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == disclosure.period("quarter", 2026, 3)
    assert disclosure.exact_period(dt.date(2026, 1, 1), dt.date(2026, 9, 30)).kind == "nine"
    assert disclosure.exact_period(dt.date(2026, 7, 1), dt.date(2026, 8, 17)) is None
    with pytest.raises(disclosure.PeriodError):
        disclosure.period("month", 2026, 13)
    assert not disclosure.period("month", 2026, 12).has_ended(dt.date(2026, 12, 31))


def test_three_units_the_total_minus_two_shown_units_does_not_give_the_third():
    """Complementary suppression: A 10, B 10, C 2 responses; C is hidden, and so must be another
    unit, or total - A - B = C."""
    results = Results(rows_of(THREE_UNITS), FORM, campaigns=[], today=TODAY, min_cell=5)
    total = results.result(disclosure.period("quarter", 2026, 2))
    groups = {r.label: r for r in results.breakdown(disclosure.period("quarter", 2026, 2), "unit")}
    assert not total.suppressed and total.n == 22
    assert groups["Phòng C"].suppressed
    held = sum(r.index.responses for r in groups.values() if r.suppressed)
    assert held >= 5


# --- issue 18 review: the optimised algorithm against the straightforward one -------------------


def reference_pairwise(results, population, p, group):
    """Rules 2-4 for one result, the straightforward way: every period x every group, each
    cell's difference counted in full (the algorithm before the review's optimisation)."""
    memo = results.__dict__.setdefault("_reference_pairwise", {})
    if (population, p.key, group) not in memo:
        memo[(population, p.key, group)] = _reference_pairwise(results, population, p, group)
    return memo[(population, p.key, group)]


def _reference_pairwise(results, population, p, group):
    k, a = results.min_cell, results.bits(population, p, group)
    neighbours = []
    for other_p in results.periods:
        if not results.period_bits(other_p) & a:
            continue  # results that share no response with this one are not compared
        for other_g in results.groups():
            if other_g[0] and not results.labels[other_g[0]][other_g[1]] & a:
                continue
            b = results.bits(population, other_p, other_g)
            if b == a:
                continue
            here, there = a & ~b, b & ~a
            few = [
                c
                for c in results.cells
                if (here | there) & results.base[c]
                and (here & results.base[c]).bit_count() < k
                and (there & results.base[c]).bit_count() < k
            ]
            if few and other_p.end < p.end:  # the earlier result hides it already: no conflict
                earlier = reference_pairwise(results, population, other_p, other_g)
                few = [c for c in few if c not in earlier]
            if few:
                neighbours.append(
                    disclosure.Neighbour(
                        (other_p.key, *other_g),
                        results._coarseness(other_p, other_g),
                        {c: (b & results.base[c]).bit_count() for c in few},
                        {c: (here & results.base[c]).bit_count() for c in few},
                        {c: (there & results.base[c]).bit_count() for c in few},
                        other_p.end,
                    )
                )
    counts = {c: (a & base).bit_count() for c, base in results.base.items()}
    query = disclosure.Query((p.key, *group), results._coarseness(p, group), counts, neighbours, p.end)
    return disclosure.hidden_cells(query, results.elements, k)


def reference_table(results, population, dimension, year, memo):
    """Rule 5 the straightforward way: every family worked out again on every pass."""
    if (dimension, year) in memo:
        return memo[(dimension, year)]
    if year is None:
        periods, partitions = [p for p in results.periods if p.kind == "campaign"], []
    else:
        periods = [p for p in results.periods if p.kind != "campaign" and p.year == year]
        ended = {p.key for p in periods}
        partitions = [
            (whole, parts)
            for whole, parts in results._partitions(year)
            if whole.key in ended and all(x.key in ended for x in parts)
        ]
    if dimension:
        totals = reference_table(results, population, "", year, memo)
        groups = [(dimension, label) for label in results.labels.get(dimension, {})]
    else:
        totals, groups = {}, [("", "")]
    hidden = {(p.key, g): set(reference_pairwise(results, population, p, g)) for p in periods for g in groups}
    changed = True
    while changed:
        changed = False
        families = [({x.key: (x, g) for x in parts}, (whole.key, g)) for g in groups for whole, parts in partitions]
        if dimension:
            families += [({g: (p, g) for g in groups}, p) for p in periods]
        for members, whole in families:
            counted = {
                label: (results.counts(results.bits(population, p, g)), hidden[(p.key, g)])
                for label, (p, g) in members.items()
                if (p.key, g) in hidden
            }
            if not counted:
                continue
            if isinstance(whole, tuple):  # along the periods: the whole hides
                cells = disclosure.complement_whole(hidden[whole], counted, results.elements, results.min_cell)
                if cells != hidden[whole]:
                    hidden[whole] = cells
                    changed = True
                continue
            total_hidden = totals[(whole.key, ("", ""))]
            done = disclosure.complement(set(total_hidden), counted, results.elements, results.min_cell)
            for label, cells in done.items():
                p, g = members[label]
                if cells != hidden[(p.key, g)]:
                    hidden[(p.key, g)] = cells
                    changed = True
    memo[(dimension, year)] = hidden
    return hidden


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(response, min_size=5, max_size=50))
@example(THREE_UNITS)
@example(UNIT_SERVING_A_PROCEDURE)
def test_the_optimised_rule_hides_what_the_straightforward_one_hides(fixture):
    """The bounds, the kept counts and the families skipped in Results change no decision."""
    rows = rows_of(fixture)
    fast = Results(rows, FORM, campaigns=[CAMPAIGN], today=TODAY, min_cell=5)
    groups = fast.groups()
    for p in fast.periods:
        for group in groups:
            assert fast.pairwise("main", p, group) == reference_pairwise(fast, "main", p, group), (p.key, group)
    memo: dict = {}
    for p in fast.periods:
        year = None if p.kind == "campaign" else p.year
        for group in groups:
            expected = reference_table(fast, "main", group[0], year, memo).get((p.key, group))
            if expected is not None:
                assert set(fast.result(p, group).hidden) == expected, (p.key, group)


@pytest.mark.parametrize("fixture", [THREE_UNITS, UNIT_SERVING_A_PROCEDURE], ids=["three-units", "unit-in-a-procedure"])
def test_the_optimised_rule_on_the_hand_made_years(fixture):
    """make test's share of the property above: its hand-made examples, without the generated years."""
    test_the_optimised_rule_hides_what_the_straightforward_one_hides.hypothesis.inner_test(fixture)


# --- issue 18 review (second pass): decisions are monotone in time ---------------------------------


def test_a_figure_shown_is_not_hidden_when_a_larger_period_around_it_ends():
    """July 2 responses, August 20, September 20. On 15/09 August is shown (20). On 05/10 the
    quarter (42) and September (20) may be read: August must stay shown (it was read already),
    so the quarter hides, or 42 - 20 - 20 gives July's two answer sheets."""
    values = [1] * len(ITEMS)
    fixture = [
        (day, "Phòng A", PROCEDURES[0], "online", False, values, 2)
        for day, n in ((dt.date(2026, 7, 3), 2), (dt.date(2026, 8, 4), 20), (dt.date(2026, 9, 4), 20))
        for _i in range(n)
    ]
    rows = rows_of(fixture)
    july, august, september = (disclosure.period("month", 2026, m) for m in (7, 8, 9))
    quarter = disclosure.period("quarter", 2026, 3)
    early = Results([r for r in rows if r[7] < dt.date(2026, 9, 15)], FORM, campaigns=[], today=dt.date(2026, 9, 15))
    assert early.result(august).n == 20 and early.result(july).suppressed
    late = Results(rows, FORM, campaigns=[], today=dt.date(2026, 10, 5))
    assert late.result(august).n == 20 and late.result(september).n == 20 and late.result(july).suppressed
    assert late.result(quarter).suppressed


def _given(results, rows):
    """(period key, group) -> (member bits over rows, result) of every result given that day."""
    out = {}
    for p in results.periods:
        for group in [("", "")] + [(d, label) for d in results.labels for label in results.labels[d]]:
            out[(p.key, group)] = (members(rows, p, group), results.result(p, group))
    return out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(response, min_size=5, max_size=50), st.integers(2, 12), st.integers(1, 7))
@example(
    [
        (day, "Phòng A", PROCEDURES[0], "online", False, [1] * len(ITEMS), 2)
        for day, n in ((dt.date(2026, 7, 3), 2), (dt.date(2026, 8, 4), 20), (dt.date(2026, 9, 4), 20))
        for _i in range(n)
    ],
    9,
    1,
)
def test_what_is_shown_on_one_day_stays_shown_and_two_days_together_give_nothing(fixture, month, later):
    """For two days d1 < d2 (no response added in between for the ended periods): every cell
    shown on d1 is shown with the same figures on d2, and over the results read on either day
    (a cell counts as hidden only when it is hidden on every day its result is given) every
    pair differs by 0 or >= min_cell in each cell, and no whole minus its shown parts (periods
    or groups) isolates 1 to min_cell - 1 responses."""
    rows = rows_of(fixture)
    d1 = dt.date(2026, month, 15)
    d2 = dt.date(2026 + (month + later - 1) // 12, (month + later - 1) % 12 + 1, 15)
    first = Results([r for r in rows if r[7] < d1], FORM, campaigns=[CAMPAIGN], today=d1, min_cell=5)
    second = Results(rows, FORM, campaigns=[CAMPAIGN], today=d2, min_cell=5)
    one, two = _given(first, rows), _given(second, rows)
    for key, (bits, r1) in one.items():
        if not bits:
            continue
        assert key in two, key
        r2 = two[key][1]
        assert r2.hidden <= r1.hidden, f"{key}: {sorted(r2.hidden - r1.hidden)} shown on {d1}, hidden on {d2}"
        assert r1.index.as_data() == r2.index.as_data()
    k = second.min_cell
    base = base_sets(rows, second)
    union = {key: (bits, set(r.hidden)) for key, (bits, r) in two.items()}
    for key, (bits, r) in one.items():
        if key in union:
            union[key] = (bits, union[key][1] & set(r.hidden))
    shown = [(key, bits, hidden) for key, (bits, hidden) in union.items() if bits]
    for (ka, bits_a, hidden_a), (kb, bits_b, hidden_b) in itertools.combinations(shown, 2):
        if bits_a == bits_b:
            continue
        for cell in second.cells:
            if cell in hidden_a or cell in hidden_b:
                continue
            here, there = (bits_a & ~bits_b) & base[cell], (bits_b & ~bits_a) & base[cell]
            assert not (here or there) or here.bit_count() >= k or there.bit_count() >= k, (
                f"{ka} vs {kb}: {cell} differs by few across {d1} and {d2}"
            )
    families = []
    for (p_key, group), (_bits, _hidden) in union.items():
        if not group[0]:
            parts = [key for key in union if key[0] == p_key and key[1][0]]
            for d in second.labels:
                families.append(((p_key, group), [key for key in parts if key[1][0] == d]))
    for year in (2026, 2027):
        for whole_p, parts_p in second._partitions(year):
            for group in {key[1] for key in union}:
                if (whole_p.key, group) in union:
                    families.append(
                        ((whole_p.key, group), [(x.key, group) for x in parts_p if (x.key, group) in union])
                    )
    for whole, parts in families:
        for cell in second.cells:
            if cell in union[whole][1]:
                continue
            held = sum((union[x][0] & base[cell]).bit_count() for x in parts if cell in union[x][1])
            assert held == 0 or held >= k, f"{whole} across {d1} and {d2}: {cell} hidden parts hold {held}"


def _agency_rows(n, day=dt.date(2026, 5, 4), value=4):
    return rows_of([(day, "Phòng A", PROCEDURES[0], "online", False, [value] * len(ITEMS), 2)] * n)


def test_the_province_hides_its_total_not_an_agency_shown_on_the_portal():
    """Agencies of 50, 50 and 1 responses: the two of 50 are public (portal, their dashboards);
    hiding one of them on the province page would not hide it, and 101 - 50 - 50 gives the third
    agency's respondent: the province's total is hidden instead, the agencies as on their own."""
    parts = [
        (key, Results(rows, FORM, campaigns=[], today=TODAY))
        for key, rows in (("1", _agency_rows(50)), ("2", _agency_rows(50, value=5)), ("3", _agency_rows(1, value=1)))
    ]
    quarter = disclosure.period("quarter", 2026, 2)
    total, groups = selectors.province_results(parts, FORM, quarter, today=TODAY, names={"1": "A", "2": "B", "3": "C"})
    by_name = {g.label: g for g in groups}
    assert by_name["A"].n == 50 and by_name["B"].n == 50 and by_name["C"].suppressed
    for (key, own), name in zip(parts, "ABC", strict=True):
        assert by_name[name].hidden == own.result(quarter).hidden, key  # as on its own dashboard
    assert total.suppressed
    # and the months and periods around: every total shown holds what its shown agencies leave
    together = selectors.pooled(parts, FORM, today=TODAY)
    for p in together.periods:
        whole = together.result(p)
        for cell in together.cells:
            if cell in whole.hidden:
                continue
            held = sum(
                together._cell_counts("main", p, ("agency", key)).counts.get(cell, 0)
                for key, _r in parts
                if cell in together.result(p, ("agency", key)).hidden
            )
            assert held == 0 or held >= 5, (p.key, cell, held)


def test_two_agencies_with_the_same_name_are_two_groups_on_the_province_page():
    parts = [
        (key, Results(rows, FORM, campaigns=[], today=TODAY))
        for key, rows in (("1", _agency_rows(20)), ("2", _agency_rows(30)))
    ]
    quarter = disclosure.period("quarter", 2026, 2)
    total, groups = selectors.province_results(parts, FORM, quarter, today=TODAY, names={"1": "Xã An", "2": "Xã An"})
    assert sorted(g.n for g in groups) == [20, 30] and [g.label for g in groups] == ["Xã An", "Xã An"]
    assert total.n == 50
