"""Campaigns (surveys.views.campaigns, services.create_campaign): a backwards or ended period is
refused, a new campaign takes the responses of its period that are in no campaign yet."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from surveys import selectors
from surveys.models import Campaign, Response
from surveys.tests.helpers import FORM, make


def test_campaign_form_refuses_a_backwards_period(client, org):
    client.force_login(org.office)
    page = client.post(
        reverse("surveys:campaigns"),
        {"name": "X", "starts_on": "2026-06-01", "ends_on": "2026-01-01", "margin": "0.05", "min_cell": 5},
    )
    assert page.status_code == 200 and page.context["form"].errors["ends_on"]
    start = timezone.localdate()
    ended = client.post(  # a campaign that has ended already would add a result over read periods
        reverse("surveys:campaigns"),
        {"name": "X", "starts_on": start - dt.timedelta(days=90), "ends_on": start - dt.timedelta(days=1)},
    )
    assert ended.status_code == 200 and ended.context["form"].errors["ends_on"]
    ok = client.post(
        reverse("surveys:campaigns"),
        {
            "name": "Q3",
            "starts_on": start - dt.timedelta(days=30),
            "ends_on": start + dt.timedelta(days=60),
            "margin": "0.05",
            "min_cell": 5,
            "units": [org.unit_a.pk],
        },
    )
    campaign = Campaign.objects.get(name="Q3")
    assert ok["Location"] == reverse("surveys:campaign", args=[campaign.pk]) and list(campaign.units.all()) == [
        org.unit_a
    ]
    client.force_login(org.officer)
    assert client.post(reverse("surveys:campaigns"), {"name": "Y"}).status_code == 403


def test_a_new_campaign_takes_the_responses_of_its_period(client, org):
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=20), today + dt.timedelta(days=40)
    make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=10))
    make(org, 5, unit=org.unit_b, day=today - dt.timedelta(days=10))
    make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=30))  # before the campaign
    earlier = Campaign.objects.create(
        agency=org.agency, name="Đợt trước", starts_on=start - dt.timedelta(days=5), ends_on=end
    )
    taken = make(org, 5, unit=org.unit_a, day=today - dt.timedelta(days=5))
    Response.objects.filter(pk=taken.pk).update(campaign=earlier)  # another campaign's: never taken
    client.force_login(org.office)
    client.post(
        reverse("surveys:campaigns"),
        {
            "name": "Q1",
            "starts_on": start,
            "ends_on": end,
            "margin": "0.05",
            "min_cell": 5,
            "units": [org.unit_a.pk],
        },
    )
    campaign = Campaign.objects.get(name="Q1")
    assert list(Response.objects.filter(campaign=campaign).values_list("unit", flat=True)) == [org.unit_a.pk]
    assert Response.objects.filter(campaign=earlier).count() == 1
    results = selectors.agency_results(org.agency.pk, FORM, today=end + dt.timedelta(days=1))
    points = {p.name: results.result(p) for p in results.periods if p.kind == "campaign"}
    assert points["Q1"].index.responses == 1 and points["Q1"].suppressed and points["Q1"].overall is None


def test_campaign_dates_are_typed_as_dd_mm_yyyy(client, org, today):
    client.force_login(org.office)
    page = client.get(reverse("surveys:campaigns")).content.decode()
    assert 'type="date"' not in page and page.count('data-datepicker="date"') == 2
    start, end = today + dt.timedelta(days=1), today + dt.timedelta(days=40)
    data = {"name": "Đợt 2", "starts_on": f"{start:%d/%m/%Y}", "ends_on": f"{end:%d/%m/%Y}", "margin": "0.05"}
    created = client.post(reverse("surveys:campaigns"), {**data, "min_cell": 5})
    assert created.status_code == 302
    assert Campaign.objects.get(name="Đợt 2").starts_on == start
