"""Paper entry (surveys.views.entry): logged, joins the running campaign, no future dates, not
for read-only roles."""

import datetime as dt

from django.urls import reverse

from core.models import AuditEntry
from surveys.models import Response
from surveys.tests.helpers import post_data


def test_paper_entry_is_logged_and_joins_the_running_campaign(client, org, procedure, campaign, today):
    client.force_login(org.officer)
    data = post_data(3, answered_on=today.isoformat(), unit=org.unit_a.pk, procedure=procedure.pk)
    assert client.post(reverse("surveys:entry"), data).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.source, response.campaign, response.entered_by) == (
        "paper",
        "staff",
        campaign,
        org.officer,
    )
    assert AuditEntry.objects.filter(action="sipas.entered", object_id=str(response.pk), actor=org.officer).exists()
    future = client.post(reverse("surveys:entry"), {**data, "answered_on": (today + dt.timedelta(days=1)).isoformat()})
    assert future.context["form"].errors["answered_on"]
    client.force_login(org.auditor)
    assert client.get(reverse("surveys:entry")).status_code == 403
