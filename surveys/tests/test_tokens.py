"""The receipt's single-use survey link (surveys.tokens): printed on the receipt, stored as a keyed
hash only, following the dossier to its new unit."""

import io

from django.urls import reverse
from docx import Document as Docx

from procedures import services as tthc
from surveys import tokens
from surveys.models import SurveyToken


def test_receipt_carries_a_single_use_survey_link(client, org, dossier):
    client.force_login(org.office)
    docx = Docx(io.BytesIO(client.get(reverse("procedures:receipt", args=[dossier.pk])).getvalue()))
    cells = [p for table in docx.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    text = "\n".join(p.text for p in [*docx.paragraphs, *cells])  # (the receipt may set its QR codes in a table)
    token = tokens.token_for(dossier)
    assert f"/khao-sat/?t={token}" in text
    assert len(docx.inline_shapes) == 2  # the status QR code and the survey QR code
    # only the keyed hash is stored, with what the response will copy
    row = SurveyToken.objects.get()
    assert row.digest == tokens.digest(token) and token not in row.digest
    assert (row.unit, row.procedure_code, row.used) == (org.unit_a, "1.001", False)
    # a reprint carries the same link and issues nothing new
    client.get(reverse("procedures:receipt", args=[dossier.pk]))
    assert SurveyToken.objects.count() == 1


def test_invitation_follows_the_dossier_to_its_new_unit(org, dossier):
    tokens.issue(dossier)
    tthc.hand_over(dossier=dossier, actor=org.office, giver="Một cửa", receiver="KHTH", to_unit=org.unit_b)
    assert SurveyToken.objects.get().unit == org.unit_b
