"""The newcomer's path: the Office sees the plan, an officer reports progress with evidence,
an officer of another agency sees none of it."""

import re

import pytest
from playwright.sync_api import expect

from core.reference import DEMO_PASSWORD
from plans.models import Task

pytestmark = pytest.mark.e2e


def test_newcomer_path(page, live_server, demo, log_in, shot, tmp_path):
    # 1. The Office focal point sees the 2026 plan's tasks on the dashboard.
    log_in("vanphong")
    page.goto(f"{live_server.url}/plans/")  # the Office lands on its day's work; the plan's dashboard is one click away
    expect(page.locator("h1")).to_have_text(re.compile("Theo dõi|monitoring", re.I))
    total = Task.objects.filter(agency__code="BQLKKTCK").count()
    expect(page.locator(".stat .value").first).to_have_text(str(total))
    expect(page.get_by_role("link", name=re.compile("Văn phòng")).first).to_be_visible()
    shot("dashboard")
    page.goto(f"{live_server.url}/plans/tasks/?sort=deadline")
    shot("tasks", full_page=False)
    page.fill("#q", "tthc")  # the search box filters as you type (htmx), ignoring diacritics
    expect(page.locator("#task-table")).to_contain_text("TTHC")
    expect(page.locator("#task-table")).not_to_contain_text("Nền tảng cửa khẩu số")

    # 2. An officer posts progress with an evidence file.
    task = Task.objects.get(code="PL1.15")
    log_in("chuyenvien.qldn")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    evidence = tmp_path / "bao-cao-tuyen-truyen.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bao cao\n%%EOF\n")
    page.fill("#id_abstract", "Báo cáo kết quả tuyên truyền DVC trực tuyến")
    page.fill("#id_doc_number", "21/BC-QLDN")
    page.set_input_files("#id_file", str(evidence))
    page.get_by_role("button", name=re.compile("Tải lên và liên kết|Upload and link")).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Báo cáo kết quả tuyên truyền DVC trực tuyến")).to_be_visible()
    page.fill("#id_progress", "55")
    page.fill("#id_text", "Đã tổ chức 2 buổi tuyên truyền tại doanh nghiệp")
    page.locator("#progress-form button[type=submit]").click()
    page.wait_for_url(re.compile(f"/plans/tasks/{task.pk}/$"))
    expect(page.locator(".timeline").first).to_contain_text("Đã tổ chức 2 buổi tuyên truyền")
    expect(page.locator(".progress-bar").first).to_have_text("55%")
    shot("task_detail")
    task.refresh_from_db()
    assert task.progress == 55 and task.evidence_count == 1

    # 3. An officer of another agency sees none of it.
    log_in("chuyenvien.sct")
    page.goto(f"{live_server.url}/plans/")
    expect(page.locator(".stat .value").first).to_have_text("0")
    assert "PL1.15" not in page.content()
    response = page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    assert response.status == 404


def test_progress_form_shows_errors_in_place(page, live_server, demo, log_in):
    task = Task.objects.get(code="PL1.14")
    log_in("chuyenvien.qldn")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    page.fill("#id_progress", "150")
    page.fill("#id_text", "x")
    page.evaluate("document.querySelector('#progress-form').noValidate = true")
    page.locator("#progress-form button[type=submit]").click()
    expect(page.locator("#progress-form .invalid-feedback")).to_be_visible()
    assert page.url.endswith(f"/plans/tasks/{task.pk}/")


def test_dashboard_is_usable_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name=re.compile("Menu|Trình đơn")).click()
    expect(page.locator("#sidenav").get_by_role("link", name=re.compile("Tất cả nhiệm vụ|All tasks"))).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow
    context.close()
