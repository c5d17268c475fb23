"""Paper entry (surveys.views.entry): logged, joins the running campaign, no future dates, not
for read-only roles."""

import datetime as dt

from django.urls import reverse

from core.models import AuditEntry
from surveys.models import Response
from surveys.tests.helpers import FORM, post_data


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


def test_the_date_is_typed_as_dd_mm_yyyy_and_each_question_holds_its_answers(client, org, campaign, today):
    client.force_login(org.officer)
    page = client.get(reverse("surveys:entry")).content.decode()
    assert 'data-datepicker="date"' in page and 'type="date"' not in page
    assert f'value="{today:%d/%m/%Y}"' in page
    # the answers of q15 sit in the question's own fieldset, right under its text
    fieldset = page[page.index(FORM.item_text["q15"]) :].split("</fieldset>")[0]
    assert fieldset.count('name="q15"') == len(FORM.scale) + 1 and 'name="q16"' not in fieldset
    data = post_data(4, answered_on=f"{today:%d/%m/%Y}")
    assert client.post(reverse("surveys:entry"), data).status_code == 302
    assert Response.objects.get().answered_on == today
