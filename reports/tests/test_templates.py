"""Uploaded templates (the templates page, reports.templating, the worker's trial): sandboxed,
tried before use, falling back to the built-in layout."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from core.web import DOCX
from reports import jobs, templating
from reports.models import DocumentTemplate
from reports.tests.helpers import make_report, produce


def test_an_uploaded_template_is_sandboxed_checked_and_used(client, org, tasks):
    report = make_report(org)
    client.force_login(org.admin)
    url = reverse("reports:templates")
    good = templating.sample_template("report")
    response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("bc.docx", good)})
    assert response.status_code == 302
    assert not DocumentTemplate.objects.get(agency=org.agency).active  # tried by the worker first
    assert jobs.check_templates() == 1
    assert DocumentTemplate.objects.get(agency=org.agency).active
    item, data = produce(org, "report_docx", report=report)
    assert item.template_used == "bc.docx"
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert report.title in text and "III. ĐÁNH GIÁ CHUNG" in text and "Hoàn thành đúng hạn phần lớn nhiệm vụ." in text
    # a broken template and one reaching into Python are refused, with the reason
    for tag in (
        "{{ title ",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ 'x' * 10**10 }}",
        "{{ 'x' * 9999999 }}",
    ):
        broken = Document()
        broken.add_paragraph(tag)
        buffer = io.BytesIO()
        broken.save(buffer)
        response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("x.docx", buffer.getvalue())})
        assert response.status_code == 302 and jobs.check_templates() == 1, tag
        assert "Mẫu có lỗi" in client.get(url).content.decode(), tag
    response = client.post(url, {"kind": "report", "file": SimpleUploadedFile("x.docx", b"not a zip")})
    assert "không phải văn bản Word" in response.content.decode()
    assert DocumentTemplate.objects.filter(agency=org.agency, check_state="refused", active=False).count() == 4
    assert DocumentTemplate.objects.filter(agency=org.agency, active=True).get().name == "bc.docx"
    # back to the built-in layout
    client.post(reverse("reports:template_off", args=[DocumentTemplate.objects.get(active=True).pk]))
    item, _data = produce(org, "report_docx", report=report)
    assert item.template_used == ""


def test_a_template_failing_later_falls_back_to_the_built_in_layout(org, tasks):
    report = make_report(org)
    bad = Document()
    bad.add_paragraph("{{ parts[99].heading }}")  # fine on upload day, fails on this data
    buffer = io.BytesIO()
    bad.save(buffer)
    template = DocumentTemplate(agency=org.agency, kind="report", name="cu.docx", sha256="x")
    template.file.save("t.docx", ContentFile(buffer.getvalue()), save=True)
    item, data = produce(org, "report_docx", report=report)
    assert item.template_used == "" and "cu.docx" in item.step
    assert "BÁO CÁO" in [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_the_sample_template_downloads_as_a_word_file(client, org):
    client.force_login(org.officer)  # a starting template is no secret
    response = client.get(reverse("reports:sample_template", args=["plan"]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="mau-plan.docx"'
    assert Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs
    assert client.get("/reports/templates/sample/other.docx").status_code == 404


def test_only_a_manager_takes_a_template_out_of_use(client, org):
    template = DocumentTemplate.objects.create(
        agency=org.agency, kind="report", name="bc.docx", sha256="x", active=True
    )
    url = reverse("reports:template_off", args=[template.pk])
    client.force_login(org.auditor)
    assert client.post(url).status_code == 403
    client.force_login(org.admin)
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:templates")
    assert "Đã quay lại dùng mẫu mặc định của hệ thống." in response.content.decode()
    template.refresh_from_db()
    assert not template.active
    assert client.post(reverse("reports:template_off", args=[template.pk + 1])).status_code == 404


def test_a_file_that_is_not_a_word_document_is_refused_on_upload(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("reports:templates"), {"kind": "plan", "file": SimpleUploadedFile("x.docx", b"PK")})
    assert response.status_code == 200 and "không phải văn bản Word" in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    client.force_login(org.auditor)
    good = SimpleUploadedFile("bc.docx", templating.sample_template("plan"))
    assert client.post(reverse("reports:templates"), {"kind": "plan", "file": good}).status_code == 403
