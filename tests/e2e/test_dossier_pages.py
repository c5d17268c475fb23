"""The dossier register in Chromium: every page in Vietnamese, and the counter's day (receive,
hand over, apologise, close) driven through the forms, with screenshots (var/screenshots/)."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Unit
from procedures.models import Dossier, Procedure

pytestmark = pytest.mark.e2e

ENGLISH_UI = re.compile(
    r"\b(Dossier register|Receive a dossier|Procedure catalogue|Service quality|Hand over|Supplement|"
    r"Due soon|Overdue|Received|Processing|Finished|Apology|Indicator|Threshold|Import dossiers)\b"
)


def test_every_procedures_page_renders_in_vietnamese(page, live_server, demo, log_in, shot, visit_in_vietnamese):
    dossier = Dossier.objects.filter(status="processing").order_by("due_date").first()
    procedure = Procedure.objects.first()
    visits = [
        ("tthc-register", "/tthc/"),
        ("tthc-at-risk", "/tthc/at-risk/"),
        ("tthc-receive", "/tthc/receive/"),
        ("tthc-dossier", f"/tthc/dossiers/{dossier.pk}/"),
        ("tthc-catalogue", "/tthc/catalogue/"),
        ("tthc-procedure", f"/tthc/catalogue/{procedure.pk}/"),
        ("tthc-catalogue-import", "/tthc/catalogue/import/"),
        ("tthc-imports", "/tthc/imports/"),
        ("tthc-quality", "/tthc/quality/?period=year&year=2026"),
        ("tthc-quality-drill", "/tthc/quality/dossiers/?period=year&year=2026&key=progress&part=late"),
    ]
    log_in("vanphong")
    visit_in_vietnamese(visits, ENGLISH_UI)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tra-cuu/ho-so/{dossier.code}/")
    expect(page.locator("h1")).to_have_text("Tình trạng hồ sơ")
    shot("tthc-public-status")


def test_counter_receives_hands_over_apologises_and_closes(page, live_server, demo, log_in, shot):
    procedure = Procedure.objects.get(code="DEMO-003")
    log_in("chuyenvien.qldn")
    page.goto(f"{live_server.url}/tthc/receive/")
    page.select_option("#id_procedure", str(procedure.pk))
    page.select_option("#id_unit", str(Unit.objects.get(agency__code="BQLKKTCK", code="QLDN").pk))
    page.fill("#id_received_at", "2026-11-27T09:30")
    page.fill("#id_applicant_name", "Công ty TNHH Thương mại Tân Thanh")
    page.fill("#id_components", "Đơn đề nghị (bản chính)\nHộ chiếu (bản sao chứng thực)")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tiếp nhận hồ sơ")
    dossier = Dossier.objects.get(applicant_name="Công ty TNHH Thương mại Tân Thanh")
    assert dossier.due_date.isoformat() == "2026-12-04"  # 5 working days after Fri 27/11
    with page.expect_download() as receipt:
        page.locator("#papers a[href$='mau-01.docx']").click()
    assert receipt.value.suggested_filename == f"mau-01-{dossier.code}.docx"
    page.fill("#id_receiver", "Phòng QLDN - chuyên viên thụ lý")
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận bàn giao")
    page.fill("#apology #id_reason", "Chờ ý kiến phối hợp của Sở Lao động")
    page.fill("#apology #id_new_date", "10/12/2026")  # typed dd/mm/yyyy
    page.get_by_role("button", name="Ghi nhận và lập văn bản").click()
    expect(page.locator("#papers a[href$='mau-04.docx']")).to_be_visible()
    shot("tthc-dossier-after-apology")
    page.select_option("select[name=outcome]", "finished")
    page.check("#finish input[name=confirm]")  # finishing asks for a confirmation (D25)
    page.locator("#finish button").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã kết thúc xử lý")
    dossier.refresh_from_db()
    assert dossier.status == "finished" and dossier.apology_date.isoformat() == "2026-12-10"
