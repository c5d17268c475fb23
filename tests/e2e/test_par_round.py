"""One full PAR INDEX round in the browser: an officer scores, the leader approves, the appraiser
deducts with a reason, the unit explains, the appraiser restores, the result is published and
appears in the ranking."""

import re

import pytest
from playwright.sync_api import expect

from scorecards.models import NodeScore, Round, Scorecard

pytestmark = pytest.mark.e2e


def close_phase(page):
    """Closing a phase goes through its confirmation page (D21): the link, the box, the button."""
    page.get_by_role("link", name=re.compile("^Kết thúc giai đoạn")).click()
    page.check("#f-confirm")
    page.get_by_role("button", name=re.compile("^Kết thúc giai đoạn")).click()
    page.wait_for_load_state("networkidle")


def row(page, code):
    return page.locator(f"tr.par-leaf[data-code='{code}']")


def settle(page):
    page.wait_for_load_state("networkidle")


def saved(page, field, value):
    """Types into a cell of the table and waits for the row to come back from the server."""
    with page.expect_response(lambda r: "/rows/" in r.url and r.request.method == "POST"):
        if value is True:
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
            field.blur()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def test_full_round(page, live_server, demo, log_in, shot):
    round_ = Round.objects.get()
    card = Scorecard.objects.get(round=round_, agency__code="BQLKKTCK")
    url = f"{live_server.url}/par/cards/{card.pk}/"

    # the Office gives domain 1 to the enterprise management division
    log_in("vanphong")
    page.goto(f"{url}assignments/")
    page.select_option("#id_code", "1")
    page.select_option("#id_unit", label="Phòng Quản lý Doanh nghiệp")
    page.get_by_role("button", name="Giao").click()
    settle(page)
    expect(page.locator("table")).to_contain_text("Phòng Quản lý Doanh nghiệp")

    # the officer scores two criteria; points are recomputed as values are entered
    log_in("chuyenvien.qldn")
    page.goto(url)
    saved(page, row(page, "1.1.1").locator("select[name=value]"), "true")
    expect(row(page, "1.1.1").locator("td[data-column=self]")).to_contain_text("1,00")
    saved(page, row(page, "1.1.1").locator("textarea[name=note]"), "Kế hoạch số 12/KH-BQLKKTCK ngày 10/01/2026")
    saved(page, row(page, "1.2").locator("input[name=violations]"), "0")
    saved(page, row(page, "1.2").locator("textarea[name=note]"), "Đủ 4 báo cáo quý, đúng hạn")
    expect(row(page, "1.2").locator("td[data-column=self]")).to_contain_text("2,00")
    # the parents' sums follow without reloading the page
    expect(page.locator("#group-1_1")).to_contain_text("1,00")
    expect(page.locator("#group-1 td").nth(4)).to_have_text("3,00")
    # a criterion outside the unit's block is read-only for the officer
    expect(row(page, "3.2").locator("select")).to_have_count(0)
    shot("par-self-scoring", full_page=False)
    page.goto(f"{url}assignments/")
    page.get_by_role("button", name="Gửi Văn phòng").click()
    settle(page)

    # the Office sends it to the leader, who approves and submits
    log_in("vanphong")
    page.goto(url)
    page.get_by_role("button", name="Trình lãnh đạo phê duyệt").click()
    settle(page)
    log_in("lanhdao")
    page.goto(url)
    page.get_by_role("button", name="Phê duyệt và gửi").click()
    settle(page)
    expect(page.locator("#card-status")).to_contain_text("Đã gửi")

    # the appraiser opens appraisal 1 and deducts 0.5 point from 1.2 with a reason
    log_in("thamdinh")
    page.goto(f"{live_server.url}/par/rounds/{round_.pk}/")
    close_phase(page)
    settle(page)
    page.goto(url)
    r12 = row(page, "1.2")
    saved(page, r12.locator("input[name=points]"), "1.5")
    expect(row(page, "1.2")).to_contain_text("lý do")  # a difference needs a reason
    saved(page, row(page, "1.2").locator("textarea[name=reason]"), "Thiếu báo cáo quý II")
    saved(page, row(page, "1.2").locator("input[name=explain]"), True)
    expect(row(page, "1.2").locator("td[data-column=a1]")).to_contain_text("1,50")
    row(page, "1.1.1").scroll_into_view_if_needed()
    shot("par-appraisal-1", full_page=False)
    page.goto(f"{live_server.url}/par/rounds/{round_.pk}/")
    close_phase(page)
    settle(page)

    # the unit explains
    log_in("chuyenvien.qldn")
    page.goto(url)
    saved(page, row(page, "1.2").locator("textarea[name=explanation]"), "Báo cáo quý II gửi ngày 15/6/2026, số 88/BC")
    log_in("vanphong")
    page.goto(url)
    page.get_by_role("button", name="Gửi giải trình").click()
    settle(page)

    # the appraiser restores the points in appraisal 2, the council closes, results are published
    log_in("thamdinh")
    page.goto(f"{live_server.url}/par/rounds/{round_.pk}/")
    close_phase(page)
    settle(page)
    page.goto(url)
    expect(row(page, "1.2")).to_contain_text("Báo cáo quý II gửi ngày 15/6/2026")
    saved(page, row(page, "1.2").locator("textarea[name=reason]"), "Đã giải trình đủ")
    saved(page, row(page, "1.2").locator("input[name=points]"), "2")
    expect(row(page, "1.2").locator("td[data-column=a2]")).to_contain_text("2,00")
    page.goto(f"{live_server.url}/par/rounds/{round_.pk}/")
    close_phase(page)
    settle(page)
    page.get_by_role("link", name=re.compile("^Công bố kết quả")).click()
    page.fill("#id_decision_number", "123/QĐ-UBND")
    page.check("#f-confirm")
    page.get_by_role("button", name=re.compile("^Công bố kết quả")).click()
    settle(page)
    expect(page.locator("#ranking")).to_contain_text("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng")
    first = page.locator("#ranking tbody tr").first
    expect(first).to_contain_text("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng")
    expect(first.locator("td").first).to_have_text("1")
    shot("par-ranking", full_page=False)

    score = NodeScore.objects.get(scorecard=card, code="1.2")
    assert score.a1_points == 1.5 and score.a2_points == 2 and score.explanation_requested
    card.refresh_from_db()
    # the deduction was restored: the published total is the self-assessed one
    assert card.published_results["total"] == card.results["self"]["total"]
    assert card.published_results["total"].replace(".", ",") in first.inner_text()
