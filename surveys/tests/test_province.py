"""The province page (surveys.views.province): the Department compares its agencies."""

import datetime as dt

from django.urls import reverse

from surveys.tests.helpers import make


def test_the_province_compares_its_agencies(client, org):
    for value in (5, 5, 4, 4, 2):
        make(org, value)
    make(org, 5, agency=org.other)
    client.force_login(org.appraiser)
    page = client.get(reverse("surveys:province"), {"year": 2026, "period": "half"})
    groups = {g.label: g for g in page.context["groups"]}
    # an agency's own figures are public (its dashboard, the portal): the Ban's 5 stay shown as
    # they are there, the other agency's one response is hidden, and so is the total (6), or
    # the total minus the Ban would give that one response (issue 18 review, second pass)
    assert page.context["index"].responses == 6 and page.context["suppressed"]
    assert groups[org.agency.name].n == 5 and groups[org.other.name].suppressed
    make(org, 4, day=dt.date(2026, 4, 1))
    for _n in range(4):
        make(org, 4, day=dt.date(2026, 4, 2))
    page = client.get(reverse("surveys:province"), {"year": 2026, "period": "half"})
    groups = {g.label: g for g in page.context["groups"]}
    # the Ban's 10 and the total's 11: the Ban's own figures hide nothing, but the total minus
    # the Ban would give the other agency's one response: the total is hidden, the Ban shown
    assert page.context["index"].responses == 11 and page.context["suppressed"]
    assert groups[org.agency.name].n == 10 and groups[org.other.name].suppressed
