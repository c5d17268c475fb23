"""The public portal in Chromium on a phone: every page in Vietnamese, no serious or critical
accessibility violation (axe-core), screenshots in var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from feedback.models import Feedback
from procedures.models import Procedure

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN", "is_mobile": True, "has_touch": True}
ENGLISH = re.compile(r"\b(Search|Send|Published|Results|Look up|No data|Feedback|Procedure|Satisfaction survey)\b")


def test_portal_pages_are_vietnamese_and_accessible(browser, live_server, demo, axe, shot):
    procedure = Procedure.objects.filter(agency__code="BQLKKTCK", active=True).first()
    published = Feedback.objects.filter(status="published").first()
    pages = [
        ("portal-home", "/cong-khai/"),
        ("portal-agency", "/cong-khai/BQLKKTCK/"),
        ("portal-catalogue", "/cong-khai/BQLKKTCK/thu-tuc/?q=dau+tu"),
        ("portal-procedure", f"/cong-khai/BQLKKTCK/thu-tuc/{procedure.pk}/"),
        ("portal-indices", "/cong-khai/BQLKKTCK/chi-so/"),
        ("portal-lookup", "/tra-cuu/ho-so/"),
        ("pakn-public-form-page", "/phan-anh/gui/?co-quan=BQLKKTCK"),
        ("pakn-published", "/phan-anh/"),
        ("pakn-public-item", f"/phan-anh/{published.code}/"),
    ]
    context = browser.new_context(bypass_csp=True, **PHONE)  # axe is injected as an inline script
    page = context.new_page()
    for name, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        expect(page.locator("h1")).to_be_visible()
        text = page.locator("main").inner_text()
        assert not ENGLISH.search(text), (path, ENGLISH.search(text).group(0))
        assert axe(page) == {}, path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            path,
            "wider than the phone",
        )
        shot(name, of=page)
    context.close()
