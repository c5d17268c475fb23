"""Dates read and are typed dd/mm/yyyy whatever the browser's language (D18): a text field with
the vendored calendar, in an English-language browser too; a date that does not exist stays as
typed, for the server to refuse with its message."""

import re

import pytest
from playwright.sync_api import expect

from core.reference import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def english_page(browser):
    """A browser whose language is US English: the native date field would read mm/dd/yyyy."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_a_date_is_dd_mm_yyyy_in_an_english_browser(english_page, live_server, demo):
    page = english_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/tthc/?from=2026-12-07")
    field = page.locator("input[name=from]")
    assert field.get_attribute("type") == "text"
    expect(field).to_have_value("07/12/2026")  # an ISO date in the address reads dd/mm/yyyy

    field.fill("")
    field.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    expect(calendar).to_contain_text(re.compile("Tháng|CN"))  # the calendar speaks Vietnamese
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile("^15$")).click()
    expect(field).to_have_value(re.compile(r"^15/\d{2}/\d{4}$"))

    field.fill("31/02/2026")
    page.keyboard.press("Tab")
    expect(field).to_have_value("31/02/2026")  # not rolled over to 03/03/2026
