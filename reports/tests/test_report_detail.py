"""The report page (create, report_detail, generate, download): the Office makes the quarter's
report, edits it in the page and exports it."""

import io

from django.urls import reverse
from docx import Document

from core.models import AuditEntry
from reports import jobs
from reports.models import GeneratedFile, Report
from reports.outline import OFFICE_KEYS


def test_the_office_edits_the_report_in_the_page_and_exports(client, org, tasks):
    client.force_login(org.office)
    response = client.post(reverse("reports:create"), {"kind": "q1", "year": 2026})
    report = Report.objects.get(agency=org.agency, kind="q1", year=2026)
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    assert report.title.endswith("quý I năm 2026")
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "từ ngày 15/12/2025 đến hết ngày 14/03/2026" in page and "Nhiệm vụ T1" not in page
    data = {
        "title": report.title,
        "number": "3",
        "issued_on": "2026-03-18",
        "signer_authority": "KT. TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Hoàng Việt Đông",
        "recipients": "Sở Nội vụ",
        "archive": "VT, VP",
        "text_II.1": "Rà soát 3 văn bản quy phạm pháp luật.",
        **{f"text_{key}": f"Văn phòng viết phần {key}." for key in OFFICE_KEYS},
    }
    assert client.post(reverse("reports:report", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.texts["II.1"] == "Rà soát 3 văn bản quy phạm pháp luật." and report.number == 3
    assert set(report.texts) == {"II.1", *OFFICE_KEYS}
    entry = AuditEntry.objects.get(action="report.saved")
    assert entry.actor == org.office and "texts" in entry.changes
    response = client.post(
        reverse("reports:generate"), {"kind": "report_docx", "report": report.pk}, HTTP_HX_REQUEST="true"
    )
    item = GeneratedFile.objects.get(report=report)
    assert response.status_code == 200 and f"file-{item.pk}" in response.content.decode()
    jobs.process_queue()
    download = client.get(reverse("reports:download", args=[item.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and "Rà soát 3 văn bản quy phạm pháp luật." in [
        p.text for p in Document(io.BytesIO(body)).paragraphs
    ]


def test_a_period_reported_already_opens_its_report(client, org):
    client.force_login(org.office)
    client.post(reverse("reports:create"), {"kind": "half", "year": 2026})
    report = Report.objects.get(agency=org.agency, kind="half", year=2026)
    client.force_login(org.leader)
    response = client.post(reverse("reports:create"), {"kind": "half", "year": 2026}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:report", args=[report.pk])
    assert "Báo cáo kỳ này đã có; đây là báo cáo đó." in response.content.decode()
    assert Report.objects.filter(agency=org.agency).count() == 1
    assert AuditEntry.objects.filter(action="report.created").count() == 1


def test_a_new_report_needs_its_period_and_year(client, org):
    client.force_login(org.office)
    response = client.post(reverse("reports:create"), {"kind": "q2", "year": 2026}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:home") and not Report.objects.exists()
    assert "Chọn kỳ báo cáo và năm." in response.content.decode()


def test_the_auditor_reads_the_report_but_may_not_save_it(client, org):
    client.force_login(org.office)
    client.post(reverse("reports:create"), {"kind": "q1", "year": 2026})
    report = Report.objects.get()
    url = reverse("reports:report", args=[report.pk])
    client.force_login(org.auditor)
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_write"] is False
    assert client.post(url, {"title": "Khác", "archive": "VT"}).status_code == 403
    report.refresh_from_db()
    assert report.title.endswith("quý I năm 2026")


def test_blank_texts_are_not_kept_and_a_bad_form_shows_again(client, org):
    client.force_login(org.office)
    client.post(reverse("reports:create"), {"kind": "q1", "year": 2026})
    report = Report.objects.get()
    url = reverse("reports:report", args=[report.pk])
    data = {"title": report.title, "archive": "VT, VP", "text_I": "  ", "text_V": " Đề nghị tập huấn. "}
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.texts == {"V": "Đề nghị tập huấn."}
    response = client.post(url, {**data, "title": "", "text_V": "Khác"})
    assert response.status_code == 400 and response.context["form"].errors["title"]
    assert ">Khác</textarea>" in response.content.decode()  # what was typed is kept
    report.refresh_from_db()
    assert report.texts == {"V": "Đề nghị tập huấn."}
