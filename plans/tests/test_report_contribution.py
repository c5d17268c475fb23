"""A coordinating unit reports its own part of a task (plans:report_contribution, D10); the
overall progress stays the lead unit's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from plans import services
from plans.models import TaskContribution

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def shared(make_task, org):
    """A task of the QLDN unit (unit_a) coordinated by KHTH (unit_b, other_officer's)."""
    return make_task(lead_unit=org.unit_a, coordinating_units=[org.unit_b])


def test_the_coordinating_officer_reports_the_units_part_with_a_document(login, org, shared, said):
    client = login(org.other_officer)
    url = reverse("plans:report_contribution", args=[shared.pk])
    response = client.post(
        url,
        {
            "unit": org.unit_b.pk,
            "progress": 40,
            "text": "Đã rà soát 12/30 văn bản",
            "doc-abstract": "Báo cáo rà soát của Phòng KHTH",
            "doc-doc_number": "07/BC-KHTH",
            "doc-file": SimpleUploadedFile("ra-soat.pdf", PDF),
        },
    )
    assert response.status_code == 302 and said(response) == [_("Your unit's part was saved.")]
    part = TaskContribution.objects.get(task=shared)
    assert (part.unit, part.progress, part.updated_by) == (org.unit_b, 40, org.other_officer)
    assert [d.doc_number for d in part.documents.all()] == ["07/BC-KHTH"]
    shared.refresh_from_db()
    assert shared.progress == 0  # the task's own progress is the lead unit's
    entry = AuditEntry.objects.get(action="task.contribution", object_id=str(shared.pk))
    assert entry.changes["contribution"] == [None, f"{org.unit_b.name}: 40%"]
    # the lead unit sees it on the task page, with its document to link to the task
    page = login(org.officer).get(reverse("plans:task_detail", args=[shared.pk]))
    assert list(page.context["contributions"]) == [part]
    body = page.content.decode()
    assert "Đã rà soát 12/30 văn bản" in body and "07/BC-KHTH" in body
    document = part.documents.get()
    linked = login(org.officer).post(reverse("plans:link_evidence", args=[shared.pk]), {"document": document.pk})
    assert linked.status_code == 302 and shared.evidence_links.filter(document=document).exists()


def test_a_second_report_updates_the_part_and_is_audited(org, shared):
    services.report_contribution(actor=org.other_officer, task=shared, unit=org.unit_b, progress=40, text="A")
    services.report_contribution(actor=org.other_officer, task=shared, unit=org.unit_b, progress=80, text="B")
    part = TaskContribution.objects.get(task=shared)
    assert (part.progress, part.text) == (80, "B")
    last = AuditEntry.objects.filter(action="task.contribution").order_by("-pk").first()
    assert last.changes["contribution"] == [f"{org.unit_b.name}: 40%", f"{org.unit_b.name}: 80%"]


def test_errors_keep_what_was_typed(login, org, shared):
    client = login(org.other_officer)
    text = "Phần việc của phòng KHTH " * 200  # more than 4.000 characters
    response = client.post(
        reverse("plans:report_contribution", args=[shared.pk]),
        {
            "unit": org.unit_b.pk,
            "progress": 140,
            "text": text,
            "doc-abstract": "BC",
            "doc-file": SimpleUploadedFile("x.pdf", b"MZ"),
        },
    )
    assert response.status_code == 400
    form = response.context["contribution_form"]
    assert set(form.errors) == {"progress", "text"}
    body = response.content.decode()
    assert text.strip() in body and "x.pdf" in body
    assert not TaskContribution.objects.exists()


def test_only_a_coordinating_unit_reports_a_part(login, org, shared, make_task):
    url = reverse("plans:report_contribution", args=[shared.pk])
    data = {"unit": org.unit_b.pk, "progress": 10, "text": "x"}
    for person in (org.officer, org.office, org.auditor):  # the lead unit, the Office, read-only
        assert login(person).post(url, data).status_code == 403
    assert login(org.outsider).post(url, data).status_code == 404
    other = make_task(lead_unit=org.unit_a, coordinating_units=[org.units["VP"]])  # not KHTH's part
    assert login(org.other_officer).post(reverse("plans:report_contribution", args=[other.pk]), data).status_code == 404
    assert not TaskContribution.objects.exists()


def test_a_unit_reports_only_its_own_part(login, org, shared):
    """A coordinating officer cannot post for another coordinating unit: the choice is refused."""
    shared.coordinating_units.add(org.units["VP"])
    response = login(org.other_officer).post(
        reverse("plans:report_contribution", args=[shared.pk]),
        {"unit": org.units["VP"].pk, "progress": 10, "text": "x"},
    )
    assert response.status_code == 400 and "unit" in response.context["contribution_form"].errors
    assert not TaskContribution.objects.exists()


def test_the_lead_unit_gets_the_overall_form_and_the_coordinating_unit_its_part(login, org, shared):
    lead = login(org.officer).get(reverse("plans:task_detail", args=[shared.pk]))
    assert 'id="progress-form"' in lead.content.decode() and lead.context["contribution_form"] is None
    coordinating = login(org.other_officer).get(reverse("plans:task_detail", args=[shared.pk]))
    body = coordinating.content.decode()
    assert 'id="progress-form"' not in body and reverse("plans:report_contribution", args=[shared.pk]) in body


def test_a_refused_part_leaves_no_document_in_the_library(login, org, shared, monkeypatch):
    """The document of a part is filed in the same transaction as the part: when the part is
    refused (the task closed meanwhile), the upload leaves no document behind."""
    from core.models import Document

    def closed(**kwargs):
        raise services.WorkflowError("Nhiệm vụ đã kết thúc.")

    monkeypatch.setattr(services, "report_contribution", closed)
    before = Document.objects.count()
    upload = SimpleUploadedFile("phan-viec.pdf", PDF)
    login(org.other_officer).post(
        reverse("plans:report_contribution", args=[shared.pk]),
        {
            "unit": org.unit_b.pk,
            "progress": 50,
            "text": "Đã làm một nửa",
            "doc-abstract": "Báo cáo",
            "doc-file": upload,
        },
    )
    assert Document.objects.count() == before
