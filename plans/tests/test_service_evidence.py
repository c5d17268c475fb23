"""services.link_evidence (and the evidence documents of core.services it links)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import FileRejected
from core.models import DocumentVersion
from core.services import add_document_version, create_document, history_for
from plans import services
from plans.tests.conftest import PDF

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def pdf(data):
    return SimpleUploadedFile("bc2.pdf", data, content_type="application/pdf")


def test_evidence_has_hash_versions_and_counts_on_the_task(task, org, today, cal, new_document):
    doc = new_document(org.officer, "Báo cáo kết quả", unit=org.unit_a, doc_number="05/BC-BQLKKTCK", issuer="BQL")
    v1 = doc.versions.get()
    import hashlib

    assert v1.sha256 == hashlib.sha256(PDF).hexdigest() and v1.size == len(PDF) and v1.version == 1
    add_document_version(actor=org.officer, document=doc, fileobj=pdf(PDF + b"%v2"), filename="bc2.pdf")
    assert list(doc.versions.values_list("version", flat=True)) == [2, 1]
    services.link_evidence(actor=org.officer, task=task, document=doc, today=today, cal=cal)
    task.refresh_from_db()
    assert task.evidence_count == 1
    assert history_for(task).filter(action="task.evidence_linked").exists()


def test_one_document_evidences_several_tasks(make_task, org, today, cal, new_document):
    a, b = make_task(), make_task()
    doc = new_document(org.office, "Kế hoạch kiểm tra")
    for t in (a, b):
        services.link_evidence(actor=org.office, task=t, document=doc, today=today, cal=cal)
    assert doc.task_links.count() == 2


def test_rejected_file_leaves_nothing(org):
    with pytest.raises(FileRejected):
        create_document(
            actor=org.officer,
            agency=org.agency,
            unit=None,
            fileobj=io.BytesIO(b"MZ" * 100),
            filename="virus.pdf",
            abstract="x",
        )
    assert not DocumentVersion.objects.exists()
    from core.models import Document

    assert not Document.objects.exists()


def test_evidence_of_another_agency_cannot_be_linked(task, org, today, cal, new_document):
    doc = new_document(org.outsider, "SCT", agency=org.other)
    with pytest.raises(ValueError):
        services.link_evidence(actor=org.office, task=task, document=doc, today=today, cal=cal)
