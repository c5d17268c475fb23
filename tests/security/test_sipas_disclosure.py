"""SIPAS answers must not be rebuilt by differencing two results (issue 18 H2): through the API,
the dashboard, the province page and the campaign pages.

The probe's attack: two index queries whose ranges differ by one day give one respondent's exact
answers. The rule itself, checked over generated years of responses (every pair of results, cell
by cell), is in test_sipas_disclosure_rules.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext
from sipas_rows import FORM, ITEMS, PROCEDURES, TODAY, UNITS, rows_of

from surveys import disclosure, selectors
from surveys.models import Campaign, Response
from surveys.results import Results

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
    if not 0 < a["responses"] - b["responses"] < disclosure.MIN_CELL:
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
    assert quarter["suppressed"] or sum(m["responses"] for m in shown) <= 18 - disclosure.MIN_CELL
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
    rows = client.get(reverse("surveys:export")).getvalue().decode("utf-8-sig").splitlines()
    assert rows[0].endswith("," + gettext("Month")) and rows[1].endswith(",07/2026") and "2026-07-03" not in rows[1]
    page = client.get(reverse("surveys:responses")).content.decode()
    assert "07/2026" in page and "03/07/2026" not in page
    assert Response.objects.get().answered_on == dt.date(2026, 7, 3)  # stored unchanged


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


# --- issue 18 review: the province page, the mix pool, the sample plan -------------------------------


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
        assert held == 0 or held >= disclosure.MIN_CELL, f"the total minus the shown agencies gives {held}"
    # every cell: the agencies hiding a cell the total shows hold 0 or at least min_cell of it
    total = page["total"]
    for cell in selectors.cell_counts(total.index):
        if cell in total.hidden:
            continue
        held = sum(selectors.cell_counts(g.index).get(cell, 0) for g in groups.values() if cell in g.hidden)
        assert held == 0 or held >= disclosure.MIN_CELL, (cell, held)


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
        assert shown <= 22 - disclosure.MIN_CELL, f"the quarter minus the shown months gives {22 - shown}"


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
    results = Results(rows, FORM, campaigns=[], today=TODAY, waiting_from=dt.date(2026, 6, 30))
    assert not results.is_given(disclosure.period("quarter", 2026, 2))
    assert results.is_given(disclosure.period("quarter", 2026, 1))


def test_disclosure_docstring_names_time_and_the_residual_changes():
    doc = disclosure.__doc__ or ""
    assert "time" in doc.lower() and "paper" in doc.lower() and "invalidat" in doc.lower()


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
