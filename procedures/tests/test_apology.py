"""The apology and its new date (Mẫu 04): set once, the 766 due date kept; the letter."""

import io

import pytest
from django.urls import reverse
from docx import Document as read_docx

from procedures import documents, services
from procedures.tests.helpers import D, content


def test_apology_sets_the_new_date_once_and_keeps_the_due_date(org, dossier, cal):
    with pytest.raises(services.WorkflowError):
        services.apologise(dossier=dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 23), cal=cal)
    with pytest.raises(services.WorkflowError):  # a Saturday
        services.apologise(dossier=dossier, actor=org.office, reason="Chờ ý kiến", new_date=D(2026, 3, 28), cal=cal)
    services.apologise(
        dossier=dossier, actor=org.office, reason="Chờ ý kiến của Sở Xây dựng", new_date=D(2026, 3, 27), cal=cal
    )
    dossier.refresh_from_db()
    assert (dossier.apology_date, dossier.due_date) == (D(2026, 3, 27), D(2026, 3, 23))
    assert services.apology_deadline(dossier, cal) == D(2026, 3, 20)
    with pytest.raises(services.WorkflowError, match="một lần"):
        services.apologise(dossier=dossier, actor=org.office, reason="Lần nữa", new_date=D(2026, 4, 3), cal=cal)
    text = "\n".join(p.text for p in read_docx(io.BytesIO(documents.apology(dossier))).paragraphs)
    assert "Chờ ý kiến của Sở Xây dựng" in text and "27/03/2026" in text and "23/03/2026" in text
    assert dossier.code in text and "Kính gửi: Công ty TNHH Đồng Đăng" in text


def test_the_page_records_it_and_offers_the_letter(client, org, dossier):
    client.force_login(org.officer)
    assert client.get(reverse("procedures:apology_docx", args=[dossier.pk])).status_code == 404  # none yet
    form = {"reason": "Chờ ý kiến phối hợp", "new_date": "2026-03-27"}
    response = client.post(reverse("procedures:apology", args=[dossier.pk]), form)
    assert response.url == reverse("procedures:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.apology_date == D(2026, 3, 27) and dossier.apology_by == org.officer
    letter = client.get(reverse("procedures:apology_docx", args=[dossier.pk]))
    assert letter["Content-Disposition"] == f'attachment; filename="mau-04-{dossier.code}.docx"'
    assert "Chờ ý kiến phối hợp" in "\n".join(p.text for p in read_docx(io.BytesIO(content(letter))).paragraphs)
