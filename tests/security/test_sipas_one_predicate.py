"""One small-cell rule for every SIPAS surface (issue 19 item 6): `surveys.disclosure.is_shown` is
the only test of "fewer than min_cell responses are not shown", and the dashboard (figures,
breakdowns, JSON), the API, the sample plan, the province page, the portal, the reports and the
PAR metric all decide through it. Made to hide everything, it must hide everything everywhere; a
surface with its own comparison would still show its figure and fail here."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.metrics import compute_metric
from portal import figures as portal_figures
from reports import figures as report_figures
from reports.periods import report_period
from surveys import disclosure, selectors
from surveys.models import Campaign, Response

ITEMS = [f"q{n}" for n in range(15, 34)]


@pytest.fixture
def survey(org):
    """Ten responses, all satisfied, on the first day of the portal's whole period, in a campaign."""
    today = timezone.localdate()
    whole = portal_figures.sipas_period(today)
    campaign = Campaign.objects.create(agency=org.agency, name="Đợt", starts_on=whole.start, ends_on=whole.start)
    for _n in range(10):
        Response.objects.create(
            agency=org.agency,
            unit=org.unit_a,
            campaign=campaign,
            channel="online",
            source="receipt",
            questionnaire=selectors.DEFAULT_QUESTIONNAIRE,
            answered_on=whole.start,
            answers=dict.fromkeys(ITEMS, 4),
        )
    return whole, campaign, today


def surfaces(client, org, whole, campaign, today) -> dict[str, bool]:
    """Whether each surface shows the survey's figure (True) or hides it."""
    cache.clear()  # the portal's cached figures, and every kept Results (their data version)
    query = {"campaign": "all", "year": whole.year, "period": whole.kind, "number": whole.number}
    client.force_login(org.officer)
    page = client.get(reverse("surveys:dashboard"), query)
    data = client.get(reverse("surveys:dashboard"), {**query, "format": "json"}).json()
    api = client.get(
        "/api/v1/sipas/index",
        {"agency": org.agency.code, "year": whole.year, "period": whole.kind, "number": whole.number},
    ).json()
    plan = client.get(reverse("surveys:campaign", args=[campaign.pk])).context["plan"]
    client.force_login(org.appraiser)
    province = client.get(reverse("surveys:province"), {k: v for k, v in query.items() if k != "campaign"})
    report = report_figures.sipas_figures(org.agency, report_period("year", whole.year))
    metric = compute_metric("sipas_service_index", agency=org.agency, year=whole.year, today=today)
    return {
        "dashboard": page.context["result"].overall is not None and 'id="overall">100' in page.content.decode(),
        "dashboard breakdown": bool(page.context["groups"]),
        "dashboard json": data.get("overall") is not None and data["responses"] == 10,
        "api": api.get("overall") is not None and api["responses"] == 10,
        "sample plan": any(not s.hidden for s in plan.strata) and not plan.total_hidden,
        "province": not province.context["suppressed"],
        "portal": portal_figures.sipas_figure(org.agency, today).value is not None,
        "reports": report.overall is not None and report.count == 10,
        "par metric": metric is not None,
    }


def test_every_surface_hides_what_the_one_predicate_hides(client, org, survey, monkeypatch):
    whole, campaign, today = survey
    shown = surfaces(client, org, whole, campaign, today)
    assert all(shown.values()), shown  # ten responses: every surface shows them
    monkeypatch.setattr(disclosure, "is_shown", lambda n, min_cell: False)
    hidden = surfaces(client, org, whole, campaign, today)
    assert not any(hidden.values()), {name for name, value in hidden.items() if value}


@pytest.mark.parametrize(("n", "shown"), [(0, True), (1, False), (4, False), (5, True), (6, True)])
def test_the_predicate_is_rule_three(n, shown):
    assert disclosure.is_shown(n, 5) is shown
    assert disclosure.MIN_CELL == 5
