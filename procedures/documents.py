"""The one-stop forms of TT 03/2025 the register produces (one_stop.md §2). Each paper form is
written once as a `PaperForm` (what it says) and given to two outputs: the Word file in the Decree
30 layout (`docx`, core.nd30) and the print page (templates/procedures/print_form.html):

- Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả (`receipt_form`), with its tracking QR codes,
  on one A4 page;
- Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (`supplement_form`), one per request;
- Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ (`refusal_form`), for a refused dossier;
- Mẫu 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (`apology_form`);
- Mẫu 06 Phiếu kiểm soát quá trình giải quyết hồ sơ (`control_form`; also as XLSX, `control_slip`).

The register (Mẫu 07) is a workbook. Letters address the applicant as "Ông/Bà <name>" or the
organisation by its name (`addressee`); the agency's signer of dossier letters signs Mẫu 03 and 04."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment

from core import sheets
from core.deadlines import local
from core.models import Signer
from core.nd30 import (
    AdminDocument,
    Paragraph,
    add_body_paragraph,
    add_grid,
    add_line,
    date_line,
    issuing_bodies,
    number_line,
    render,
)
from core.signers import Signature, signer_for
from core.text import fold
from core.workbook import DATE, DATETIME, HEADING, Sheet, add_sheet, new_workbook, to_bytes, workbook_bytes
from procedures.models import ApplicantKind, Dossier, DossierStatus, Handover, SupplementRequest

LIMIT_UNITS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ làm việc", "months": "tháng"}
DELIVERY = {"desk": "Tại Bộ phận Một cửa", "post": "Qua dịch vụ bưu chính", "online": "Trực tuyến"}
TITLES = {"mr": "Ông", "ms": "Bà"}
# how the name of an organisation begins (folded: no accents, lower case), for dossiers that came
# without the applicant's kind (imports, the API, older rows)
ORGANISATION_WORDS = (
    "cong ty",
    "tong cong ty",
    "tap doan",
    "doanh nghiep",
    "hop tac xa",
    "ho kinh doanh",
    "chi nhanh",
    "van phong dai dien",
    "ngan hang",
    "ubnd",
    "uy ban",
    "so ",
    "ban quan ly",
    "co quan",
    "truong ",
    "benh vien",
    "trung tam",
    "vien ",
    "hiep hoi",
    "lien hiep",
    "quy ",
)
SIGN_HINT = "(Ký và ghi rõ họ tên)"


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


def is_organisation(dossier: Dossier) -> bool:
    """The applicant is an organisation: as recorded, else as its name reads."""
    if dossier.applicant_kind:
        return bool(dossier.applicant_kind == ApplicantKind.ORGANISATION)
    return fold(dossier.applicant_name).startswith(ORGANISATION_WORDS)


def addressee(dossier: Dossier) -> str:
    """How the letters name the applicant (D28): "Ông Nguyễn Văn Bình", "Bà ...", "Ông/Bà ..." when
    the form of address was not recorded, or the organisation by its name ("Công ty TNHH X")."""
    name = " ".join(dossier.applicant_name.split())
    if is_organisation(dossier):
        return name or "Quý cơ quan, tổ chức"
    return f"{TITLES.get(dossier.applicant_title, 'Ông/Bà')} {name}".strip()


def _moment(value: dt.datetime | None) -> str:
    return f"{local(value):%H} giờ {local(value):%M} phút, ngày {local(value):%d/%m/%Y}" if value else ""


def _bodies(dossier: Dossier) -> tuple[str, str]:
    return issuing_bodies(dossier.agency)


def _due_text(dossier: Dossier) -> str:
    if dossier.due_time:
        return f"{dossier.due_time:%H} giờ {dossier.due_time:%M} phút, ngày {dossier.due_date:%d/%m/%Y}"
    return f"ngày {dossier.due_date:%d/%m/%Y}"


def _procedure(dossier: Dossier) -> str:
    return dossier.procedure.name if dossier.procedure else dossier.procedure_code


def _symbol(dossier: Dossier, prefix: str = "") -> str:
    symbol = dossier.agency.symbol or dossier.agency.code
    return f"{prefix}-{symbol}" if prefix else symbol


@dataclass
class Link:
    """A link the form carries as a QR code."""

    label: str
    url: str

    @property
    def qr_src(self) -> str:
        """The QR code as a data: URL, for the print page (the CSP allows data: images)."""
        return "data:image/png;base64," + base64.b64encode(qr_png(self.url)).decode("ascii")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # cm, 16.5 in all (the A4 text width)
    caption: str = ""


@dataclass
class PaperForm:
    """What a one-stop form says, for both of its outputs (the Word file and the print page)."""

    form: str  # "Mẫu 01"
    name: str  # "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    filename: str  # without the extension: "mau-01-H38.15-260309-0001"
    parent_body: str
    issuing_body: str
    symbol: str
    place: str
    date: dt.date | None
    title: str
    kind: str = ""  # empty for a letter in the công văn layout ("V/v ..." under the number)
    lines: list[Paragraph] = field(default_factory=list)
    letter: bool = False  # justified 14 pt paragraphs (a letter); else the short lines of a slip
    table: Table | None = None
    after: list[Paragraph] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    left_signer: str = ""  # a second signature on the left instead of "Nơi nhận"
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"
    signature: Signature | None = None  # None: no closing block (Mẫu 06 is signed on each row)
    sign_hint: bool = False  # "(Ký và ghi rõ họ tên)" under the signers' titles (the slips)

    @property
    def number_line(self) -> str:
        return number_line(None, self.symbol)

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.date)

    @property
    def recipient_lines(self) -> list[str]:
        names = [name.strip().lstrip("-").strip().rstrip(";.").strip() for name in self.recipients]
        return [f"- {name};" for name in names if name] + [f"- Lưu: {self.archive.strip().rstrip('.')}."]


def _header(dossier: Dossier, form: str, name: str, **fields: Any) -> PaperForm:
    parent, body = _bodies(dossier)
    slug = form.lower().replace("mẫu ", "mau-")
    return PaperForm(
        form=form,
        name=name,
        filename=f"{slug}-{dossier.code}",
        parent_body=parent,
        issuing_body=body,
        place=dossier.agency.province.name,
        **fields,
    )


BLANK = "……………"  # what the printed form leaves to fill in by hand, as the official forms do


def _contact(dossier: Dossier) -> list[Paragraph]:
    phone, email = dossier.applicant_phone or BLANK, dossier.applicant_email or BLANK
    return [
        Paragraph(f"Địa chỉ: {dossier.applicant_address or BLANK}"),
        Paragraph(f"Số điện thoại: {phone}    Email: {email}"),
    ]


def receipt_form(dossier: Dossier) -> PaperForm:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code to the status page (and
    the links other apps register, e.g. the survey); one A4 page."""
    _parent, body = _bodies(dossier)
    limit = f"{dossier.limit} {LIMIT_UNITS.get(dossier.limit_unit, '')}" if dossier.limit else ""
    received = dossier.received_documents()
    lines = [
        Paragraph(f"Mã hồ sơ: {dossier.code}", bold=True),
        Paragraph(f"{dossier.reception_point or body} tiếp nhận hồ sơ của: {addressee(dossier)}"),
        *_contact(dossier),
        Paragraph(f"Số định danh cá nhân: {dossier.applicant_id_number}"),
        Paragraph(f"Nội dung yêu cầu giải quyết: {_procedure(dossier)}"),
        Paragraph(f"Số lượng hồ sơ: {dossier.sets:02d} bộ"),
        Paragraph(f"Thời gian giải quyết hồ sơ theo quy định: {limit}"),
        Paragraph(f"Thời gian nhận hồ sơ: {_moment(dossier.received_at)}"),
        Paragraph(f"Thời gian trả kết quả giải quyết hồ sơ: {_due_text(dossier)}", bold=True),
        Paragraph(f"Nhận kết quả tại: {DELIVERY.get(dossier.result_delivery, '')}"),
        Paragraph("Vào Sổ theo dõi hồ sơ, Quyển số: ……, Số thứ tự: ……"),
    ]
    table = None
    if received:
        table = Table(
            ["TT", "Tên giấy tờ"],
            [[str(i), name] for i, name in enumerate(received, start=1)],
            [1.2, 15.3],
            caption="Thành phần hồ sơ:",
        )
    links = [Link("Tra cứu tình trạng hồ sơ", status_url(dossier))]
    links += [Link(label, url) for label, url in (hook(dossier) for hook in RECEIPT_LINKS)]
    return _header(
        dossier,
        "Mẫu 01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        symbol=_symbol(dossier, "TNHS"),
        date=local(dossier.received_at).date(),
        kind="GIẤY TIẾP NHẬN HỒ SƠ",
        title="VÀ HẸN TRẢ KẾT QUẢ",
        lines=lines,
        table=table,
        links=links,
        left_signer="NGƯỜI NỘP HỒ SƠ",
        signature=Signature("", "NGƯỜI TIẾP NHẬN HỒ SƠ", dossier.created_by.display_name if dossier.created_by else ""),
        sign_hint=True,
    )


def supplement_form(request: SupplementRequest) -> PaperForm:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every document missing and every item to
    add or correct with its reason, in one request (a second one says why), and whom to ask."""
    dossier = request.dossier
    _parent, body = _bodies(dossier)
    who = addressee(dossier)
    missing = request.missing_documents()
    items = [line.strip() for line in request.items.splitlines() if line.strip()]
    lines = [
        Paragraph(f"Mã hồ sơ: {dossier.code}", bold=True),
        Paragraph(f"Hồ sơ của: {who}"),
        Paragraph(f"Nội dung yêu cầu giải quyết: {_procedure(dossier)}"),
        *_contact(dossier),
        Paragraph(f"Thời gian nhận hồ sơ: {_moment(dossier.received_at)}"),
        Paragraph("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", bold=True),
    ]
    # the items typed with their reasons in one line: the reason column points to them
    rows = [[name, "Chưa có trong hồ sơ"] for name in missing] + [[item, "Như nội dung nêu bên"] for item in items]
    table = Table(
        ["TT", "Giấy tờ, nội dung cần bổ sung, hoàn thiện", "Lý do"],
        [[str(i), *row] for i, row in enumerate(rows, start=1)],
        [1.2, 10.3, 5],
    )
    helper = request.requested_by
    contact = helper.display_name if helper else (dossier.reception_point or body)
    phone = f", số điện thoại {helper.phone}" if helper and helper.phone else ""
    after = []
    if request.second_reason.strip():
        after.append(Paragraph(f"Lý do phải yêu cầu bổ sung lần thứ hai: {request.second_reason.strip()}"))
    after += [
        Paragraph(
            f"Thời gian giải quyết hồ sơ tạm dừng từ {_moment(request.requested_at)} "
            "và được tính tiếp từ khi nhận đủ hồ sơ bổ sung."
        ),
        Paragraph(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {who} liên hệ với {contact}{phone} "
            f"tại {dossier.reception_point or body} để được hướng dẫn./."
        ),
    ]
    return _header(
        dossier,
        "Mẫu 02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        symbol=_symbol(dossier, "YCBS"),
        date=local(request.requested_at).date(),
        kind="PHIẾU YÊU CẦU BỔ SUNG,",
        title="HOÀN THIỆN HỒ SƠ",
        lines=lines,
        table=table,
        after=after,
        left_signer="NGƯỜI NỘP HỒ SƠ",
        signature=Signature("", "NGƯỜI HƯỚNG DẪN", helper.display_name if helper else ""),
        sign_hint=True,
    )


def _signer(dossier: Dossier) -> Signature:
    return signer_for(dossier.agency, Signer.Use.DOSSIERS)


def refusal_form(dossier: Dossier) -> PaperForm:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, for a dossier refused after review, with
    the reason recorded when it was closed; signed by the agency's signer of dossier letters."""
    if dossier.status != DossierStatus.REJECTED:
        raise ValueError("the dossier was not refused")
    _parent, body = _bodies(dossier)
    who = addressee(dossier)
    reason = (dossier.end_reason or "").strip().rstrip(".")
    ended = local(dossier.finished_at).date() if dossier.finished_at else None
    contact = ", ".join(filter(None, [dossier.applicant_address, dossier.applicant_phone, dossier.applicant_email]))
    paragraphs = [
        Paragraph(f"Kính gửi: {who}.", bold=True),
        Paragraph(
            f"Ngày {local(dossier.received_at):%d/%m/%Y}, {dossier.reception_point or body} tiếp nhận hồ sơ của "
            f"{who}{f' ({contact})' if contact else ''}, mã hồ sơ {dossier.code}, đề nghị giải quyết thủ tục "
            f"{_procedure(dossier)}."
        ),
        Paragraph(
            f"Qua xem xét, {body} từ chối giải quyết hồ sơ nêu trên với lý do cụ thể như sau: {reason or '……………………'}."
        ),
        Paragraph(
            f"Mọi vướng mắc, đề nghị {who} liên hệ {dossier.reception_point or body} để được hướng dẫn. "
            f"Xin thông báo để {who} được biết./."
        ),
    ]
    signature = _signer(dossier)
    return _header(
        dossier,
        "Mẫu 03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        symbol=_symbol(dossier, "TCHS"),
        date=ended,
        kind="PHIẾU TỪ CHỐI TIẾP NHẬN",
        title="GIẢI QUYẾT HỒ SƠ",
        lines=paragraphs,
        letter=True,
        recipients=["Như trên"],
        archive=f"VT, {dossier.unit.code}" if dossier.unit else "VT",
        signature=signature,
    )


def apology_form(dossier: Dossier) -> PaperForm:
    """Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết."""
    if dossier.apology_date is None:
        raise ValueError("no apology recorded")
    _parent, body = _bodies(dossier)
    who = addressee(dossier)
    paragraphs = [
        Paragraph(f"Kính gửi: {who}.", bold=True),
        Paragraph(
            f"Ngày {local(dossier.received_at):%d/%m/%Y}, {body} tiếp nhận hồ sơ đề nghị giải quyết thủ tục "
            f"{_procedure(dossier)} của {who}, mã hồ sơ {dossier.code}. Thời hạn trả kết quả giải quyết hồ sơ "
            f"theo giấy tiếp nhận hồ sơ và hẹn trả kết quả là ngày {dossier.due_date:%d/%m/%Y}."
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
    return _header(
        dossier,
        "Mẫu 04",
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        symbol=_symbol(dossier),
        date=local(dossier.apology_at).date() if dossier.apology_at else None,
        title="xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ",
        lines=paragraphs,
        letter=True,
        recipients=["Như trên"],
        archive=f"VT, {dossier.unit.code}" if dossier.unit else "VT",
        signature=_signer(dossier),
    )


def control_form(dossier: Dossier) -> PaperForm:
    """Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over, with its result
    against the step's due date (signed on paper on each row by the giver and the receiver)."""
    due = _due_text(dossier)
    if dossier.apology_date:
        due += f" (hẹn lại ngày {dossier.apology_date:%d/%m/%Y})"
    lines = [
        Paragraph(f"Mã hồ sơ: {dossier.code}", bold=True),
        Paragraph(f"Tên người nộp: {addressee(dossier)}"),
        Paragraph(f"Thủ tục: {_procedure(dossier)}"),
        Paragraph(f"Thời gian nhận hồ sơ: {_moment(dossier.received_at)}"),
        Paragraph(f"Thời gian trả kết quả giải quyết hồ sơ: {due}"),
    ]
    rows = [
        [str(number), h.giver, h.receiver, _moment(h.handed_at), handover_result(h, dossier), h.note]
        for number, h in enumerate(dossier.handovers.all(), start=1)
    ]
    return _header(
        dossier,
        "Mẫu 06",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        symbol=_symbol(dossier, "KSHS"),
        date=local(dossier.received_at).date(),
        kind="PHIẾU KIỂM SOÁT",
        title="QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        lines=lines,
        # blank rows for the hand-overs still to come, written in by hand on the paper slip
        table=Table(SLIP_HEADER, rows + [[""] * 6] * max(SLIP_BLANK_ROWS - len(rows), 1), SLIP_WIDTHS),
    )


# The Word file ---------------------------------------------------------------------------------


QR_COLUMN = 3.8  # cm: the column of QR codes at the right of a slip's lines


def _slip_line(container: Any, paragraph: Paragraph) -> None:
    line = add_line(container, paragraph.text, size=13, bold=paragraph.bold, italic=paragraph.italic)
    line.paragraph_format.space_after = Pt(1)


def _qr_column(doc: Any, links: list[Link]) -> None:
    """The QR codes stacked in a narrow table floating at the right margin, the slip's lines
    wrapping beside it (so Mẫu 01 keeps to one A4 page with both signature blocks); each code's
    full address is written under the slip (`_qr_addresses`)."""
    table = doc.add_table(rows=1, cols=1)
    table.autofit = False
    floating = OxmlElement("w:tblpPr")
    for key, value in (
        ("w:leftFromText", "142"),
        ("w:vertAnchor", "text"),
        ("w:horzAnchor", "margin"),
        ("w:tblpXSpec", "right"),
        ("w:tblpY", "1"),
    ):
        floating.set(qn(key), value)
    properties = table._tbl.tblPr
    style = properties.find(qn("w:tblStyle"))
    properties.insert(0 if style is None else 1, floating)
    cell = table.rows[0].cells[0]
    table.columns[0].width = cell.width = Cm(QR_COLUMN)
    cell._tc.remove(cell.paragraphs[0]._p)
    for number, link in enumerate(links, start=1):
        picture = cell.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.space_after = Pt(0)
        picture.add_run().add_picture(io.BytesIO(qr_png(link.url)), width=Cm(2.2))
        add_line(
            cell, f"({number}) {link.label}", size=8.5, italic=True, centred=True
        ).paragraph_format.space_after = Pt(4)


def _qr_addresses(doc: Any, links: list[Link]) -> None:
    for number, link in enumerate(links, start=1):
        line = add_line(doc, f"({number}) {link.label}: quét mã QR hoặc truy cập {link.url}", size=9, italic=True)
        line.paragraph_format.space_after = Pt(0)


def _closing(doc: Any, form: PaperForm) -> None:
    """After render() wrote the closing block (the last table): the "(Ký và ghi rõ họ tên)" line
    under each signer's title, or no block at all for a form signed on its rows."""
    closing = doc.tables[-1]
    if form.signature is None:
        closing._tbl.getparent().remove(closing._tbl)
        return
    if not form.sign_hint:
        return
    left, right = closing.rows[0].cells
    titled = [(left, 0)] if form.left_signer else []
    titled.append((right, 1 if form.signature.authority else 0))
    for cell, index in titled:
        hint = add_line(cell, SIGN_HINT, size=12, italic=True, centred=True)
        cell.paragraphs[index]._p.addnext(hint._p)


def docx(form: PaperForm) -> bytes:
    """The form as a Word file in the Decree 30 layout (core.nd30)."""

    def blocks(doc: Any) -> None:
        if form.links:
            _qr_column(doc, form.links)
        if not form.letter:
            for line in form.lines:
                _slip_line(doc, line)
        if form.table is not None:
            if form.table.caption:
                add_line(doc, form.table.caption, bold=True)
            add_grid(doc, form.table.header, form.table.rows, [Cm(w) for w in form.table.widths], size=11)
            add_line(doc, "", size=4)
        for paragraph in form.after:
            if form.letter:
                add_body_paragraph(doc, paragraph.text, bold=paragraph.bold, italic=paragraph.italic)
            else:
                _slip_line(doc, paragraph)
        if form.links:
            _qr_addresses(doc, form.links)
        if not form.letter:  # a little air above the signatures
            add_line(doc, "", size=6)

    signature = form.signature or Signature("", "", "")
    document = AdminDocument(
        parent_body=form.parent_body,
        issuing_body=form.issuing_body,
        number=None,
        symbol=form.symbol,
        place=form.place,
        date=form.date,
        kind=form.kind,
        title=form.title,
        body=form.lines if form.letter else [],
        after_body=blocks,
        left_signer=form.left_signer,
        recipients=form.recipients,
        archive=form.archive,
        signer_authority=signature.authority,
        signer_title=signature.title,
        signer_name=signature.name,
        appendices=lambda doc: _closing(doc, form),
    )
    return render(document)


def receipt(dossier: Dossier) -> bytes:
    return docx(receipt_form(dossier))


def apology(dossier: Dossier, *, signer_title: str = "", signer_name: str = "") -> bytes:
    """Mẫu 04 as a Word file; the agency's signer of dossier letters unless a title or a name is given."""
    form = apology_form(dossier)
    if (signer_title or signer_name) and form.signature is not None:
        form.signature = Signature(
            form.signature.authority if not signer_title else "",
            signer_title or form.signature.title,
            signer_name or form.signature.name,
        )
    return docx(form)


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
SLIP_WIDTHS = [1, 3.4, 3.4, 3.6, 2.2, 2.9]
SLIP_BLANK_ROWS = 6  # the printed slip has at least this many rows
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
