"""The one-stop forms: the receipt (Mẫu 01), the control slip (Mẫu 06) and the register (Mẫu 07),
and their downloads."""

import datetime as dt
import io

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
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == 1]
    assert rows[0][1:3] == ("Một cửa", "QLDN") and rows[0][4] == "Quá hạn"
    assert isinstance(sheet["B7"].value, dt.datetime)
    book = load_workbook(io.BytesIO(documents.register(Dossier.objects.all(), title="Q1")))
    data = list(book.active.iter_rows(values_only=True))
    assert data[3][1] == "Mã hồ sơ" and data[4][1] == dossier.code
    assert data[4][7] == T(2026, 3, 9, 9) and isinstance(data[4][8], dt.datetime)


def test_the_control_slip_keeps_the_form_layout(org, dossier):
    sheet = load_workbook(io.BytesIO(documents.control_slip(dossier))).active
    assert sheet.title == "Mẫu 06" and {str(r) for r in sheet.merged_cells.ranges} == {"A1:F1", "A2:F2"}
    assert sheet["A1"].value == org.agency.name.upper() and sheet["A1"].font.bold
    assert [sheet.cell(row=r, column=1).value for r in range(3, 8)] == [
        "Mã hồ sơ:",
        "Tên người nộp:",
        "Thủ tục:",
        "Ngày tiếp nhận:",
        "Ngày hẹn trả:",
    ]
    assert sheet["B3"].value == dossier.code and sheet["B6"].value == T(2026, 3, 9, 9)
    assert sheet["A9"].value == "TT" and sheet["D9"].value == "Thời gian giao, nhận hồ sơ"


def test_the_register_writes_the_statuses_in_the_words_of_the_circular(org, dossier, cal):
    assert documents.status_names() == LEGAL_STATUSES
    assert set(LEGAL_STATUSES) == set(DossierStatus.values)
    services.apologise(dossier=dossier, actor=org.office, reason="Chờ", new_date=D(2026, 3, 27), cal=cal)
    book = load_workbook(io.BytesIO(documents.register(Dossier.objects.all(), title="Q1")))
    data = list(book.active.iter_rows(values_only=True))
    assert data[0][0] == "SỔ THEO DÕI HỒ SƠ" and data[1][0] == "Q1"
    assert data[4][12] == "Đã tiếp nhận; hẹn lại 27/03/2026"


def test_the_downloads_are_attachments_with_their_form_names(client, org, dossier):
    client.force_login(org.auditor)  # read-only roles download the slip and the register
    slip = client.get(reverse("procedures:control_slip", args=[dossier.pk]))
    assert slip["Content-Disposition"] == f'attachment; filename="mau-06-{dossier.code}.xlsx"'
    register = client.get(reverse("procedures:register"), {"format": "xlsx"})
    assert register["Content-Disposition"].startswith('attachment; filename="so-theo-doi-ho-so-')
    rows = list(load_workbook(io.BytesIO(content(register))).active.iter_rows(values_only=True))
    assert rows[4][1] == dossier.code
