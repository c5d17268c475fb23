"""The one-stop forms: the receipt (Mẫu 01), the control slip (Mẫu 06) and the register (Mẫu 07),
and their downloads."""

import datetime as dt
import io

from django.db.models import Min
from django.urls import reverse
from docx import Document as read_docx
from openpyxl import load_workbook

from core.models import AuditEntry
from procedures import documents, services
from procedures.models import Dossier, DossierStatus
from procedures.tests.helpers import D, T, at, content

# The statuses as TT 03/2025's register writes them (the Vietnamese labels of DossierStatus).
LEGAL_STATUSES = {
    "received": "Đã tiếp nhận",
    "processing": "Đang giải quyết",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "finished": "Đã xử lý xong",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối giải quyết",
    "stopped": "Dừng giải quyết",
    "withdrawn": "Rút hồ sơ",
}


def test_receipt_has_the_fields_and_a_qr_code_to_the_status_page(org, dossier):
    doc = read_docx(io.BytesIO(documents.receipt(dossier)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert dossier.code in text and "Công ty TNHH Đồng Đăng" in text and "ngày 23/03/2026" in text
    assert "09 giờ 00 phút, ngày 09/03/2026" in text
    assert documents.status_url(dossier) in text
    assert len(doc.inline_shapes) == 2  # the QR codes: the status page and the SIPAS survey
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Điều lệ công ty (bản sao)" in cells and "NGƯỜI NỘP HỒ SƠ" in "\n".join(cells)


def test_every_print_of_the_receipt_is_audited_the_later_ones_as_reprints(client, org, dossier):
    client.force_login(org.officer)
    for _ in range(2):
        response = client.get(reverse("procedures:receipt", args=[dossier.pk]))
        assert response["Content-Disposition"] == f'attachment; filename="mau-01-{dossier.code}.docx"'
        assert dossier.code in "\n".join(p.text for p in read_docx(io.BytesIO(content(response))).paragraphs)
    actions = list(
        AuditEntry.objects.filter(action__startswith="dossier.receipt").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["dossier.receipt_printed", "dossier.receipt_reprinted"]
    client.force_login(org.auditor)  # it carries the survey link: the counter roles only
    assert client.get(reverse("procedures:receipt", args=[dossier.pk])).status_code == 403


def _data_rows(rows):
    """The table rows of an exported sheet: those that start with their number."""
    return [r for r in rows if r and isinstance(r[0], int)]


def test_control_slip_and_register(org, dossier):
    services.hand_over(
        dossier=dossier,
        actor=org.office,
        giver="Một cửa",
        receiver="QLDN",
        to_unit=org.unit_a,
        step_due=D(2026, 3, 10),
        at=at(2026, 3, 11, 9),
    )
    sheet = load_workbook(io.BytesIO(documents.control_slip(dossier))).active
    rows = _data_rows(sheet.iter_rows(values_only=True))
    # the unit the dossier left and the person; "QLDN" typed for the receiver names the unit itself
    assert rows[0][1:3] == ("Bộ phận Một cửa", "QLDN") and rows[0][4] == "Quá hạn"
    assert isinstance(sheet["C6"].value, dt.datetime) and sheet["C6"].number_format == "DD/MM/YYYY HH:MM"
    book = load_workbook(io.BytesIO(documents.register(Dossier.objects.all(), title="Q1")))
    data = list(book.active.iter_rows(values_only=True))
    first = _data_rows(data)[0]
    assert "Mã hồ sơ" in data[3] and first[1] == dossier.code
    assert first[7] == T(2026, 3, 9, 9) and isinstance(first[8], dt.datetime)


def test_the_control_slip_keeps_the_form_layout_and_prints_on_a4_landscape(org, dossier):
    services.hand_over(dossier=dossier, actor=org.office, giver="Nguyễn Thị Thu Trang", receiver="Vũ Quang Huy",
                       to_unit=org.unit_b, at=at(2026, 3, 10, 9))  # fmt: skip
    sheet = load_workbook(io.BytesIO(documents.control_slip(dossier))).active
    assert sheet.title == "Mẫu 06" and {"A1:H1", "A2:H2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" and sheet["A1"].font.bold
    assert sheet["A2"].value == org.agency.name.upper()
    assert [sheet.cell(row=r, column=2).value for r in range(3, 8)] == [
        "Mã hồ sơ:",
        "Tên người nộp:",
        "Thủ tục:",
        "Ngày tiếp nhận:",
        "Ngày hẹn trả:",
    ]
    assert sheet["C3"].value == dossier.code and sheet["C6"].value == T(2026, 3, 9, 9)
    assert sheet["C7"].number_format == "DD/MM/YYYY" and sheet["B3"].font.bold
    header = [c.value for c in sheet[9]]
    assert header == documents.SLIP_HEADER and "Người giao ký" in header and "Người nhận ký" in header
    assert all(c.font.bold and c.alignment.wrap_text and c.border.top.style == "thin" for c in sheet[9])
    assert sheet.row_dimensions[9].height >= 2 * 14  # the wrapped header prints whole
    row = sheet[10]
    assert row[1].value == "Bộ phận Một cửa: Nguyễn Thị Thu Trang"  # the first hand-over leaves the desk
    assert row[2].value == f"{org.unit_b.label}: Vũ Quang Huy"
    assert row[3].number_format == "DD/MM/YYYY HH:MM"
    assert all(c.border.left.style == "thin" for c in row)  # the signature cells too
    assert sheet.row_dimensions[10].height >= 36  # room to sign
    assert sheet.max_row >= 9 + documents.SLIP_BLANK_ROWS  # rows to write in
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$9:$9"
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.column_dimensions["B"].width >= 25


def test_the_register_is_a_printable_signed_book(org, dossier, receive):
    """Mẫu 07: titles with the window, dates with their formats, the unit that resolved it."""
    services.hand_over(dossier=dossier, actor=org.office, giver="A", receiver="B", to_unit=org.unit_b,
                       at=at(2026, 3, 10, 9))  # fmt: skip
    services.hand_over(dossier=dossier, actor=org.office, giver="B", receiver="C", to_unit=org.unit_a,
                       at=at(2026, 3, 12, 9))  # fmt: skip
    kept = receive(at(2026, 3, 10, 10), applicant_name="Nguyễn Văn Bình")  # never handed over
    qs = Dossier.objects.filter(agency=org.agency)
    data = documents.register(qs, agency=org.agency, start=D(2026, 3, 1), end=D(2026, 3, 31))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Mẫu 07"
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "SỔ THEO DÕI HỒ SƠ",
        org.agency.name,
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
    ]
    assert "·" not in "".join(str(sheet.cell(row=r, column=1).value or "") for r in range(1, 4))
    header = sheet[5]
    assert [c.value for c in header] == documents.REGISTER_HEADER and all(c.font.bold for c in header)
    assert all(c.alignment.wrap_text and c.border.bottom.style == "thin" for c in header)
    assert sheet.row_dimensions[5].height >= 2 * 14
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=6) if r[1].value}
    handed, still = rows[dossier.code], rows[kept.code]
    assert handed[6].value == org.unit_b.label  # the unit it was handed to for processing, not today's
    assert still[6].value == kept.unit.label
    assert handed[7].number_format == "DD/MM/YYYY HH:MM" and handed[8].number_format == "DD/MM/YYYY"
    assert handed[9].value == T(2026, 3, 10, 9) and handed[9].number_format == "DD/MM/YYYY HH:MM"
    assert all(c.border.left.style == "thin" for c in handed)
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.print_title_rows == "$5:$5" and sheet.freeze_panes == "A6"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == list(documents.REGISTER_WIDTHS[:3])
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert documents.REGISTER_SIGNER in texts and "(Ký và ghi rõ họ tên)" in texts


def test_the_register_writes_the_statuses_in_the_words_of_the_circular(org, dossier, cal):
    assert documents.status_names() == LEGAL_STATUSES
    assert set(LEGAL_STATUSES) == set(DossierStatus.values)
    services.apologise(dossier=dossier, actor=org.office, reason="Chờ", new_date=D(2026, 3, 27), cal=cal)
    book = load_workbook(io.BytesIO(documents.register(Dossier.objects.all(), title="Q1")))
    data = list(book.active.iter_rows(values_only=True))
    assert data[0][0] == "SỔ THEO DÕI HỒ SƠ" and data[1][0] == "Q1"
    assert _data_rows(data)[0][12] == "Đã tiếp nhận; hẹn lại 27/03/2026"


def test_the_downloads_are_attachments_with_their_form_names(client, org, dossier):
    client.force_login(org.auditor)  # read-only roles download the slip and the register
    slip = client.get(reverse("procedures:control_slip", args=[dossier.pk]))
    assert slip["Content-Disposition"] == f'attachment; filename="mau-06-{dossier.code}.xlsx"'
    register = client.get(reverse("procedures:register"), {"format": "xlsx"})
    assert register["Content-Disposition"].startswith('attachment; filename="so-theo-doi-ho-so-')
    rows = list(load_workbook(io.BytesIO(content(register))).active.iter_rows(values_only=True))
    assert _data_rows(rows)[0][1] == dossier.code
    assert any(str(value).startswith("Từ ngày 09/03/2026 đến ngày ") for row in rows[:4] for value in row)


def test_the_register_takes_a_queryset_already_read_for_it(org, dossier):
    """A caller that annotated the first hand-over itself (the make_document command) gets the
    same register, the unit that resolved it included."""
    services.hand_over(dossier=dossier, actor=org.office, giver="A", receiver="B", to_unit=org.unit_b)
    qs = Dossier.objects.filter(agency=org.agency).annotate(first_handover=Min("handovers__handed_at"))
    rows = _data_rows(load_workbook(io.BytesIO(documents.register(qs, title="Q1"))).active.iter_rows(values_only=True))
    assert rows[0][1] == dossier.code and rows[0][6] == org.unit_b.label
