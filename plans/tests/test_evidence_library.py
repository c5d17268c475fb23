"""The evidence library: who sees which documents, and where they are used."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def pdf():
    return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")


def test_library_is_scoped_to_what_the_person_may_see(login, org, make_task, today, cal, new_document):
    qldn_task = make_task(lead_unit=org.unit_a)
    new_document(org.other_officer, "Tài liệu của KHTH", unit=org.unit_b)
    qldn_doc = new_document(org.office, "Tài liệu của nhiệm vụ QLDN")
    services.link_evidence(actor=org.office, task=qldn_task, document=qldn_doc, today=today, cal=cal)

    def library(user):
        return {d.abstract for d in login(user).get(reverse("evidence_library")).context["documents"]}

    assert library(org.office) == {"Tài liệu của KHTH", "Tài liệu của nhiệm vụ QLDN"}
    assert library(org.officer) == {"Tài liệu của nhiệm vụ QLDN"}  # through the task it evidences
    assert library(org.other_officer) == {"Tài liệu của KHTH"}  # its unit's document
    assert library(org.outsider) == set()
    assert login(org.other_officer).get(reverse("evidence_detail", args=[qldn_doc.pk])).status_code == 404


def test_evidence_page_lists_only_tasks_the_person_may_see(login, org, make_task, today, cal, new_document):
    mine = make_task(code="QL01", lead_unit=org.unit_b)
    hidden = make_task(code="QL02", lead_unit=org.unit_a)
    doc = new_document(org.other_officer, "Dùng chung", unit=org.unit_b)
    for task in (mine, hidden):
        services.link_evidence(actor=org.office, task=task, document=doc, today=today, cal=cal)
    uses = login(org.other_officer).get(reverse("evidence_detail", args=[doc.pk])).context["uses"]
    assert [label for label, _url in uses] == ["QL01"]
    uses = login(org.office).get(reverse("evidence_detail", args=[doc.pk])).context["uses"]
    assert [label for label, _url in uses] == ["QL01", "QL02"]


def test_upload_page_saves_a_document_with_its_metadata(login, org):
    response = login(org.officer).post(
        reverse("evidence_upload"),
        {
            "abstract": "Quyết định kiện toàn",
            "doc_number": "12/QĐ-BQLKKTCK",
            "issued_on": "2026-10-01",
            "issuer": "BQL",
            "file": pdf(),
        },
    )
    assert response.status_code == 302
    bad = login(org.officer).post(
        reverse("evidence_upload"), {"abstract": "x", "file": SimpleUploadedFile("x.pdf", b"not a pdf")}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["file"]
