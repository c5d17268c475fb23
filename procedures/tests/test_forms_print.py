"""The one-stop forms as they come out (issue 21): Mẫu 01 on one A4 page with its components
table and both signatures captioned, Mẫu 02 and 03 on one page, Mẫu 04 drafted by the unit that
held the dossier and true on the day it is sent, all through LibreOffice; the hand-over records
the people who did it and the unit the dossier left.

Set FORMS_PRINT_DIR to keep the DOCX and PDF files these tests make (to look at them)."""

import io
import os
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import reverse
from docx import Document as read_docx

from core.checks import check_site_url, site_url_problem
from core.models import Signer
from core.tests.rendering import assert_signable, docx_layout, render_docx, requires_soffice
from procedures import documents, services
from procedures.models import Dossier
from procedures.tests.helpers import D, at

SIGN = "(Ký và ghi rõ họ tên)"


def keep(name: str, data: bytes) -> None:
    """Writes a file the test made under $FORMS_PRINT_DIR, when set."""
    folder = os.environ.get("FORMS_PRINT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


def text_of(data: bytes) -> str:
    doc = read_docx(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def paragraphs_of(data: bytes) -> list:
    doc = read_docx(io.BytesIO(data))
    return list(doc.paragraphs) + [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]


def _components(n: int) -> str:
    return "\n".join(
        f"Giấy tờ số {i} theo quy định của thủ tục hành chính ({i % 3 + 1:02d} bản sao chứng thực)"
        for i in range(1, n + 1)
    )


def _full(dossier: Dossier, **fields) -> Dossier:
    values = {
        "applicant_address": "Số 1 đường Lê Lợi, phường Đông Kinh, tỉnh Lạng Sơn",
        "applicant_phone": "0912 345 678",
        "applicant_email": "lienhe@dongdang.vn",
        "applicant_id_number": "020123456789",
    }
    Dossier.objects.filter(pk=dossier.pk).update(**(values | fields))
    dossier.refresh_from_db()
    return dossier


# Mẫu 01 ------------------------------------------------------------------------------------------


def test_the_components_table_has_originals_copies_and_quantity_as_recorded(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        checklist=[
            {"name": "Văn bản đề nghị", "received": True, "original": 1},
            {"name": "Điều lệ công ty", "received": True, "original": 1, "copies": 2},
            {"name": "Báo cáo năng lực tài chính", "received": True},  # numbers not entered
            {"name": "Hợp đồng thuê đất", "received": False, "copies": 1},  # not received: not listed
        ],
        components="Giấy ủy quyền (02 bản chính)\nBản đồ vị trí (bản sao)\nẢnh hiện trạng",
    )
    dossier.refresh_from_db()
    table = documents.receipt_form(dossier).table
    assert table.header == ["TT", "Tên giấy tờ", "Bản chính", "Bản sao", "Số lượng"]
    assert [row[1:] for row in table.rows] == [
        ["Văn bản đề nghị", "01", "", "01"],
        ["Điều lệ công ty", "01", "02", "03"],
        ["Báo cáo năng lực tài chính", "", "", ""],  # unknown: blank, never guessed
        ["Giấy ủy quyền (02 bản chính)", "02", "", "02"],
        ["Bản đồ vị trí (bản sao)", "", "x", ""],  # a copy, how many not said
        ["Ảnh hiện trạng", "", "", ""],
    ]
    assert abs(sum(table.widths) - 16.5) < 0.01


def test_the_counter_records_the_numbers_of_originals_and_copies(client, org, procedure):
    procedure.documents = "- Văn bản đề nghị\n- Điều lệ công ty"
    procedure.save()
    client.force_login(org.office)
    data = {
        "procedure": procedure.pk,
        "checklist_for": procedure.pk,
        "unit": org.unit_a.pk,
        "channel": "direct",
        "received_at": "09/03/2026 09:00",
        "applicant_kind": "organisation",
        "applicant_name": "Công ty TNHH Đồng Đăng",
        "sets": 1,
        "result_delivery": "desk",
        "received_documents": ["Văn bản đề nghị", "Điều lệ công ty"],
        "original_0": "1",
        "copies_1": "2",
        "original_1": "abc",  # not a number: not recorded
    }
    response = client.post(reverse("procedures:receive"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    dossier = Dossier.objects.get(applicant_name="Công ty TNHH Đồng Đăng", received_at=at(2026, 3, 9, 9))
    assert dossier.checklist == [
        {"name": "Văn bản đề nghị", "received": True, "original": 1},
        {"name": "Điều lệ công ty", "received": True, "copies": 2},
    ]
    rows = documents.receipt_form(dossier).table.rows
    assert rows[1][2:] == ["", "02", "02"]


def test_the_receipt_due_time_signers_and_captions(org, receive):
    hours = receive(at(2026, 3, 9, 9, 10), applicant_name="Nguyễn Văn Bình", applicant_title="mr")
    hours.due_time = __import__("datetime").time(9, 40)
    form = documents.receipt_form(hours)
    assert any("09 giờ 40 phút, ngày" in line.text for line in form.lines)
    data = documents.docx(form)
    text = text_of(data)
    assert text.count(SIGN) == 2 and "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    sizes = {
        run.font.size.pt
        for p in paragraphs_of(data)
        if p.text.strip() in ("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ")
        for run in p.runs
    }
    assert sizes == {documents.SLIP_SIGNER_SIZE}  # both titles in one size


@override_settings(SITE_URL="https://dichvucong.langson.gov.vn/")
def test_the_receipt_links_come_from_site_url(dossier):
    links = documents.receipt_form(dossier).links
    assert links and all(link.url.startswith("https://dichvucong.langson.gov.vn/") for link in links)
    assert "//" not in links[0].url.removeprefix("https://")


@pytest.mark.slow
@requires_soffice
@pytest.mark.parametrize("count", [1, 12])
def test_the_receipt_is_one_a4_page_with_its_qr_codes_and_both_signatures(org, dossier, count):
    dossier = _full(dossier, components=_components(count))
    form = documents.receipt_form(dossier)
    assert len(form.links) >= 2  # the status page and the survey link
    data = documents.docx(form)
    keep(f"mau01-{count}.docx", data)
    rendered = render_docx(data)
    keep(f"mau01-{count}.pdf", rendered.pdf)
    assert_signable(rendered, pages=1)
    page = " ".join(rendered.page_texts[0].split())
    assert "NGƯỜI NỘP HỒ SƠ" in page and "NGƯỜI TIẾP NHẬN HỒ SƠ" in page and page.count("Ký và ghi rõ họ tên") == 2
    assert f"Giấy tờ số {count} theo" in page and "Bản chính" in page and "Số lượng" in page
    assert docx_layout(data).sections[0].page_mm == (210.0, 297.0)


# Mẫu 02, 03 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@requires_soffice
def test_the_supplement_refusal_and_control_slips_are_one_page_each(org, dossier):
    dossier = _full(dossier)
    services.hand_over(dossier=dossier, actor=org.office, giver="Nguyễn Thị Thu Trang", receiver="Vũ Quang Huy",
                       to_unit=org.unit_a, at=at(2026, 3, 9, 14))  # fmt: skip
    request = services.request_supplement(
        dossier=dossier,
        actor=org.office,
        missing="Bản sao điều lệ công ty\nBáo cáo tài chính năm 2025",
        items="Văn bản đề nghị: ghi đủ mã số doanh nghiệp",
    )
    supplement = documents.docx(documents.supplement_form(request))
    services.complete_supplement(dossier=dossier, actor=org.office)
    services.finish(dossier=dossier, actor=org.office, outcome="rejected", note="Dự án không thuộc ngành nghề ưu đãi")
    dossier.refresh_from_db()
    refusal = documents.docx(documents.refusal_form(dossier))
    control = documents.docx(documents.control_form(dossier))
    for name, data in (("mau02", supplement), ("mau03", refusal), ("mau06", control)):
        keep(f"{name}.docx", data)
        rendered = render_docx(data)
        keep(f"{name}.pdf", rendered.pdf)
        assert_signable(rendered, pages=1)
    assert "Lưu: VT, QLDN" in text_of(refusal)


# Mẫu 04 ------------------------------------------------------------------------------------------


@pytest.fixture
def signer(org):
    Signer.objects.filter(agency=org.agency).delete()
    return Signer.objects.create(
        agency=org.agency, use=Signer.Use.DOSSIERS, authority="KT. TRƯỞNG BAN", title="PHÓ TRƯỞNG BAN", name="Lê Văn Tú"
    )


def _apologise(org, dossier, cal, when):
    services.apologise(
        dossier=dossier, actor=org.office, reason="Chờ ý kiến của Sở Tài chính", new_date=D(2026, 4, 3), cal=cal
    )
    Dossier.objects.filter(pk=dossier.pk).update(apology_at=when)
    dossier.refresh_from_db()
    return dossier


def test_the_apology_is_drafted_by_the_unit_holding_the_dossier_then(org, dossier, cal, signer):
    """Handed to QLDN before the apology, to KHTH after it: QLDN drafted it."""
    Dossier.objects.filter(pk=dossier.pk).update(applicant_kind="individual", applicant_title="ms")
    dossier.refresh_from_db()
    services.hand_over(
        dossier=dossier, actor=org.office, giver="Nguyễn Thị Thu Trang", receiver="Vũ Quang Huy",
        to_unit=org.unit_a, at=at(2026, 3, 10, 8),
    )  # fmt: skip
    dossier = _apologise(org, dossier, cal, at(2026, 3, 18, 10))
    services.hand_over(
        dossier=dossier, actor=org.office, giver="Vũ Quang Huy", receiver="Lãnh đạo", to_unit=org.unit_b,
        at=at(2026, 3, 19, 8),
    )  # fmt: skip
    dossier.refresh_from_db()
    form = documents.apology_form(dossier)
    symbol = org.agency.symbol or org.agency.code
    assert form.symbol == f"{symbol}-{org.unit_a.code}" and form.archive == f"VT, {org.unit_a.code}"
    assert documents.unit_at(dossier, at(2026, 3, 9, 12)) == org.unit_a  # before any move: the unit it left
    data = documents.docx(form)
    text = text_of(data)
    assert f"/{symbol}-{org.unit_a.code}" in text and f"Lưu: VT, {org.unit_a.code}." in text
    assert "KT. TRƯỞNG BAN" in text and "PHÓ TRƯỞNG BAN" in text and "Lê Văn Tú" in text
    greeting = next(p for p in paragraphs_of(data) if p.text.startswith("Kính gửi:"))
    assert greeting.text == f"Kính gửi: Bà {dossier.applicant_name}."
    assert not any(run.bold for run in greeting.runs)  # upright, not bold


@pytest.mark.parametrize(
    ("when", "says", "never"),
    [
        (at(2026, 3, 18, 10), "không thể trả kết quả giải quyết hồ sơ đúng thời hạn đã hẹn", "đã quá thời hạn"),
        (at(2026, 3, 18, 10), "Sự chậm trễ này sẽ gây phiền hà", "đã gây"),
        (at(2026, 3, 24, 8), "đã quá thời hạn trả kết quả", "không thể trả kết quả"),
        (at(2026, 3, 24, 8), "Sự chậm trễ này đã gây phiền hà", "sẽ gây"),
    ],
)
def test_the_apology_says_what_is_true_on_the_day_it_is_sent(org, dossier, cal, signer, when, says, never):
    """Due 23/03/2026: sent on 18/03 the result cannot be returned on time; on 24/03 the time has passed."""
    dossier = _apologise(org, dossier, cal, when)
    text = " ".join(p.text for p in documents.apology_form(dossier).lines)
    assert says in text and never not in text and "đến nay" not in text.split("Lý do")[0].split("Tuy nhiên")[0]


@pytest.mark.slow
@requires_soffice
@pytest.mark.parametrize(("name", "when"), [("before", at(2026, 3, 18, 10)), ("after", at(2026, 3, 24, 8))])
def test_the_apology_is_one_signable_page(org, dossier, cal, signer, name, when):
    person = {"applicant_kind": "individual", "applicant_title": "mr", "applicant_name": "Nguyễn Văn Bình"}
    dossier = _apologise(org, _full(dossier, **person), cal, when)
    data = documents.docx(documents.apology_form(dossier))
    keep(f"mau04-{name}.docx", data)
    rendered = render_docx(data)
    keep(f"mau04-{name}.pdf", rendered.pdf)
    assert_signable(rendered, pages=1)
    assert "Lê Văn Tú" in rendered.text and "PHÓ TRƯỞNG BAN" in rendered.text


def test_the_apology_print_page_carries_the_signer_and_the_drafting_unit(client, org, dossier, cal, signer):
    dossier = _apologise(org, dossier, cal, at(2026, 3, 18, 10))
    client.force_login(org.officer)
    page = client.get(reverse("procedures:print_apology", args=[dossier.pk])).content.decode()
    assert "Lê Văn Tú" in page and "PHÓ TRƯỞNG BAN" in page and f"-{org.unit_a.code}" in page
    assert f"Lưu: VT, {org.unit_a.code}." in page


# The hand-over and Mẫu 06 --------------------------------------------------------------------------


def test_the_hand_over_records_who_gave_who_received_and_the_unit_it_left(client, org, dossier):
    client.force_login(org.office)  # the counter clerk records it
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    form = page.context["handover_form"]
    assert form.initial["giver"] == org.office.display_name  # she received it at the counter
    assert org.leader.display_name in {name for name, _unit in form.people}
    url = reverse("procedures:handover", args=[dossier.pk])
    client.post(url, {"giver": "Nguyễn Thị Thu Trang", "receiver": org.officer.display_name, "to_unit": org.unit_b.pk})
    first = dossier.handovers.get()
    # the first hand-over leaves the one-stop desk, not the unit the dossier was assigned to
    assert (first.from_unit, first.to_unit, first.giver) == (None, org.unit_b, "Nguyễn Thị Thu Trang")
    client.force_login(org.leader)  # not the holder: the default giver is the holder, not the leader
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    assert page.context["handover_form"].initial["giver"] == org.officer.display_name
    client.post(url, {"receiver": "Hoàng Văn Nam"})  # the giver left empty: the holder
    second = dossier.handovers.order_by("pk").last()
    assert (second.giver, second.from_unit, second.to_unit) == (org.officer.display_name, org.unit_b, None)
    rows = documents.control_form(dossier).table.rows
    b = org.unit_b.label
    assert rows[0][1:3] == ["Bộ phận Một cửa: Nguyễn Thị Thu Trang", f"{b}: {org.officer.display_name}"]
    assert rows[1][1:3] == [f"{b}: {org.officer.display_name}", f"{b}: Hoàng Văn Nam"]


def test_the_word_control_slip_has_a_signature_cell_for_each_side(org, dossier):
    services.hand_over(dossier=dossier, actor=org.office, giver="A", receiver="B", to_unit=org.unit_b)
    form = documents.control_form(dossier)
    assert "Người giao ký" in form.table.header and "Người nhận ký" in form.table.header
    assert abs(sum(form.table.widths) - 16.5) < 0.01 and all(len(r) == len(form.table.header) for r in form.table.rows)


# SITE_URL ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "bad"),
    [
        ("", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/", True),
        ("dichvucong.langson.gov.vn", True),  # no scheme: not a link
        ("https://dichvucong.langson.gov.vn", False),
    ],
)
def test_site_url_problems(url, bad):
    assert bool(site_url_problem(url)) is bad


def test_the_system_check_warns_of_a_local_site_url_when_debug_is_off():
    with override_settings(DEBUG=False, SITE_URL="http://127.0.0.1:8000"):
        assert [m.id for m in check_site_url()] == ["cchc.W010"]
        assert "cchc.W010" in {m.id for m in checks.run_checks(tags=[checks.Tags.security])}
    with override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8000"):
        assert check_site_url() == []
    with override_settings(DEBUG=False, SITE_URL="https://dichvucong.langson.gov.vn"):
        assert check_site_url() == []


def test_the_workbooks_are_kept_for_a_look(org, dossier, receive):
    """Mẫu 06 and Mẫu 07 as they print (kept under $FORMS_PRINT_DIR for LibreOffice to render)."""
    services.hand_over(dossier=dossier, actor=org.office, giver="Nguyễn Thị Thu Trang", receiver="Vũ Quang Huy",
                       to_unit=org.unit_a, at=at(2026, 3, 9, 14))  # fmt: skip
    services.hand_over(dossier=dossier, actor=org.office, giver="Vũ Quang Huy", receiver="Hoàng Việt Đông",
                       to_unit=org.unit_b, step_due=D(2026, 3, 20), at=at(2026, 3, 19, 9))  # fmt: skip
    for day in range(10, 14):
        receive(at(2026, 3, day, 9), applicant_name=f"Công ty Cổ phần Xuất nhập khẩu số {day}", sets=1)
    slip = documents.control_slip(dossier)
    book = documents.register(
        Dossier.objects.filter(agency=org.agency), agency=org.agency, start=D(2026, 3, 1), end=D(2026, 3, 31)
    )
    keep("mau06.xlsx", slip)
    keep("mau07.xlsx", book)
    assert slip[:2] == book[:2] == b"PK"


def test_the_components_table_gets_smaller_type_when_its_names_are_long(dossier):
    short = documents.Table(documents.COMPONENT_HEADER, [["1", "Đơn", "01", "", "01"]] * 12, documents.COMPONENT_WIDTHS)
    long_name = "Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc tài liệu tương đương khác xác nhận tư cách pháp lý"
    long = documents.Table(
        documents.COMPONENT_HEADER, [["1", f"{long_name} số {i}", "", "01", "01"] for i in range(12)],
        documents.COMPONENT_WIDTHS,
    )  # fmt: skip
    assert documents.table_size(short, documents.RECEIPT_TABLE_MM) == documents.TABLE_SIZES[0]
    assert documents.table_size(long, documents.RECEIPT_TABLE_MM) < documents.TABLE_SIZES[0]
    assert documents.table_size(long, None) == documents.TABLE_SIZES[0]  # no room given: the usual size


def test_the_receipt_print_page_has_the_components_table_and_both_captions(client, org, dossier):
    dossier = _full(dossier, components=_components(12))
    client.force_login(org.office)
    page = client.get(reverse("procedures:print_receipt", args=[dossier.pk])).content.decode()
    keep("mau01-12.html", page.encode())
    assert page.count(SIGN) == 2 and "<th>Bản chính</th>" in page and "<th>Số lượng</th>" in page
    assert "Giấy tờ số 12 theo quy định" in page
