"""The report's page (report_detail, generate, refresh_figures): its cut-off and whether its figures
are frozen or provisional, read once; the legal basis; the system's paragraphs the Office may
rewrite (kept only when changed) and restore; the parts the Office must write, listed while empty,
and no document made until they are written; typed text kept on a failed save."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from reports import figures as figures_module
from reports import services
from reports.figures import collect
from reports.forms import MAX_TEXT
from reports.models import GeneratedFile, Report
from reports.outline import OFFICE_KEYS, SYSTEM, parts
from reports.tests.helpers import D, make_report


@pytest.fixture
def q1(org, tasks, dossiers):
    """The Q1 2026 report, its cut-off (14/03/2026) passed, none of the Office's parts written."""
    assert timezone.localdate() > D(2026, 3, 14)
    return make_report(
        org, kind="q1", texts={}, basis="Thực hiện Kế hoạch số 10/KH-UBND ngày 05/01/2026 của UBND tỉnh;"
    )


def url(report):
    return reverse("reports:report", args=[report.pk])


def form_data(report, **texts):
    """The page's form as it comes, with `texts` (field name -> value) changed."""
    data = {
        "title": report.title,
        "basis": report.basis,
        "number": report.number or "",
        "issued_on": f"{report.issued_on:%d/%m/%Y}" if report.issued_on else "",
        "signer_authority": report.signer_authority,
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
        "recipients": report.recipients,
        "archive": report.archive,
    }
    for part in parts(collect(report.agency, report.period), report.texts):
        if part.editable:
            data[f"text_{part.key}"] = part.text
            if part.generated:
                data[f"system_{part.key}"] = "\n".join(part.auto)
                data[f"base_{part.key}"] = "\n".join(part.generated)
    data.update(texts)
    return data


def all_office_parts():
    return {f"text_{key}": f"Văn phòng viết phần {key}." for key in OFFICE_KEYS}


def test_the_page_reads_the_figures_once_and_says_they_are_not_frozen_yet(client, org, q1, monkeypatch):
    calls = []
    real = figures_module.collect
    monkeypatch.setattr(figures_module, "collect", lambda *a, **k: calls.append(a) or real(*a, **k))
    client.force_login(org.office)
    page = client.get(url(q1)).content.decode()
    assert len(calls) == 1
    assert "Số liệu tính đến hết ngày 14/03/2026" in page
    assert "Chưa chốt số liệu" in page and "tệp đầu tiên được tạo sẽ chốt" in page
    assert "Thực hiện Kế hoạch số 10/KH-UBND ngày 05/01/2026 của UBND tỉnh;" in page  # the basis, editable
    assert 'name="basis"' in page


def test_frozen_figures_say_when_and_by_whom_and_are_not_read_again(client, org, q1, monkeypatch):
    figures = collect(org.agency, q1.period)
    services.freeze_figures(actor=org.office, report=q1, figures=figures)
    calls = []
    real = figures_module.collect
    monkeypatch.setattr(figures_module, "collect", lambda *a, **k: calls.append(a) or real(*a, **k))
    client.force_login(org.leader)
    page = client.get(url(q1)).content.decode()
    assert calls == []
    local = timezone.localtime(q1.snapshot_at)
    assert f"Đã chốt lúc {local:%d/%m/%Y %H:%M} bởi {org.office.display_name}" in page
    assert reverse("reports:refresh_figures", args=[q1.pk]) in page


def test_before_the_cut_off_the_page_says_the_figures_are_provisional(client, org, tasks):
    today = timezone.localdate()
    report = Report.objects.create(agency=org.agency, year=today.year + 1, kind="q1", title="Báo cáo quý I")
    client.force_login(org.office)
    page = client.get(url(report)).content.decode()
    assert "Số liệu tạm tính" in page and f"{report.period.end:%d/%m/%Y}" in page
    assert reverse("reports:refresh_figures", args=[report.pk]) not in page


def test_the_office_parts_are_marked_listed_while_empty_and_block_the_document(client, org, q1):
    client.force_login(org.office)
    page = client.get(url(q1)).content.decode()
    assert page.count("Văn phòng viết phần này") == len(OFFICE_KEYS)
    top = page[page.index('id="missing-parts"') : page.index('id="report-form"')]
    assert "V. Đề xuất, kiến nghị" in top and "III.3.a. Nguyên nhân khách quan" in top
    assert "I. CÔNG TÁC CHỈ ĐẠO" not in top  # written by the system: not missing
    assert page.count("disabled") >= 2  # DOCX and PDF; the annex workbook has no parts
    response = client.post(reverse("reports:generate"), {"kind": "report_docx", "report": q1.pk}, follow=True)
    assert response.redirect_chain[-1][0] == url(q1)
    assert "Văn phòng chưa viết các phần" in response.content.decode() and "III.3.a" in response.content.decode()
    assert not GeneratedFile.objects.filter(kind="report_docx").exists()
    response = client.post(reverse("reports:generate"), {"kind": "report_pdf", "report": q1.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == url(q1)
    assert not GeneratedFile.objects.exists()
    assert client.post(reverse("reports:generate"), {"kind": "report_xlsx", "report": q1.pk}).status_code == 302
    assert GeneratedFile.objects.filter(kind="report_xlsx").count() == 1
    assert client.post(url(q1), form_data(q1, **all_office_parts())).status_code == 302
    page = client.get(url(q1)).content.decode()
    assert 'id="missing-parts"' not in page
    client.post(reverse("reports:generate"), {"kind": "report_docx", "report": q1.pk})
    assert GeneratedFile.objects.filter(kind="report_docx").count() == 1


def test_the_system_paragraphs_are_kept_only_when_the_office_changes_them(client, org, q1):
    client.force_login(org.office)
    assert client.post(url(q1), form_data(q1)).status_code == 302  # unchanged: nothing kept
    q1.refresh_from_db()
    assert not [key for key in q1.texts if key.endswith(SYSTEM)]
    data = form_data(q1)
    edited = data["system_I"].replace("Ban Quản lý", "Lãnh đạo Ban Quản lý", 1) + "\nĐoạn Văn phòng thêm."
    assert edited != data["system_I"]
    assert client.post(url(q1), {**data, "system_I": edited.replace("\n", "\r\n")}).status_code == 302
    q1.refresh_from_db()
    assert q1.texts == {"I" + SYSTEM: edited}
    assert AuditEntry.objects.filter(action="report.saved").count() == 2
    page = client.get(url(q1)).content.decode()
    assert "Đoạn Văn phòng thêm." in page and "số liệu trong đó không còn tự cập nhật" in page
    assert client.post(url(q1), form_data(q1)).status_code == 302  # saved again untouched: the edit stays
    q1.refresh_from_db()
    assert q1.texts == {"I" + SYSTEM: edited}
    assert client.post(url(q1), form_data(q1, restore_I="on")).status_code == 302
    q1.refresh_from_db()
    assert q1.texts == {}
    assert "Đoạn Văn phòng thêm." not in client.get(url(q1)).content.decode()


def test_a_failed_save_keeps_what_was_typed(client, org, q1):
    client.force_login(org.office)
    typed = form_data(q1, title="", text_V="Đề nghị Sở Nội vụ tập huấn.", basis="Căn cứ Kế hoạch số 5/KH-UBND;")
    typed["system_I"] += "\nMột câu Văn phòng thêm."
    response = client.post(url(q1), typed)
    page = response.content.decode()
    assert response.status_code == 400 and response.context["form"].errors["title"]
    assert ">Đề nghị Sở Nội vụ tập huấn.</textarea>" in page
    assert "Một câu Văn phòng thêm." in page and "Căn cứ Kế hoạch số 5/KH-UBND;" in page
    q1.refresh_from_db()
    assert q1.texts == {} and q1.basis.startswith("Thực hiện")
    response = client.post(url(q1), form_data(q1, text_V="x" * (MAX_TEXT + 1)))
    assert response.status_code == 400 and "tối đa" in response.content.decode()
    q1.refresh_from_db()
    assert q1.texts == {}


def test_the_basis_is_saved_with_the_report(client, org, q1):
    client.force_login(org.office)
    basis = "Thực hiện Kế hoạch số 10/KH-UBND ngày 05/01/2026 của UBND tỉnh;\nCăn cứ Kế hoạch số 125/KH-BQLKKTCK;"
    assert client.post(url(q1), form_data(q1, basis=basis)).status_code == 302
    q1.refresh_from_db()
    assert q1.basis == basis
    assert "basis" in AuditEntry.objects.get(action="report.saved").changes


def test_taking_the_figures_again_needs_a_confirmation_and_a_manager(client, org, q1):
    services.freeze_figures(actor=org.office, report=q1, figures=collect(org.agency, q1.period))
    refresh = reverse("reports:refresh_figures", args=[q1.pk])
    client.force_login(org.auditor)
    assert client.post(refresh, {"confirm": "on"}).status_code == 403
    client.force_login(org.office)
    response = client.post(refresh, follow=True)
    assert "Hãy đánh dấu “Tôi xác nhận” để tiếp tục." in response.content.decode()
    q1.refresh_from_db()
    assert q1.snapshot is not None
    response = client.post(refresh, {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == url(q1)
    q1.refresh_from_db()
    assert q1.snapshot is None and AuditEntry.objects.get(action="report.figures_refreshed").actor == org.office
    response = client.post(refresh, {"confirm": "on"}, follow=True)  # not frozen any more: said politely
    assert response.redirect_chain[-1][0] == url(q1) and "chưa được chốt" in response.content.decode()


def test_the_home_page_says_which_reports_have_frozen_figures(client, org, q1):
    services.freeze_figures(actor=org.office, report=q1, figures=collect(org.agency, q1.period))
    other = make_report(org, kind="half", texts={})
    client.force_login(org.office)
    page = client.get(reverse("reports:home")).content.decode()
    assert f"chốt ngày {timezone.localtime(q1.snapshot_at):%d/%m/%Y}" in page
    assert other.snapshot is None and "từ sổ theo dõi" in page
