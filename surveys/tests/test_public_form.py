"""The citizen's survey pages behind the receipt link (surveys.public start and form): the link is
swapped for a session and spent once, two tabs give one response, each page answers for its own
dossier, forged links and bad answers are refused."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from procedures import services as tthc
from surveys import mixing, tokens
from surveys.models import Response, SurveyToken
from surveys.tests.helpers import FORM, open_survey, post_data, survey_link


def test_link_is_swapped_for_a_session_then_spent_once(client, org, dossier):
    start = client.get(survey_link(dossier))
    assert start.status_code == 302 and start["Location"] == reverse("survey_form")
    assert "t=" not in start["Location"]
    page = client.get(reverse("survey_form"))
    assert page.status_code == 200 and "q15" in page.content.decode()
    assert "checked" not in page.content.decode()  # nothing is answered for the person
    assert "maxlength" not in page.content.decode()  # a long paste is refused with the count, never cut
    invitation = page.context["invitation"]
    assert tokens.token_for(dossier) not in page.content.decode()  # the page holds the hash, signed
    sent = client.post(
        reverse("survey_form"),
        post_data(5, q20="na", e1="3", profile_gender="female", comment="Tốt", invitation=invitation),
    )
    assert sent.status_code == 302 and sent["Location"] == reverse("survey_thanks") + f"?co-quan={org.agency.code}"
    assert not Response.objects.exists()  # it waits in the mix pool for a batch (or the day's end)
    assert mixing.waiting([org.agency.pk]) == 1
    mixing.flush()
    response = Response.objects.get()
    assert response.answers["q15"] == 5 and response.answers["q20"] is None and response.answers["e1"] == 3
    assert (response.unit, response.procedure_code, response.channel, response.source) == (
        org.unit_a,
        "1.001",
        "online",
        "receipt",
    )
    assert response.profile == {"gender": "female"}
    stored = " ".join(str(v) for v in Response.objects.values().get().values())
    assert dossier.code not in stored and tokens.token_for(dossier) not in stored
    # the same link again: a clear page and no second response
    again = client.get(survey_link(dossier))
    assert again.status_code == 410 and "đã được sử dụng" in again.content.decode()
    # the old page cannot post a second time either, nor a page without its invitation
    assert client.post(reverse("survey_form"), post_data(1, invitation=invitation)).status_code == 410
    assert client.post(reverse("survey_form"), post_data(1)).status_code == 400
    assert Response.objects.count() == 1


def test_two_tabs_of_one_link_give_one_response(client, org, dossier):
    other = Client()
    mine, theirs = open_survey(client, dossier), open_survey(other, dossier)
    assert client.post(reverse("survey_form"), post_data(4, invitation=mine)).status_code == 302
    late = other.post(reverse("survey_form"), post_data(2, invitation=theirs))
    assert late.status_code == 410
    mixing.flush()
    assert Response.objects.count() == 1 and SurveyToken.objects.get().used


def test_two_receipts_in_one_browser_answer_each_for_its_own_dossier(client, org, dossier, procedure, cal):
    second = tthc.receive(
        actor=org.office,
        agency=org.agency,
        procedure=procedure,
        cal=cal,
        received_at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC),
        unit=org.unit_b,
    )
    first_page = open_survey(client, dossier)
    open_survey(client, second)  # the cookie now names the second receipt
    forged = "x" + first_page[1:]
    assert client.post(reverse("survey_form"), post_data(4, invitation=forged)).status_code == 400
    assert client.post(reverse("survey_form"), post_data(4, invitation=first_page)).status_code == 302
    mixing.flush()
    assert Response.objects.get().unit == org.unit_a  # the first dossier's unit
    # the spent link forgets its unit (the response holds it); the other still waits for its answer
    used = dict(SurveyToken.objects.values_list("unit_id", "used"))
    assert used == {None: True, org.unit_b.pk: False}


def test_forged_and_malformed_links_are_refused(client, org, dossier):
    tokens.issue(dossier)
    forged = client.get(reverse("survey_start") + "?t=" + "A" * tokens.TOKEN_LENGTH)
    assert forged.status_code == 404 and "không hợp lệ" in forged.content.decode()
    assert client.get(reverse("survey_start") + "?t=../../etc").status_code == 404
    assert client.get(reverse("survey_form")).status_code == 400  # no session: open the link again
    assert not Response.objects.exists()


def test_empty_answers_and_overlong_comment_are_refused(client, org, dossier):
    invitation = open_survey(client, dossier)
    empty = client.post(reverse("survey_form"), {"comment": "x", "invitation": invitation})
    assert empty.status_code == 200 and "ít nhất một câu" in empty.content.decode()
    too_long = "x" * (FORM.comment_max_length + 1)
    long = client.post(reverse("survey_form"), post_data(4, comment=too_long, invitation=invitation))
    assert long.status_code == 200 and long.context["form"].errors["comment"]
    bad = client.post(reverse("survey_form"), post_data(4, q15="9", invitation=invitation))
    assert bad.context["form"].errors["q15"]
    assert not Response.objects.exists() and not SurveyToken.objects.get().used


def test_a_comment_too_long_is_refused_with_its_length_and_kept(client, org, dossier):
    invitation = open_survey(client, dossier)
    text = "Ý kiến tốt" * 250  # 2,500 characters
    page = client.post(reverse("survey_form"), post_data(4, comment=text, invitation=invitation))
    assert page.status_code == 200 and page.context["form"].errors["comment"]
    assert str(len(text)) in page.context["form"].errors["comment"][0] and text in page.content.decode()


def test_the_form_says_how_far_along_each_question_is(client, org, dossier):
    open_survey(client, dossier)
    page = client.get(reverse("survey_form")).content.decode()
    total = len(FORM.questionnaire.items) + len(FORM.expectation_text)
    assert _("Question %(n)s/%(total)s") % {"n": 1, "total": total} in page
    assert _("Question %(n)s/%(total)s") % {"n": total, "total": total} in page


def test_the_end_pages_lead_onward(client, org, dossier):
    sent = client.post(reverse("survey_form"), post_data(4, invitation=open_survey(client, dossier)))
    thanks = client.get(sent["Location"]).content.decode()
    agency_page = reverse("portal_agency", args=[org.agency.code])
    assert agency_page in thanks and reverse("portal_home") in thanks and reverse("dossier_lookup") in thanks
    assert reverse("feedback_submit") + f"?co-quan={org.agency.code}" in thanks
    used = client.get(survey_link(dossier))  # the spent link
    assert used.status_code == 410 and reverse("portal_home") in used.content.decode()
    forged = client.get(reverse("survey_start") + "?t=" + "x" * 22)
    assert forged.status_code == 404 and reverse("portal_home") in forged.content.decode()
    assert reverse("feedback_submit") in forged.content.decode()
