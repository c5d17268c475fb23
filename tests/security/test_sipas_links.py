"""M9 (issue 18, item 4): staff must not be able to spend citizens' survey links.

Each test replays the probe's attack: an officer (or the read-only auditor) takes the link from
the dossier's page or its receipt (Mẫu 01) and answers in the citizen's place."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override
from docx import Document as Docx

from core import audit
from core.models import AuditEntry
from procedures import services as tthc
from procedures.models import Procedure
from surveys import tokens
from surveys.models import PendingResponse, Response, SurveyToken

ITEMS = [f"q{n}" for n in range(15, 34)]


@pytest.fixture
def dossier(org, cal):
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    return tthc.receive(
        actor=org.officer,
        agency=org.agency,
        procedure=procedure,
        received_at=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC),
        cal=cal,
        unit=org.unit_a,
    )


def receipt_text(client, dossier) -> str:
    reply = client.get(reverse("procedures:receipt", args=[dossier.pk]))
    assert reply.status_code == 200
    return "\n".join(p.text for p in Docx(io.BytesIO(reply.getvalue())).paragraphs)


def answered() -> int:
    return Response.objects.count() + PendingResponse.objects.count()


def test_the_dossier_page_never_shows_the_survey_link(client, org, dossier):
    for person in (org.officer, org.head, org.office, org.leader, org.auditor):
        client.force_login(person)
        page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert tokens.token_for(dossier) not in html, person.username
        assert "/khao-sat/?t=" not in html and "receipt-link" not in html, person.username


def test_read_only_roles_cannot_take_the_receipt(client, org, dossier):
    for person in (org.auditor, org.appraiser):
        client.force_login(person)
        assert client.get(reverse("procedures:receipt", args=[dossier.pk])).status_code in (403, 404), person
    assert not SurveyToken.objects.exists()  # no link was even minted
    client.force_login(org.officer)  # the counter still prints it
    assert tokens.token_for(dossier) in receipt_text(client, dossier)


def test_printing_the_receipt_again_is_logged_with_who_and_when(client, org, dossier):
    client.force_login(org.officer)
    first = receipt_text(client, dossier)
    client.force_login(org.office)
    again = receipt_text(client, dossier)
    assert tokens.token_for(dossier) in first and tokens.token_for(dossier) in again  # the same link
    reprints = AuditEntry.objects.filter(
        object_type="procedures.dossier", object_id=str(dossier.pk), action="dossier.receipt_reprinted"
    )
    entry = reprints.get()
    assert entry.actor == org.office and entry.created_at is not None
    printed = AuditEntry.objects.get(object_id=str(dossier.pk), action="dossier.receipt_printed")
    assert printed.actor == org.officer
    # the dossier's history, as staff read it, shows the reprint
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    with override("vi"):  # in words (core.audit), not as its code
        assert audit.action_label("dossier.receipt_reprinted") in page.content.decode()


def test_a_staff_session_cannot_answer_for_the_citizen(client, org, dossier):
    client.force_login(org.officer)
    link = reverse("survey_start") + "?t=" + tokens.issue(dossier)
    refused = client.get(link)
    assert refused.status_code == 403
    assert refused.context["reason"] == "staff"
    with override("vi"):  # says plainly why, in the page's language (Vietnamese once merged)
        assert gettext("Staff cannot answer the survey on behalf of citizens") in refused.content.decode()
    assert "sipas" not in refused.cookies or not refused.cookies["sipas"].value
    # nor with a page opened before logging in
    citizen = Client()
    citizen.get(link)
    invitation = citizen.get(reverse("survey_form")).context["invitation"]
    client.cookies["sipas"] = citizen.cookies["sipas"].value
    data = {**dict.fromkeys(ITEMS, "5"), "invitation": invitation}
    assert client.get(reverse("survey_form")).status_code == 403
    assert client.post(reverse("survey_form"), data).status_code == 403
    assert answered() == 0 and not SurveyToken.objects.get().used
    # the citizen, not logged in, still answers
    sent = citizen.post(reverse("survey_form"), data)
    assert sent.status_code == 302 and sent["Location"].startswith(reverse("survey_thanks"))
    assert answered() == 1 and SurveyToken.objects.get().used


def test_any_logged_in_account_is_refused_even_without_a_role(client, org, dossier, django_user_model):
    nobody = django_user_model.objects.create_user(username="khach", password="x-Very-long-1")
    client.force_login(nobody)
    assert client.get(reverse("survey_start") + "?t=" + tokens.issue(dossier)).status_code == 403
    assert answered() == 0
