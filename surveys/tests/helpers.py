"""Building blocks of the SIPAS tests: answers and form posts, responses written straight to the
database, a receipt's survey link, and an import workbook."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import Workbook

from surveys import selectors, services, tokens
from surveys.models import Response
from surveys.services import Answers

ITEMS = [f"q{n}" for n in range(15, 34)]
FORM = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)


def answers(value=4, **overrides):
    data = dict.fromkeys(ITEMS, value)
    data.update(overrides)
    return data


def post_data(value=4, **extra):
    return {**{code: str(value) for code in ITEMS}, **extra}


def make(org, value, *, unit=None, day=dt.date(2026, 3, 1), profile=None, source="receipt", agency=None, **overrides):
    """A valid response of the agency (or of `agency`), written as it is (no campaign, no mix pool)."""
    return Response.objects.create(
        agency=agency or org.agency,
        unit=unit,
        channel="online",
        source=source,
        questionnaire=FORM.code,
        answered_on=day,
        answers=answers(value, **overrides),
        profile=profile or {},
    )


def given(org, value, comment=""):
    """A response built as the services build one (campaign, redacted comment), saved."""
    response = services.build_response(
        Answers(answers(value), {}, comment),
        agency_id=org.agency.pk,
        unit_id=None,
        procedure_id=None,
        procedure_code="",
        channel="online",
        source="receipt",
        questionnaire=FORM.code,
        day=dt.date(2026, 3, 1),
    )
    response.save()
    return response


def survey_link(dossier):
    return reverse("survey_start") + "?t=" + tokens.issue(dossier)


def open_survey(client, dossier) -> str:
    """Scans the receipt's link as a phone would and returns the form's own invitation field."""
    client.get(survey_link(dossier))
    return client.get(reverse("survey_form")).context["invitation"]


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["response_id", *ITEMS, "e1", "unit", "procedure_code", "date", "gender", "comment"])
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(rid, value=4, unit="QLDN", code="1.001", day=dt.date(2026, 3, 10), gender="Nữ", comment=""):
    return [rid, *([value] * len(ITEMS)), 2, unit, code, day, gender, comment]
