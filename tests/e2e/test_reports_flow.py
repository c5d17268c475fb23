"""Reports in Chromium: the Office opens the reports, makes the quarter III report, writes its own
text for a part, saves, asks for the DOCX; the worker produces it while the page shows its
progress, and the file downloads with the text in it. Every reports page renders in Vietnamese.
Screenshots in var/screenshots/."""

import io
import re
import threading

import pytest
from docx import Document
from playwright.sync_api import expect

from plans.models import Plan
from reports import jobs
from reports.models import GeneratedFile, Report

pytestmark = pytest.mark.e2e

ENGLISH_UI = re.compile(r"\b(Report|Reports|Export|Download|Template|Generated|Save|Waiting|Ready|Upload)\b")


def test_the_office_makes_edits_and_downloads_the_quarter_report(page, live_server, demo, log_in, shot):
    log_in("vanphong")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("h1")).to_have_text("Báo cáo")
    page.select_option("#id_kind", "q3")
    page.fill("#id_year", "2026")
    page.get_by_role("button", name="Tạo báo cáo").click()
    expect(page.locator("h1")).to_have_text("Báo cáo CCHC: quý III năm 2026")
    expect(page.locator("#part-II\\.2 .report-auto")).to_contain_text("Giải quyết TTHC (từ ngày 15/06/2026")
    page.fill("#text-V", "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ kiểm soát TTHC.")
    expect(page.get_by_role("button", name="Báo cáo (DOCX)")).to_be_disabled()  # parts still to write
    for key in ("III\\.1", "III\\.2", "III\\.3\\.a", "III\\.3\\.b"):
        page.fill(f"#text-{key}", "Văn phòng viết phần này.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo")
    shot("report-edit", full_page=False)
    # typed and not saved: the file button says so and makes nothing (the file is from the saved report)
    page.fill("#text-IV", "Một đoạn chưa lưu.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Báo cáo (DOCX)").click()
    expect(page.locator("#files li")).to_have_count(0)
    assert dialogs and "chưa được lưu" in dialogs[0]
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo")
    page.get_by_role("button", name="Báo cáo (DOCX)").click()
    item = page.locator("#files li").first
    expect(item).to_contain_text("Đang chờ")  # queued: the page polls it
    report = Report.objects.get(kind="q3", year=2026)
    worker = threading.Thread(target=jobs.process_queue)  # the worker process, here a thread
    worker.start()
    worker.join()
    expect(item.get_by_role("link", name=re.compile("Tải về"))).to_be_visible(timeout=10_000)
    shot("report-ready", full_page=False)
    with page.expect_download() as download:
        item.get_by_role("link", name=re.compile("Tải về")).click()
    data = open(download.value.path(), "rb").read()  # noqa: PTH123, SIM115
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ kiểm soát TTHC." in text
    assert GeneratedFile.objects.get(report=report).requested_by.username == "vanphong"


def test_every_reports_page_renders_in_vietnamese(page, live_server, demo, log_in, shot, visit_in_vietnamese):
    log_in("vanphong")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("button", name="Tạo báo cáo").click()
    report = Report.objects.order_by("-pk").first()
    plan = Plan.objects.get(agency__code="BQLKKTCK", year=2026)
    visits = [
        ("reports-plan-text", f"/reports/plans/{plan.pk}/text/"),
        ("reports-home", "/reports/"),
        ("reports-report", f"/reports/{report.pk}/"),
        ("reports-templates", "/reports/templates/"),
    ]
    visit_in_vietnamese(visits, ENGLISH_UI)
