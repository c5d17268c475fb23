"""Uploading evidence to a task (plans:upload_evidence) and serving it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
