"""Feedback in Chromium: a citizen sends feedback from a phone, the Office assigns it, an officer
answers, the leader approves, the Office publishes, the redacted answer is on the portal, and
the citizen rates it. Screenshots in var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Unit
from feedback.models import Feedback

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN", "is_mobile": True, "has_touch": True}


def test_citizen_officer_leader_portal_rating(browser, page, live_server, demo, log_in, shot):
    phone = browser.new_context(**PHONE)
    citizen = phone.new_page()
    citizen.goto(f"{live_server.url}/phan-anh/gui/?co-quan=BQLKKTCK")
    expect(citizen.locator("h1")).to_have_text("Gửi phản ánh, kiến nghị")
    citizen.fill("#id_name", "Hoàng Thị Mai")
    citizen.fill("#id_address", "Thôn Khòn Khuyên, xã Cao Lộc")
    citizen.fill("#id_phone", "0987 654 321")
    citizen.fill("#id_email", "mai@example.vn")
    citizen.fill(
        "#id_content",
        "Tôi là Hoàng Thị Mai, số 0987 654 321. Khi nộp hồ sơ đăng ký đầu tư tôi bị yêu cầu nộp thêm "
        "bản sao giấy phép không có trong danh mục thành phần hồ sơ.",
    )
    citizen.check("#id_consent")
    shot("pakn-public-form", full_page=False, of=citizen)
    citizen.get_by_role("button", name="Gửi", exact=True).click()
    expect(citizen.locator("h1")).to_have_text("Đã nhận phản ánh")
    code = citizen.locator("#tracking-code").inner_text()
    personal_link = citizen.locator("#personal-link").inner_text()
    shot("pakn-sent", of=citizen)
    item = Feedback.objects.get(code=code)

    log_in("vanphong")
    page.goto(f"{live_server.url}/pakn/")
    page.get_by_role("link", name=code).click()
    page.select_option("#id_unit", str(Unit.objects.get(agency__code="BQLKKTCK", code="QLDN").pk))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".page-title .badge-status")).to_have_text("Đang xử lý")

    log_in("chuyenvien.qldn")
    page.goto(f"{live_server.url}/pakn/{item.pk}/")
    page.fill(
        "#answer-text",
        "Kính gửi bà Hoàng Thị Mai: bản sao giấy phép không thuộc thành phần hồ sơ; Bộ phận Một cửa đã được "
        "chấn chỉnh. Mọi thắc mắc xin gọi 0987 654 321.",
    )
    page.get_by_role("button", name="Trình lãnh đạo duyệt").click()
    expect(page.locator(".page-title .badge-status")).to_have_text("Chờ lãnh đạo duyệt trả lời")

    log_in("lanhdao")
    page.goto(f"{live_server.url}/pakn/{item.pk}/")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".page-title .badge-status")).to_have_text("Chờ công khai")

    log_in("vanphong")
    page.goto(f"{live_server.url}/pakn/{item.pk}/")
    shot("pakn-item")
    page.locator(f"a[href='/pakn/{item.pk}/publish/']").click()  # the public texts, previewed first
    preview = page.locator("#preview-answer")
    expect(preview.locator("mark.redacted").first).to_be_visible()
    for private in ("Hoàng Thị Mai", "0987"):
        assert private not in preview.inner_text(), private
    shot("pakn-publish")
    page.locator("button[name=action][value=publish]").click()
    expect(page.locator(".page-title .badge-status")).to_have_text("Đã công khai")

    citizen.goto(f"{live_server.url}/phan-anh/")
    expect(citizen.get_by_role("link", name=code)).to_be_visible()
    citizen.goto(personal_link)
    answer = citizen.locator("#answer").inner_text()
    assert "bản sao giấy phép không thuộc thành phần hồ sơ" in answer
    public = citizen.locator("main").inner_text()
    for private in ("Hoàng Thị Mai", "0987", "mai@example.vn", "Khòn Khuyên"):
        assert private not in public, private
    citizen.get_by_role("button", name="Hài lòng", exact=True).click()
    expect(citizen.locator("main")).to_contain_text("Người gửi hài lòng với kết quả trả lời.")
    shot("pakn-public-status", of=citizen)
    phone.close()
    item.refresh_from_db()
    assert item.rated_unsatisfied is False and item.status == "published"


ENGLISH_UI = re.compile(r"\b(Feedback|Record|Statistics|Templates?|Reception|Deadline|News|Publish|Save|Category)\b")


def test_every_feedback_and_portal_staff_page_renders_in_vietnamese(
    page, live_server, demo, log_in, shot, visit_in_vietnamese
):
    visits = [
        ("pakn-desk", "/pakn/"),
        ("pakn-new", "/pakn/new/"),
        ("pakn-stats", "/pakn/stats/"),
        ("pakn-receptions", "/pakn/receptions/"),
        ("pakn-templates", "/pakn/templates/"),
        ("portal-posts", "/posts/"),
        ("portal-new-post", "/posts/new/"),
    ]
    log_in("vanphong")
    visit_in_vietnamese(visits, ENGLISH_UI)
