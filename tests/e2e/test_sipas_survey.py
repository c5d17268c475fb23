"""The SIPAS survey in Chromium: a citizen opens the receipt's link on a phone (as a QR scan
would), answers and sends; the same link is then refused; the answer waits in the mix pool (the
dashboard shows how many wait), then is written.
Screenshots in var/screenshots/."""

import io
import re
from urllib.parse import urlsplit

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from procedures.models import Dossier
from surveys import mixing
from surveys.models import Response

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN", "is_mobile": True, "has_touch": True}
# Zalo's in-app browser announces itself like this on Android
ZALO_UA = (
    "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 Zalo android/12110801 ZaloTheme/light ZaloLanguage/vi"
)


def receipt_survey_path(page, live_server, dossier) -> str:
    """The survey address printed on the dossier's receipt (Mẫu 01), as the QR code holds it."""
    docx = page.request.get(f"{live_server.url}/tthc/dossiers/{dossier.pk}/mau-01.docx")
    assert docx.ok
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.body())).paragraphs)
    link = re.search(r"\S+/khao-sat/\?t=\S+", text).group(0)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_receipt_link_submit_refuse_and_dashboard(browser, page, live_server, demo, log_in, shot):
    dossier = Dossier.objects.filter(status="returned", unit__code="QLDN").order_by("code").first()
    log_in("chuyenvien.qldn")
    path = receipt_survey_path(page, live_server, dossier)
    dashboard = f"{live_server.url}/sipas/"
    page.goto(dashboard)
    expect(page.locator("#waiting")).to_have_count(0)

    phone = browser.new_context(user_agent=ZALO_UA, **PHONE)
    citizen = phone.new_page()
    citizen.goto(f"{live_server.url}{path}")
    assert urlsplit(citizen.url).query == ""  # the token was swapped for the session
    expect(citizen.locator("h1")).to_contain_text("Phiếu khảo sát")
    expect(citizen.locator("header")).to_contain_text(dossier.agency.name)
    shot("sipas-public-form-top", full_page=False, of=citizen)
    for radio in citizen.locator("fieldset.q").all()[:19]:
        radio.get_by_text("Hài lòng", exact=True).click()
    citizen.locator("fieldset.q").nth(0).get_by_text("Rất hài lòng", exact=True).click()
    citizen.locator("fieldset.q").nth(19).get_by_text("Rất nhiều", exact=True).click()
    citizen.select_option("#id_profile_gender", "female")
    citizen.fill("#id_comment", "Cán bộ hướng dẫn tận tình.")
    shot("sipas-public-form", full_page=False, of=citizen)
    citizen.get_by_role("button", name="Gửi phiếu").click()
    expect(citizen.locator("h1")).to_have_text("Xin cảm ơn")
    shot("sipas-thanks", of=citizen)

    # the same link, scanned again
    citizen.goto(f"{live_server.url}{path}")
    expect(citizen.locator("h1")).to_have_text("Đường dẫn khảo sát này đã được sử dụng")
    shot("sipas-link-used", of=citizen)
    phone.close()
    # the answer waits in the mix pool (written with others in a shuffled batch): a number only
    page.goto(dashboard)
    expect(page.locator("#waiting")).to_have_text(re.compile(r"^\s*1 "))  # "1 phiếu đang chờ ghi"
    assert mixing.flush() == 1  # what the worker does with the day's remainder
    response = Response.objects.get(source="receipt", comment="Cán bộ hướng dẫn tận tình.")
    assert response.answers["q15"] == 5 and response.answers["q16"] == 4 and response.answers["e1"] == 3
    assert response.unit_id == dossier.unit_id and response.procedure_code == dossier.procedure_code

    # written: it counts in the figures of its period (whole periods only, surveys.disclosure)
    page.goto(dashboard)
    expect(page.locator("#waiting")).to_have_count(0)
    shot("sipas-dashboard")


ENGLISH_UI = re.compile(
    r"\b(Survey|Campaign|Responses?|Satisfied|Import|Invalidate|Comments?|Sample plan|Quota|Expectations)\b"
)


def test_every_sipas_page_renders_in_vietnamese(page, live_server, demo, log_in, shot, visit_in_vietnamese):
    from surveys.models import Campaign

    campaign = Campaign.objects.filter(open_link=True).first()
    visits = [
        ("sipas-dashboard-by-month", "/sipas/?campaign=all&by=month"),
        ("sipas-campaigns", "/sipas/campaigns/"),
        ("sipas-campaign", f"/sipas/campaigns/{campaign.pk}/"),
        ("sipas-entry", "/sipas/entry/"),
        ("sipas-import", "/sipas/import/"),
        ("sipas-comments", "/sipas/comments/"),
    ]
    log_in("vanphong")
    visit_in_vietnamese(visits, ENGLISH_UI)
    page.context.clear_cookies()
    log_in("quantri")  # row-level responses: the administrator only (issue 18 H2)
    visit_in_vietnamese([("sipas-responses", "/sipas/responses/")], ENGLISH_UI)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/khao-sat/mo/{campaign.open_key}/")
    expect(page.locator("h1")).to_contain_text("Phiếu khảo sát")
    public = page.locator("main").inner_text()
    for english in ("No opinion", "Where should", "About you", "Send my", "Other comments"):
        assert english not in public, english
    assert "Cơ quan cần nỗ lực hơn" in public and "Không ý kiến" in public
