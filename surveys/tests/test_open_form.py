"""A campaign's open link and its counters (surveys.public.open_form): flagged, rate-limited per
client address, with a honeypot; closed, unknown or switched-off links refused."""

import datetime as dt

from django.urls import reverse

from core.middleware import client_address
from surveys import selectors
from surveys.models import Response
from surveys.tests.helpers import post_data


def test_open_link_is_flagged_rate_limited_and_has_a_honeypot(client, org, campaign, settings):
    settings.SIPAS_OPEN_LIMIT, settings.SIPAS_COUNTER_LIMIT = 1, 2
    url = reverse("survey_counter", args=[campaign.open_key, org.unit_b.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, post_data(4)).status_code == 302
    bot = client.post(url, post_data(4, website="http://spam"))
    assert bot.status_code == 302  # the bot is thanked and ignored
    assert client.post(url, post_data(4)).status_code == 429
    # the open link counts apart from the counter, with its own (smaller) limit
    plain = reverse("survey_open", args=[campaign.open_key])
    assert client.post(plain, post_data(4)).status_code == 302
    assert client.post(plain, post_data(4)).status_code == 429
    response = Response.objects.get(channel="direct")
    assert (response.source, response.channel, response.unit, response.campaign) == (
        "open",
        "direct",
        org.unit_b,
        campaign,
    )
    # reported apart: not in the default figures
    assert selectors.responses([org.agency.pk]).count() == 0
    assert selectors.responses([org.agency.pk], include_open=True).count() == 2


def test_open_link_closed_unknown_or_switched_off(client, org, campaign, today):
    campaign.ends_on = today - dt.timedelta(days=1)
    campaign.save()
    assert client.get(reverse("survey_open", args=[campaign.open_key])).status_code == 410
    assert client.get(reverse("survey_open", args=["nope"])).status_code == 404
    campaign.open_link = False
    campaign.ends_on = today
    campaign.save()
    assert client.get(reverse("survey_open", args=[campaign.open_key])).status_code == 404
    other_unit = org.other.units.first()
    campaign.open_link = True
    campaign.save()
    assert client.get(reverse("survey_counter", args=[campaign.open_key, other_unit.pk])).status_code == 404


def test_the_client_address_behind_the_proxy(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9", REMOTE_ADDR="10.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_address(request) == "10.0.0.9"  # the address our proxy added, not the client's claim
