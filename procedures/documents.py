"""The one-stop forms of TT 03/2025 the register produces (one_stop.md §2): the receipt (Mẫu 01)
with its tracking QR code and the apology letter (Mẫu 04) as DOCX in the Decree 30 layout, the
control slip (Mẫu 06) and the register (Mẫu 07) as XLSX with native dates."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from docx.shared import Cm
from openpyxl.styles import Alignment

from core import sheets
from core.deadlines import local
from core.nd30 import AdminDocument, Paragraph, add_grid, add_line, issuing_bodies, render
from core.workbook import DATE, DATETIME, HEADING, Sheet, add_sheet, new_workbook, to_bytes, workbook_bytes
from procedures.models import Dossier, DossierStatus, Handover

LIMIT_UNITS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ làm việc", "months": "tháng"}
DELIVERY = {"desk": "Tại Bộ phận Một cửa", "post": "Qua dịch vụ bưu chính", "online": "Trực tuyến"}


# Further links a receipt carries as QR codes, as (label, url) for a dossier (e.g. the SIPAS
# survey); registered by the apps that own them.
RECEIPT_LINKS: list[Callable[[Dossier], tuple[str, str]]] = []
# The audit actions of a receipt's print: the first print at the counter, and any later one (the
# receipt carries the citizen's survey link, so who printed it again, and when, is kept).
RECEIPT_ACTIONS = ("dossier.receipt_printed", "dossier.receipt_reprinted")


def status_url(dossier: Dossier) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("dossier_status", args=[dossier.code])


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def _moment(value: dt.datetime | None) -> str:
    return f"{local(value):%H} giờ {local(value):%M} phút, ngày {local(value):%d/%m/%Y}" if value else ""


def _bodies(dossier: Dossier) -> tuple[str, str]:
    return issuing_bodies(dossier.agency)


def _due_text(dossier: Dossier) -> str:
    if dossier.due_time:
        return f"{dossier.due_time:%H} giờ {dossier.due_time:%M} phút, ngày {dossier.due_date:%d/%m/%Y}"
    return f"ngày {dossier.due_date:%d/%m/%Y}"


def receipt(dossier: Dossier) -> bytes:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code to the status page."""
    parent, body = _bodies(dossier)
    url = status_url(dossier)
    procedure = dossier.procedure.name if dossier.procedure else dossier.procedure_code
    limit = f"{dossier.limit} {LIMIT_UNITS.get(dossier.limit_unit, '')}" if dossier.limit else ""
    lines = [
        f"Mã hồ sơ: {dossier.code}",
        f"{dossier.reception_point or body} tiếp nhận hồ sơ của: {dossier.applicant_name}",
        f"Địa chỉ: {dossier.applicant_address}",
        f"Số điện thoại: {dossier.applicant_phone}    Email: {dossier.applicant_email}",
        f"Số định danh cá nhân: {dossier.applicant_id_number}",
        f"Nội dung yêu cầu giải quyết: {procedure}",
        f"Số lượng hồ sơ: {dossier.sets:02d} bộ",
        f"Thời gian giải quyết hồ sơ theo quy định: {limit}",
        f"Thời gian nhận hồ sơ: {_moment(dossier.received_at)}",
        f"Thời gian trả kết quả giải quyết hồ sơ: {_due_text(dossier)}",
        f"Nhận kết quả tại: {DELIVERY.get(dossier.result_delivery, '')}",
        "Vào Sổ theo dõi hồ sơ, Quyển số: ……, Số thứ tự: ……",
    ]
    components = [c.strip() for c in dossier.components.splitlines() if c.strip()]
    extra = [hook(dossier) for hook in RECEIPT_LINKS]

    def blocks(doc) -> None:
        if components:
            add_line(doc, "Thành phần hồ sơ:", bold=True)
            add_grid(
                doc,
                ["TT", "Tên giấy tờ"],
                [[str(i), name] for i, name in enumerate(components, start=1)],
                [Cm(1.2), Cm(15)],
            )
        for label, link in [("Tra cứu tình trạng hồ sơ", url), *extra]:
            add_line(doc, f"{label}: quét mã QR hoặc truy cập", italic=True, size=12)
            add_line(doc, link, size=11)
            doc.add_picture(io.BytesIO(qr_png(link)), width=Cm(3))

    document = AdminDocument(
        parent_body=parent,
        issuing_body=body,
        number=None,
        symbol=f"TNHS-{dossier.agency.symbol or dossier.agency.code}",
        place=dossier.agency.province.name,
        date=local(dossier.received_at).date(),
        kind="GIẤY TIẾP NHẬN HỒ SƠ",
        title="VÀ HẸN TRẢ KẾT QUẢ",
        body=[Paragraph(text) for text in lines],
        after_body=blocks,
        left_signer="NGƯỜI NỘP HỒ SƠ",
        signer_title="NGƯỜI TIẾP NHẬN HỒ SƠ",
        signer_name=dossier.created_by.display_name if dossier.created_by else "",
    )
    return render(document)


def apology(dossier: Dossier, *, signer_title: str = "THỦ TRƯỞNG CƠ QUAN", signer_name: str = "") -> bytes:
    """Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết."""
    if dossier.apology_date is None:
        raise ValueError("no apology recorded")
    parent, body = _bodies(dossier)
    procedure = dossier.procedure.name if dossier.procedure else dossier.procedure_code
    who = dossier.applicant_name or "Ông/Bà"
    issued = local(dossier.apology_at).date() if dossier.apology_at else None
    paragraphs = [
        Paragraph(f"Kính gửi: {who}.", bold=True),
        Paragraph(
            f"Ngày {local(dossier.received_at):%d/%m/%Y}, {body} tiếp nhận hồ sơ đề nghị giải quyết thủ tục "
            f"{procedure}, mã hồ sơ {dossier.code}. Thời hạn trả kết quả giải quyết hồ sơ theo giấy tiếp nhận "
            f"hồ sơ và hẹn trả kết quả là ngày {dossier.due_date:%d/%m/%Y}."
        ),
        Paragraph(
            f"Tuy nhiên, đến nay {body} chưa trả kết quả giải quyết hồ sơ đúng thời hạn. "
            f"Lý do: {dossier.apology_reason.rstrip('.')}."
        ),
        Paragraph(
            f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, thời gian của {who}. {body} xin lỗi {who} "
            f"và đề nghị gia hạn thời gian trả kết quả giải quyết hồ sơ đến ngày {dossier.apology_date:%d/%m/%Y}."
        ),
        Paragraph(f"Xin trân trọng cảm ơn sự hợp tác của {who}./."),
    ]
    document = AdminDocument(
        parent_body=parent,
        issuing_body=body,
        number=None,
        symbol=dossier.agency.symbol or dossier.agency.code,
        place=dossier.agency.province.name,
        date=issued,
        title="xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ",
        body=paragraphs,
        recipients=["Như trên"],
        archive=f"VT, {dossier.unit.code}" if dossier.unit else "VT",
        signer_title=signer_title,
        signer_name=signer_name,
    )
    return render(document)


def handover_result(handover: Handover, dossier: Dossier) -> str:
    """trước hạn / đúng hạn / quá hạn of a hand-over against its step's due date (else the dossier's)."""
    deadline = handover.step_due or dossier.due_date
    day = local(handover.handed_at).date()
    if day < deadline:
        return "Trước hạn"
    return "Đúng hạn" if day == deadline else "Quá hạn"


SLIP_HEADER = [
    "TT",
    "Tên cơ quan, người giao",
    "Tên cơ quan, người nhận",
    "Thời gian giao, nhận hồ sơ",
    "Kết quả",
    "Ghi chú",
]
SLIP_TOP = 8  # rows above the hand-over table: two title rows, five of the dossier, a blank one


def control_slip(dossier: Dossier) -> bytes:
    """Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ: the hand-over table, with the form's
    merged title rows and the dossier's particulars above it."""
    rows = [
        [number, h.giver, h.receiver, local(h.handed_at), handover_result(h, dossier), h.note]
        for number, h in enumerate(dossier.handovers.all(), start=1)
    ]
    workbook = new_workbook()
    table = Sheet("Mẫu 06", SLIP_HEADER, rows, widths=(5, 30, 30, 18, 12, 30))
    sheet = add_sheet(workbook, table)
    sheet.insert_rows(1, amount=SLIP_TOP)
    sheet.freeze_panes = None
    for row, text in enumerate([dossier.agency.name.upper(), "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"], start=1):
        title = sheets.put(sheet, row, 1, text)
        title.font, title.alignment = HEADING, Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SLIP_HEADER))
    particulars = [
        ("Mã hồ sơ:", dossier.code, None),
        ("Tên người nộp:", dossier.applicant_name, None),
        ("Thủ tục:", dossier.procedure.name if dossier.procedure else dossier.procedure_code, None),
        ("Ngày tiếp nhận:", local(dossier.received_at), DATETIME),
        ("Ngày hẹn trả:", dossier.due_date, DATE),
    ]
    for row, (label, value, number_format) in enumerate(particulars, start=3):
        sheets.put(sheet, row, 1, label)
        cell = sheets.put(sheet, row, 2, value)
        if number_format:
            cell.number_format = number_format
    return to_bytes(workbook)


REGISTER_HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan, đơn vị chủ trì giải quyết",
    "Ngày, giờ nhận hồ sơ",
    "Ngày hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Ghi chú",
]


def status_names() -> dict[str, str]:
    """The statuses as the register (Mẫu 07) writes them: the Vietnamese labels of DossierStatus,
    which are the wording of TT 03/2025 (procedures/tests/test_documents.py holds them to it)."""
    with translation.override("vi"):
        return {value: str(label) for value, label in DossierStatus.choices}


def register(dossiers: Iterable[Dossier], *, title: str) -> bytes:
    """Mẫu 07: Sổ theo dõi hồ sơ, streamed (write-only workbook) so a year of dossiers fits."""
    names = status_names()

    def rows() -> Iterator[list[Any]]:
        for number, d in enumerate(dossiers, start=1):
            first = d.first_handover if hasattr(d, "first_handover") else None
            yield [
                number,
                d.code,
                d.procedure.name if d.procedure else d.procedure_code,
                d.sets,
                d.applicant_name,
                ", ".join(filter(None, [d.applicant_address, d.applicant_phone])),
                d.unit.name if d.unit else "",
                local(d.received_at),
                d.due_date,
                local(first) if first else None,
                local(d.finished_at) if d.finished_at else None,
                local(d.returned_at) if d.returned_at else None,
                names.get(d.status, d.status) + (f"; hẹn lại {d.apology_date:%d/%m/%Y}" if d.apology_date else ""),
            ]

    sheet = Sheet("Mẫu 07", REGISTER_HEADER, rows(), heading="SỔ THEO DÕI HỒ SƠ", subtitle=[title], wrap=False)
    return workbook_bytes([sheet], stream=True)
