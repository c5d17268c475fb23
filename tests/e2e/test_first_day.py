"""The first day of an agency on the product, role by role, in the browser: the administrator adds a
unit and an officer; the Office gives the officer a task; the officer signs in, finds it on the
landing page and reports it done with evidence in under ten actions; the unit head approves; the
leader sees it done; the appraiser of the Sở Nội vụ opens the province overview. Each landing page
is photographed (docs/screenshots/ keeps the copies looked at)."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Unit, User
from plans.models import Task, TaskStatus

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Mua-xuan-Dong-Dang-2027"


def _submit(page, form_selector="main form[method=post]"):
    page.locator(form_selector).last.locator("button[type=submit], button:not([type])").last.click()
    page.wait_for_load_state("networkidle")


def test_the_first_day_of_every_role(page, live_server, demo, log_in, shot, tmp_path):
    url = live_server.url

    # The administrator: a new unit and a new officer, without Django's admin.
    log_in("quantri")
    shot("first_day_1_administrator_landing", full_page=False)
    page.get_by_role("link", name=re.compile("^Quản trị")).first.click()
    page.goto(f"{url}/administration/units/new/")
    page.fill("#id_code", "XTDT")
    page.fill("#id_name", "Phòng Xúc tiến đầu tư")
    _submit(page)
    expect(page.locator(".alert-success")).to_be_visible()
    assert Unit.objects.filter(code="XTDT", agency__code="BQLKKTCK").exists()

    page.goto(f"{url}/administration/people/new/")
    page.fill("#id_username", "chuyenvien.moi")
    page.fill("#id_full_name", "Trần Thị Mới")
    page.select_option("#id_role", "officer")
    page.select_option("#id_unit", label="QLDN — Phòng Quản lý Doanh nghiệp")
    _submit(page)
    temporary = page.get_by_test_id("temporary-password").inner_text().strip()
    assert len(temporary) >= 12
    newcomer = User.objects.get(username="chuyenvien.moi")
    assert newcomer.must_change_password

    # The Office gives the newcomer a task of the unit.
    task = Task.objects.get(code="PL1.15")
    log_in("vanphong")
    shot("first_day_2_office_landing", full_page=False)
    page.goto(f"{url}/plans/tasks/{task.pk}/edit/")
    page.select_option("#id_assignees", label="Trần Thị Mới")
    _submit(page)
    assert task.assignees.filter(pk=newcomer.pk).exists()

    # The officer: chooses a password, lands on today's work, reports the task done with evidence.
    log_in("chuyenvien.moi", temporary)
    expect(page).to_have_url(re.compile("/password/"))
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    _submit(page)
    page.goto(f"{url}/")
    mine = page.locator("[data-panel=my_tasks]")
    expect(mine).to_contain_text(task.code)
    shot("first_day_3_officer_landing", full_page=False)

    evidence = tmp_path / "bao-cao-xuc-tien.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bao cao\n%%EOF\n")
    actions = 0
    mine.get_by_role("link", name=re.compile(re.escape(task.code))).first.click()  # 1
    actions += 1
    page.fill("#id_abstract", "Báo cáo kết quả hỗ trợ doanh nghiệp năm 2026")  # 2
    page.set_input_files("#id_file", str(evidence))  # 3
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Tải lên và liên kết")).click()  # 4
    actions += 3
    page.fill("#id_progress", "100")  # 5
    page.fill("#id_text", "Đã hoàn thành, gửi báo cáo kèm theo")  # 6
    with page.expect_navigation():
        page.locator("#progress-form button[type=submit]").click()  # 7
    actions += 3
    assert actions < 10
    expect(page.locator(".alert-success")).to_be_visible()
    task.refresh_from_db()
    assert task.progress == 100 and task.evidence_count == 1

    # The unit head sees the approval waiting on landing and approves.
    log_in("truongphong.qldn")
    approvals = page.locator("[data-panel=approvals]")
    expect(approvals).to_contain_text(task.code)
    shot("first_day_4_unit_head_landing", full_page=False)
    approvals.get_by_role("link", name=re.compile(re.escape(task.code))).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Phê duyệt")).first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    task.refresh_from_db()
    assert task.status in (TaskStatus.DONE, TaskStatus.DONE_LATE)

    # The leader sees it done.
    log_in("lanhdao")
    shot("first_day_5_leader_landing", full_page=False)
    page.goto(f"{url}/plans/tasks/{task.pk}/")
    expect(page.locator("main")).to_contain_text("Hoàn thành")

    # The appraiser lands on the province's rounds and opens the province overview.
    log_in("thamdinh")
    expect(page.locator("[data-panel=rounds]")).to_be_visible()
    shot("first_day_6_appraiser_landing", full_page=False)
    page.locator("#sidenav").get_by_role("link", name=re.compile("toàn tỉnh", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_be_visible()
    assert "/province/" in page.url
    shot("first_day_7_province_overview", full_page=False)
