"""Uploading evidence to a task (plans:upload_evidence) and serving it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_upload_evidence_links_it_and_wrong_type_is_explained(login, org, task):
    client = login(org.officer)
    url = reverse("plans:upload_evidence", args=[task.pk])
    bad = client.post(url, {"abstract": "Ảnh", "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, follow=True)
    assert "PDF, DOCX, XLSX, JPEG" in bad.content.decode()
    good = client.post(
        url,
        {
            "abstract": "Báo cáo quý",
            "doc_number": "12/BC-VP",
            "file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert good.status_code == 302
    task.refresh_from_db()
    assert task.evidence_count == 1
    assert AuditEntry.objects.filter(action="task.evidence_linked", object_id=str(task.pk)).exists()


def test_evidence_over_the_size_limit_is_refused(login, org, task, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client = login(org.officer)
    response = client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "Lớn", "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096)},
        follow=True,
    )
    assert "limit" in response.content.decode() or "giới hạn" in response.content.decode()
    task.refresh_from_db()
    assert task.evidence_count == 0


def test_evidence_file_is_served_only_after_an_access_check(login, org, task):
    client = login(org.officer)
    client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "BC", "file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    version = task.evidence_links.get().document.versions.get()
    ok = client.get(reverse("evidence_file", args=[version.pk]))
    assert ok.status_code == 200 and ok["Content-Disposition"].startswith("attachment")
    assert b"".join(ok.streaming_content).startswith(b"%PDF")
    assert login(org.outsider).get(reverse("evidence_file", args=[version.pk])).status_code == 404


@pytest.mark.parametrize(
    ("file", "date", "field"),
    [
        (lambda: SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf"), "05/03/2026", "file"),  # wrong type
        (lambda: SimpleUploadedFile("bao-cao.pdf", b""), "05/03/2026", "file"),  # empty
        (lambda: SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n"), "31/02/2026", "issued_on"),  # no such day
    ],
)
def test_a_refused_upload_keeps_every_typed_field(login, org, task, said, file, date, field):
    """D3: the abstract, number, date and issuer come back as typed, the error on its field, and the
    page names the file to choose again (a browser cannot fill a file input)."""
    typed = {"abstract": "Báo cáo sơ kết quý I", "doc_number": "12/BC-QLDN", "issuer": "Phòng QLDN"}
    response = login(org.officer).post(
        reverse("plans:upload_evidence", args=[task.pk]), {**typed, "issued_on": date, "file": file()}
    )
    assert response.status_code == 400
    form = response.context["document_form"]
    assert field in form.errors
    body = response.content.decode()
    for value in [*typed.values(), date]:
        assert f'value="{value}"' in body
    assert "bao-cao.pdf" in body and response.context["chosen_file"] == "bao-cao.pdf"
    assert said(response) == [_("The evidence was not saved: see the errors in the form.")]
    assert not task.evidence_links.exists()


def test_the_evidence_date_is_typed_as_dd_mm_yyyy(login, org, task):
    client = login(org.officer)
    body = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert 'type="date"' not in body and 'data-datepicker="date"' in body
    client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "QĐ", "issued_on": "05/03/2026", "file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    assert task.evidence_links.get().document.issued_on.isoformat() == "2026-03-05"
