"""SIPAS answers must not be rebuilt by differencing two results (issue 18 H2).

The probe's attack: two index queries whose ranges differ by one day give one respondent's exact
answers. The property test enumerates every result the product can give over a generated year of
responses (every ended whole period x the whole agency and every group of every dimension; the
same set for every member role, the portal's figures being a part of it) and checks every pair,
cell by cell, against the rule of surveys.disclosure."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from surveys import disclosure, selectors
from surveys.models import Campaign, Channel, Response, Source

FORM = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
ITEMS = list(FORM.questionnaire.items)
API = "/api/v1/sipas/index"


def answers(value, **overrides):
    data = dict.fromkeys(ITEMS, value)
    data.update(overrides)
    return data


def make(org, value, day, *, unit=None, **overrides):
    return Response.objects.create(
        agency=org.agency,
        unit=unit,
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        answered_on=day,
        answers=answers(value, **overrides),
    )


def leaked(one, other) -> dict | None:
    """The answers of the responses that are in `one` and not in `other`, when two results give
    them (two full distributions differing by fewer than 5 responses)."""
    if one.status_code != 200 or other.status_code != 200:
        return None
    a, b = one.json(), other.json()
    if a.get("suppressed") or b.get("suppressed") or not a.get("responses") or not b.get("responses"):
        return None
    if not 0 < a["responses"] - b["responses"] < selectors.MIN_CELL:
        return None
    out = {}
    for code, item in a["items"].items():
        if item.get("hidden") or b["items"][code].get("hidden"):
            continue
        diff = {v: n - b["items"][code]["distribution"][v] for v, n in item["distribution"].items()}
        out[code] = [v for v, n in diff.items() if n]
    return out or None


def test_two_ranges_one_day_apart_do_not_give_one_answer_sheet(client, org):
    """The probe's request pair: from=07-01&to=08-17 and to=08-16, officer of the agency."""
    for n in range(40):
        make(org, 4 if n % 3 else 5, dt.date(2026, 7, 1) + dt.timedelta(days=n), unit=org.unit_a)
    make(org, 1, dt.date(2026, 8, 17), unit=org.unit_a, q16=2, q31=None)  # the person to protect
    client.force_login(org.officer)
    query = {"agency": org.agency.code, "from": "2026-07-01"}
    wide = client.get(API, {**query, "to": "2026-08-17"})
    narrow = client.get(API, {**query, "to": "2026-08-16"})
    assert leaked(wide, narrow) is None
    assert (
        leaked(
            client.get(API, {**query, "to": "2026-08-17", "unit": "QLDN"}),
            client.get(API, {**query, "to": "2026-08-16", "unit": "QLDN"}),
        )
        is None
    )
    # dates that are not a whole period are refused with a clear message
    assert narrow.status_code == 422 and "kỳ trọn vẹn" in narrow.json()["detail"]


def test_the_dashboard_has_no_day_level_dates(client, org):
    for n in range(40):
        make(org, 4, dt.date(2026, 7, 1) + dt.timedelta(days=n))
    make(org, 1, dt.date(2026, 8, 17))
    client.force_login(org.leader)
    url = reverse("surveys:dashboard")
    common = {"campaign": "all", "from": "2026-07-01", "format": "json"}
    wide = client.get(url, {**common, "to": "2026-08-17"}).json()
    narrow = client.get(url, {**common, "to": "2026-08-16"}).json()
    assert wide == narrow  # free dates are not a selection: both are the same whole period


def test_a_month_and_its_quarter_do_not_give_the_third_month(client, org):
    """Quarter minus two months = the third month: the month with 2 responses is hidden, and so
    is the quarter (it ends last: July and August may have been read already, they stay shown),
    so that the quarter minus the shown months gives nothing."""
    for day in (dt.date(2026, 7, 3), dt.date(2026, 8, 3)):
        for _n in range(8):
            make(org, 4, day)
    make(org, 1, dt.date(2026, 9, 3))
    make(org, 2, dt.date(2026, 9, 4))
    client.force_login(org.officer)
    get = lambda **p: client.get(API, {"agency": org.agency.code, "year": 2026, **p}).json()  # noqa: E731
    quarter = get(period="quarter", number=3)
    months = [get(period="month", number=m) for m in (7, 8, 9)]
    assert months[2]["suppressed"] and months[0]["responses"] == months[1]["responses"] == 8
    shown = [m for m in months if not m["suppressed"]]
    assert quarter["suppressed"] or sum(m["responses"] for m in shown) <= 18 - selectors.MIN_CELL
    assert quarter["suppressed"]


def test_unit_breakdown_minus_the_total_does_not_give_a_unit(client, org):
    for _n in range(9):
        make(org, 4, dt.date(2026, 7, 3), unit=org.unit_a)
    for _n in range(2):
        make(org, 1, dt.date(2026, 7, 3), unit=org.unit_b)
    client.force_login(org.officer)
    base = {"agency": org.agency.code, "year": 2026, "period": "quarter", "number": 3}
    total = client.get(API, base).json()
    a = client.get(API, {**base, "unit": "QLDN"}).json()
    b = client.get(API, {**base, "unit": "KHTH"}).json()
    assert b["suppressed"] and (a["suppressed"] or total["suppressed"])


def test_row_level_responses_are_for_the_administrator_with_the_month_only(client, org):
    make(org, 4, dt.date(2026, 7, 3))
    for user in (org.leader, org.office, org.officer, org.auditor):
        client.force_login(user)
        assert client.get(reverse("surveys:export"), {"campaign": "all"}).status_code == 403
        assert client.get(reverse("surveys:responses")).status_code == 403
    client.force_login(org.admin)
    rows = client.get(reverse("surveys:export")).content.decode("utf-8-sig").splitlines()
    assert rows[0].endswith(",month") and rows[1].endswith(",07/2026") and "2026-07-03" not in rows[1]
    page = client.get(reverse("surveys:responses")).content.decode()
    assert "07/2026" in page and "03/07/2026" not in page
    assert Response.objects.get().answered_on == dt.date(2026, 7, 3)  # stored unchanged


# --- the property: every pair of results, every cell --------------------------------------------

UNITS = ("Phòng A", "Phòng B", "Phòng C")
PROCEDURES = (("1.001", "Cấp phép", "Đầu tư"), ("2.002", "Đăng ký", "Lao động"))
CHANNELS = ("online", "direct")
TODAY = dt.date(2027, 2, 1)
CAMPAIGN = disclosure.campaign_period(7, "Đợt 1", dt.date(2026, 3, 10), dt.date(2026, 8, 20))

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


def rows_of(fixture):
    rows = []
    for day, unit, (code, name, field), channel, in_campaign, values, e1 in fixture:
        answers = {code_: v for code_, v in zip(ITEMS, values, strict=True)} | {"e1": e1}
        campaign = CAMPAIGN.number if in_campaign and CAMPAIGN.start <= day <= CAMPAIGN.end else None
        rows.append((answers, unit, code, name, field, channel, "receipt", day, {}, campaign))
    return rows


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
        if in_period and labels.get(group[0], selectors.NO_VALUE) == group[1]:
            bits |= 1 << i
    return bits


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(response, min_size=5, max_size=60))
@example(  # three units: 10, 10 and 2 responses in one month (complementary suppression needed)
    [
        (dt.date(2026, 5, 4), unit, PROCEDURES[0], "online", False, [4] * len(ITEMS), 2)
        for unit, n in (("Phòng A", 10), ("Phòng B", 10), ("Phòng C", 2))
        for _i in range(n)
    ]
)
def test_every_pair_of_results_differs_by_nothing_or_by_min_cell_in_every_cell(fixture):
    rows = rows_of(fixture)
    results = selectors.Results(rows, FORM, campaigns=[CAMPAIGN], today=TODAY, min_cell=5)
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


def test_a_campaign_two_days_off_a_month_does_not_give_those_days(client, org):
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 7, 3), ends_on=dt.date(2026, 7, 31)
    )
    for n in range(12):
        Response.objects.filter(pk=make(org, 4, dt.date(2026, 7, 3 + n)).pk).update(campaign=campaign)
    make(org, 1, dt.date(2026, 7, 1))  # before the campaign: month minus campaign = this person
    client.force_login(org.officer)
    get = lambda **p: client.get(API, {"agency": org.agency.code, **p}).json()  # noqa: E731
    month = get(year=2026, period="month", number=7)
    by_campaign = get(campaign=campaign.pk)
    assert month["suppressed"] or by_campaign["suppressed"]


def test_three_units_the_total_minus_two_shown_units_does_not_give_the_third():
    """Complementary suppression: A 10, B 10, C 2 responses; C is hidden, and so must be another
    unit, or total - A - B = C."""
    values = [4] * len(ITEMS)
    fixture = [
        (dt.date(2026, 5, 4), unit, PROCEDURES[0], "online", False, values, 2)
        for unit, n in (("Phòng A", 10), ("Phòng B", 10), ("Phòng C", 2))
        for _i in range(n)
    ]
    results = selectors.Results(rows_of(fixture), FORM, campaigns=[], today=TODAY, min_cell=5)
    total = results.result(disclosure.period("quarter", 2026, 2))
    groups = {r.label: r for r in results.breakdown(disclosure.period("quarter", 2026, 2), "unit")}
    assert not total.suppressed and total.n == 22
    assert groups["Phòng C"].suppressed
    held = sum(r.index.responses for r in groups.values() if r.suppressed)
    assert held >= 5


# --- issue 18 review: the province page, the mix pool, the optimised algorithm, the plan ---------


def _third_agency(org):
    from core.models import Agency

    found, _created = Agency.objects.get_or_create(
        code="SXD", defaults={"province_id": org.agency.province_id, "name": "Sở Xây dựng"}
    )
    return found


def _answer(agency, value, day):
    return Response.objects.create(
        agency=agency,
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        answered_on=day,
        answers=answers(value),
    )


def _province(client, **query):
    page = client.get(reverse("surveys:province"), query)
    assert page.status_code == 200
    return page.context


def test_the_province_total_minus_the_shown_agencies_does_not_give_a_hidden_one(client, org):
    """A 3, B 50, C 50 responses: A is hidden; the total (103) minus B and C must not give A's 3."""
    small = _third_agency(org)
    for agency, n in ((small, 3), (org.agency, 50), (org.other, 50)):
        for i in range(n):
            _answer(agency, 1 if agency == small else 4 + i % 2, dt.date(2026, 5, 4))
    client.force_login(org.appraiser)
    page = _province(client, year=2026, period="quarter", number=2)
    groups = {g.label: g for g in page["groups"]}
    assert groups[small.name].suppressed
    if not page["suppressed"]:
        held = page["index"].responses - sum(g.index.responses for g in groups.values() if not g.suppressed)
        assert held == 0 or held >= selectors.MIN_CELL, f"the total minus the shown agencies gives {held}"
    # every cell: the agencies hiding a cell the total shows hold 0 or at least min_cell of it
    total = page["total"]
    for cell in selectors.cell_counts(total.index):
        if cell in total.hidden:
            continue
        held = sum(selectors.cell_counts(g.index).get(cell, 0) for g in groups.values() if cell in g.hidden)
        assert held == 0 or held >= selectors.MIN_CELL, (cell, held)


def test_the_province_quarter_minus_its_shown_months_does_not_give_the_third(client, org):
    """Pooled over the agencies, January 10, February 10, March 2: the province's quarter minus
    January and February would give March's two answers."""
    third = _third_agency(org)
    for agency, day, n in (
        (org.agency, dt.date(2026, 1, 5), 10),
        (org.other, dt.date(2026, 2, 5), 10),
        (third, dt.date(2026, 3, 5), 2),
    ):
        for _i in range(n):
            _answer(agency, 4 if n == 10 else 1, day)
    client.force_login(org.appraiser)
    quarter = _province(client, year=2026, period="quarter", number=1)
    months = [_province(client, year=2026, period="month", number=m) for m in (1, 2, 3)]
    assert quarter["index"].responses == 22
    if not quarter["suppressed"]:
        shown = sum(m["index"].responses for m in months if not m["suppressed"])
        assert shown <= 22 - selectors.MIN_CELL, f"the quarter minus the shown months gives {22 - shown}"


def test_a_period_with_answers_waiting_in_the_mix_pool_is_not_given(client, org):
    """An answer dated in an ended quarter but still in the pool would change the quarter's
    figures when the pool is written: the quarter is not given until it is."""
    from surveys.models import PendingResponse

    for i in range(12):
        make(org, 4 + i % 2, dt.date(2026, 8, 3))
    client.force_login(org.officer)
    query = {"agency": org.agency.code, "year": 2026, "period": "quarter", "number": 3}
    assert client.get(API, query).json()["responses"] == 12
    pending = PendingResponse.objects.create(
        claim="c" * 64,
        agency=org.agency,
        channel="online",
        questionnaire=FORM.code,
        answered_on=dt.date(2026, 9, 30),
        answers=answers(1),
    )
    waiting = client.get(API, query).json()
    assert waiting["suppressed"] and waiting["ended"] is False
    page = client.get(reverse("surveys:dashboard"), {"year": 2026, "period": "quarter", "number": 3})
    assert page.context["held"] and page.context["suppressed"]
    assert client.get(API, {**query, "number": 2}).json()["ended"] is True  # an earlier quarter is not held back
    # another agency's waiting answer does not hold this one back
    PendingResponse.objects.filter(pk=pending.pk).update(agency=org.other)
    assert client.get(API, query).json()["responses"] == 12
    # the next quarter's answers do not hold back this one
    PendingResponse.objects.filter(pk=pending.pk).update(agency=org.agency, answered_on=dt.date(2026, 10, 1))
    assert client.get(API, query).json()["responses"] == 12
    values = [4] * len(ITEMS)
    rows = rows_of([(dt.date(2026, m, 4), UNITS[0], PROCEDURES[0], "online", False, values, 2) for m in (2, 8)])
    results = selectors.Results(rows, FORM, campaigns=[], today=TODAY, waiting_from=dt.date(2026, 6, 30))
    assert not results.is_given(disclosure.period("quarter", 2026, 2))
    assert results.is_given(disclosure.period("quarter", 2026, 1))


def test_disclosure_docstring_names_time_and_the_residual_changes():
    doc = disclosure.__doc__ or ""
    assert "time" in doc.lower() and "paper" in doc.lower() and "invalidat" in doc.lower()


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


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(response, min_size=5, max_size=50))
@example(  # three units: 10, 10 and 2 responses in one month (complementary suppression needed)
    [
        (dt.date(2026, 5, 4), unit, PROCEDURES[0], "online", False, [4] * len(ITEMS), 2)
        for unit, n in (("Phòng A", 10), ("Phòng B", 10), ("Phòng C", 2))
        for _i in range(n)
    ]
)
@example(  # a unit inside a procedure that it serves almost alone (rule 4 across dimensions)
    [
        (dt.date(2026, 2, 4), unit, procedure, "online", False, [4] * len(ITEMS), 2)
        for unit, procedure, n in (
            ("Phòng A", PROCEDURES[0], 10),
            ("Phòng B", PROCEDURES[0], 3),
            ("Phòng C", PROCEDURES[1], 8),
        )
        for _i in range(n)
    ]
)
def test_the_optimised_rule_hides_what_the_straightforward_one_hides(fixture):
    """The bounds, the kept counts and the families skipped in Results change no decision."""
    rows = rows_of(fixture)
    fast = selectors.Results(rows, FORM, campaigns=[CAMPAIGN], today=TODAY, min_cell=5)
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


def test_the_sample_plan_blanks_small_counts_for_members_but_not_for_the_office(client, org):
    """A running campaign's plan showed every member each unit x field's count of responses:
    counts of 1 to 4 are blanked for members other than the managers (the Office plans the
    sample and sees them), and so is the next smallest, or the total minus the shown ones would
    give them back."""
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2027, 1, 31)
    )
    for unit, n in ((org.unit_a, 3), (org.unit_b, 10)):
        for _i in range(n):
            Response.objects.filter(pk=make(org, 4, dt.date(2026, 11, 3), unit=unit).pk).update(campaign=campaign)
    url = reverse("surveys:campaign", args=[campaign.pk])
    client.force_login(org.officer)
    page = client.get(url)
    strata = {s.unit: s for s in page.context["plan"].strata}
    assert strata[org.unit_a.name].hidden and strata[org.unit_a.name].small
    assert strata[org.unit_b.name].hidden and not strata[org.unit_b.name].small  # else 13 - 10 = 3
    html = page.content.decode()
    assert '<td class="num">3</td>' not in html and "&lt;&nbsp;5" in html
    client.force_login(org.office)
    strata = {s.unit: s for s in client.get(url).context["plan"].strata}
    assert strata[org.unit_a.name].responses == 3 and not strata[org.unit_a.name].hidden


def test_built_results_are_kept_until_a_response_changes(org):
    """Every page and API call shares one built Results per data version: a response written,
    invalidated, restored or moved into a campaign (even by a bulk update) builds it again."""
    from surveys import services

    first = [make(org, 4, dt.date(2026, 7, 3)) for _i in range(6)][0]
    built = selectors.results(org.agency.pk, FORM, today=TODAY)
    assert selectors.results(org.agency.pk, FORM, today=TODAY) is built
    assert selectors.results(org.agency.pk, FORM, today=TODAY + dt.timedelta(days=1)) is not built
    make(org, 5, dt.date(2026, 7, 4))
    again = selectors.results(org.agency.pk, FORM, today=TODAY)
    assert again is not built and again.result(disclosure.period("quarter", 2026, 3)).n == 7
    services.invalidate(first, actor=org.admin, reason="Trùng phiếu")
    third = selectors.results(org.agency.pk, FORM, today=TODAY)
    assert third is not again and third.result(disclosure.period("quarter", 2026, 3)).n == 6
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 31)
    )
    Response.objects.filter(agency=org.agency).update(campaign=campaign)
    fourth = selectors.results(org.agency.pk, FORM, today=TODAY)
    assert (
        fourth is not third
        and fourth.result(disclosure.campaign_period(campaign.pk, "", campaign.starts_on, campaign.ends_on)).n == 6
    )


def test_the_province_page_leaves_out_the_viewers_own_agency(client, org):
    """The Department's appraiser sees the Department's own SIPAS dashboard: its exact figures
    beside a province total that counts them would give back what the total hides of others."""
    from core.models import Agency

    department = Agency.objects.get(code="SNV")
    for agency, n in ((department, 6), (org.agency, 10), (_third_agency(org), 2)):
        for i in range(n):
            _answer(agency, 4 + i % 2, dt.date(2026, 5, 4))
    client.force_login(org.appraiser)
    page = _province(client, year=2026, period="quarter", number=2)
    assert page["index"].responses == 12 and department.name not in {g.label for g in page["groups"]}
    assert page["left_out"] == [department.name]


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
    early = selectors.Results(
        [r for r in rows if r[7] < dt.date(2026, 9, 15)], FORM, campaigns=[], today=dt.date(2026, 9, 15)
    )
    assert early.result(august).n == 20 and early.result(july).suppressed
    late = selectors.Results(rows, FORM, campaigns=[], today=dt.date(2026, 10, 5))
    assert late.result(august).n == 20 and late.result(september).n == 20 and late.result(july).suppressed
    assert late.result(quarter).suppressed


def _given(results, rows):
    """(period key, group) -> (member bits over rows, result) of every result given that day."""
    out = {}
    for p in results.periods:
        for group in [("", "")] + [(d, label) for d in results.labels for label in results.labels[d]]:
            out[(p.key, group)] = (members(rows, p, group), results.result(p, group))
    return out


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
    first = selectors.Results([r for r in rows if r[7] < d1], FORM, campaigns=[CAMPAIGN], today=d1, min_cell=5)
    second = selectors.Results(rows, FORM, campaigns=[CAMPAIGN], today=d2, min_cell=5)
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
        (key, selectors.Results(rows, FORM, campaigns=[], today=TODAY))
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
        (key, selectors.Results(rows, FORM, campaigns=[], today=TODAY))
        for key, rows in (("1", _agency_rows(20)), ("2", _agency_rows(30)))
    ]
    quarter = disclosure.period("quarter", 2026, 2)
    total, groups = selectors.province_results(parts, FORM, quarter, today=TODAY, names={"1": "Xã An", "2": "Xã An"})
    assert sorted(g.n for g in groups) == [20, 30] and [g.label for g in groups] == ["Xã An", "Xã An"]
    assert total.n == 50


def test_two_communes_with_the_same_name_are_not_merged_on_the_province_page(client, org):
    from core.models import Agency

    twin = Agency.objects.create(code="SCT2", province_id=org.other.province_id, name=org.other.name)
    for agency, n in ((org.other, 20), (twin, 30)):
        for _i in range(n):
            _answer(agency, 4, dt.date(2026, 5, 4))
    client.force_login(org.appraiser)
    page = _province(client, year=2026, period="quarter", number=2)
    assert sorted(g.n for g in page["groups"] if g.label == org.other.name) == [20, 30]


def test_the_campaigns_list_gives_response_counts_to_the_managers_only(client, org):
    """The list showed every member a running campaign's count of responses, day by day (two
    readings a day apart give the answers in between away): the managers, who plan the sample,
    see it; the other members do not."""
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2027, 1, 31)
    )
    for _i in range(3):
        Response.objects.filter(pk=make(org, 4, dt.date(2026, 11, 3)).pk).update(campaign=campaign)
    client.force_login(org.officer)
    page = client.get(reverse("surveys:campaigns"))
    assert page.status_code == 200 and [n for _c, n in page.context["rows"]] == [None]
    assert '<td class="num">3</td>' not in page.content.decode()
    client.force_login(org.office)
    page = client.get(reverse("surveys:campaigns"))
    assert [n for _c, n in page.context["rows"]] == [3] and '<td class="num">3</td>' in page.content.decode()
