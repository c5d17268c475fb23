"""The SIPAS dashboard (surveys.views.dashboard): the hand-checked index, other agencies see
nothing, a selection of few responses is hidden."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from surveys.models import Campaign
from surveys.tests.helpers import make


def test_dashboard_shows_the_hand_checked_index(client, org):
    # q15: 8 answers, 6 satisfied -> 75 %; other items all satisfied -> 100 %
    # access = mean(75, 100, 100, 100) = 93.75; overall = mean(93.75, 100, 100, 100, 100) = 98.75
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, 4, q15=value)
    make(org, 5, q15=None)
    client.force_login(org.officer)
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    page = client.get(reverse("surveys:dashboard"), q1)
    index = page.context["index"]
    assert index.items["q15"].n == 8 and index.items["q15"].rate == 75
    assert index.elements["access"].index == Decimal("93.75") and index.overall == Decimal("98.75")
    assert 'id="overall">98.75%' in page.content.decode()
    data = client.get(reverse("surveys:dashboard"), {**q1, "format": "json"}).json()
    assert data["items"]["q15"]["ci_low"] == "40.93" and data["overall"] == "98.75"
    assert client.get(reverse("surveys:export"), q1).status_code == 403  # row by row: the administrator
    client.force_login(org.office)
    assert client.get(reverse("surveys:export"), q1).status_code == 403
    client.force_login(org.admin)
    exported = client.get(reverse("surveys:export"), q1).getvalue().decode("utf-8-sig").splitlines()
    assert exported[0].startswith("response_id,q15,q16") and len(exported) == 10


def test_other_agencies_see_nothing(client, org):
    make(org, 5)
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    client.force_login(org.outsider)
    page = client.get(reverse("surveys:dashboard"), {"campaign": "all"})
    assert page.context["index"].responses == 0
    assert client.get(reverse("surveys:campaign", args=[campaign.pk])).status_code == 404


def test_a_selection_of_few_responses_is_hidden(client, org):
    for value in (5, 1, 4):
        make(org, value, day=dt.date(2026, 3, 2))
    make(org, 4, day=dt.date(2026, 3, 3))
    client.force_login(org.leader)
    march = {"campaign": "all", "year": 2026, "period": "month", "number": 3}
    page = client.get(reverse("surveys:dashboard"), march)
    assert page.context["suppressed"] and 'id="overall"><span class="small text-muted">' in page.content.decode()
    assert page.context["groups"] == []
    assert client.get(reverse("surveys:dashboard"), {**march, "format": "json"}).json() == {
        "period": "2026-month-3",
        "period_label": "tháng 03/2026",
        "min_cell": 5,
        "responses": None,
        "suppressed": True,
    }
    make(org, 4, day=dt.date(2026, 3, 3))
    assert not client.get(reverse("surveys:dashboard"), march).context["suppressed"]  # 5 in all
