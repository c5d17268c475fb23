"""The one-stop forms of TT 03/2025 the register produces (one_stop.md §2). Each paper form is
written once as a `PaperForm` (what it says) and given to two outputs: the Word file in the Decree
30 layout (`docx`, core.nd30) and the print page (templates/procedures/print_form.html):

- Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả (`receipt_form`), with its tracking QR codes,
  on one A4 page;
- Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (`supplement_form`), one per request;
- Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ (`refusal_form`), for a refused dossier;
- Mẫu 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (`apology_form`);
- Mẫu 06 Phiếu kiểm soát quá trình giải quyết hồ sơ (`control_form`; also as XLSX, `control_slip`).

Mẫu 06 is also a workbook to print and sign (`control_slip`), and the register (Mẫu 07) is one
(`register`): both printable through core.workbook's `Sheet` options (A4 landscape, one page
wide, the header repeated, borders, signature cells). Letters address the applicant as "Ông/Bà
<name>" or the organisation by its name (`addressee`); the agency's signer of dossier letters
signs Mẫu 03 and 04, which carry the drafting unit's code (the unit that held the dossier then,
`unit_at`). Links printed on the forms are built from settings.SITE_URL (core.checks warns when
it cannot reach citizens)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import segno
from django.conf import settings
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.deadlines import LOCAL, local
from core.models import Signer, Unit
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
    text_width,
)
from core.signers import Signature, signer_for
from core.text import fold
from core.workbook import SIGN_HINT as SHEET_SIGN_HINT
from core.workbook import Line, Sheet, workbook_bytes
from procedures.models import ApplicantKind, Dossier, DossierStatus, Handover, SupplementRequest, document_lines

LIMIT_UNITS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ làm việc", "months": "tháng"}
# "Nhận kết quả tại: …" / "Hình thức nhận kết quả"
DELIVERY = {"desk": "Bộ phận Một cửa", "post": "Qua dịch vụ bưu chính", "online": "Trực tuyến"}
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


def _name(dossier: Dossier) -> str:
    """The agency as running text names it ("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng
    Sơn"): its name, not the letterhead's upper-case lines."""
    return " ".join(dossier.agency.name.split()) or " ".join(_bodies(dossier)[1].split())


def _due_text(dossier: Dossier) -> str:
    if dossier.due_time:
        return f"{dossier.due_time:%H} giờ {dossier.due_time:%M} phút, ngày {dossier.due_date:%d/%m/%Y}"
    return f"ngày {dossier.due_date:%d/%m/%Y}"


def _procedure(dossier: Dossier) -> str:
    return dossier.procedure.name if dossier.procedure else dossier.procedure_code


def _symbol(dossier: Dossier, prefix: str = "", unit: Unit | None = None) -> str:
    """The symbol after "Số:": the form's letters, the agency's, and the drafting unit's code
    ("BQLKKTCK-QLDN") when a letter is drafted by a unit."""
    symbol = dossier.agency.symbol or dossier.agency.code
    if unit is not None and unit.code:
        symbol = f"{symbol}-{unit.code}"
    return f"{prefix}-{symbol}" if prefix else symbol


def unit_at(dossier: Dossier, moment: dt.datetime | None) -> Unit | None:
    """The unit that held the dossier at `moment`: the unit the last hand-over at or before it
    moved the dossier to; before any such hand-over, the unit the first hand-over took it from;
    else the dossier's unit (never handed over, or hand-overs recorded without units)."""
    handovers = list(dossier.handovers.select_related("to_unit", "from_unit"))
    if moment is not None:
        moved = [h for h in handovers if h.to_unit is not None and h.handed_at <= moment]
        if moved:
            return moved[-1].to_unit
        after = [h.from_unit for h in handovers if h.from_unit is not None and h.handed_at > moment]
        if after:
            return after[0]
    return dossier.unit


def _archive(unit: Unit | None) -> str:
    """ "Lưu: VT, <the drafting unit's code>"."""
    return f"VT, {unit.code}" if unit is not None and unit.code else "VT"


def due_moment(dossier: Dossier) -> dt.datetime:
    """When the result is due: the due time on the due date, else the end of the due date."""
    return dt.datetime.combine(dossier.due_date, dossier.due_time or dt.time.max, tzinfo=LOCAL)


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
    author: str = ""  # the Word file's author: the agency's name
    lines: list[Paragraph] = field(default_factory=list)
    letter: bool = False  # justified 14 pt paragraphs (a letter); else the short lines of a slip
    table: Table | None = None
    table_mm: float | None = None  # the room the table has (mm): its type is made to fit (Mẫu 01)
    row_cm: float | None = None  # the least height of the table's rows (room to write and sign in)
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
    def centred_columns(self) -> set[int]:
        """The table's columns written centred (TT, the numbers of Mẫu 01, the result of Mẫu 06)."""
        header = self.table.header if self.table is not None else []
        return {i for i, title in enumerate(header) if title in CENTRED_COLUMNS}

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
        author=dossier.agency.name,
        **fields,
    )


BLANK = "……………"  # what the printed form leaves to fill in by hand, as the official forms do


def _contact(dossier: Dossier) -> list[Paragraph]:
    phone, email = dossier.applicant_phone or BLANK, dossier.applicant_email or BLANK
    return [
        Paragraph(f"Địa chỉ: {dossier.applicant_address or BLANK}"),
        Paragraph(f"Số điện thoại: {phone}    Email: {email}"),
    ]


COMPONENT_HEADER = ["TT", "Tên giấy tờ", "Bản chính", "Bản sao", "Số lượng"]
COMPONENT_WIDTHS = [0.9, 11.8, 1.3, 1.2, 1.3]
# Mẫu 01 keeps to one A4 page: the room its components table has (mm) under the header, the
# lines, the QR addresses and both signature blocks; the table's type is made smaller (down to
# 8.5 pt) until its rows, wrapped as the names are long, fit in it.
RECEIPT_TABLE_MM = 60.0
ORIGINALS = re.compile(r"(\d{1,3})\s*bản\s+chính", re.IGNORECASE)
COPIES = re.compile(r"(\d{1,3})\s*bản\s+sao", re.IGNORECASE)
ORIGINAL_WORD = re.compile(r"bản\s+chính", re.IGNORECASE)
COPY_WORD = re.compile(r"bản\s+sao", re.IGNORECASE)
MARK = "x"  # the kind was said but not how many


@dataclass
class Component:
    """A document of the receipt's table: how many originals and copies were handed in, as the
    counter recorded them ("" when not recorded: left blank, never guessed)."""

    name: str
    original: str = ""
    copies: str = ""
    quantity: str = ""


def _count(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _component(
    name: str, originals: int | None, copies: int | None, *, said_original: bool = False, said_copy: bool = False
) -> Component:
    """The numbers as two-digit counts; a kind said without its number is marked and the
    quantity then left blank (it is not known)."""
    unknown = (said_original and originals is None) or (said_copy and copies is None)
    total = (originals or 0) + (copies or 0)
    return Component(
        name,
        f"{originals:02d}" if originals else (MARK if said_original else ""),
        f"{copies:02d}" if copies else (MARK if said_copy else ""),
        f"{total:02d}" if total and not unknown else "",
    )


def typed_component(line: str) -> Component:
    """A document typed at the counter, with what its text says of the papers handed in: "02 bản
    chính", "01 bản sao" give the numbers; "(bản chính)" or "(bản sao)" alone marks the kind (x)
    and leaves the quantity blank."""
    originals, copies = ORIGINALS.search(line), COPIES.search(line)
    return _component(
        line,
        _count(originals.group(1)) if originals else None,
        _count(copies.group(1)) if copies else None,
        said_original=bool(ORIGINAL_WORD.search(line)),
        said_copy=bool(COPY_WORD.search(line)),
    )


def components(dossier: Dossier) -> list[Component]:
    """The receipt's documents: the catalogue's documents ticked at the counter, with the
    numbers of originals and copies entered beside them (checklist keys "original", "copies"),
    then the other documents typed, one a line (`typed_component`)."""
    out: dict[str, Component] = {}
    for item in dossier.checklist or ():
        if item.get("received") and item["name"] not in out:
            out[item["name"]] = _component(item["name"], _count(item.get("original")), _count(item.get("copies")))
    for line in document_lines(dossier.components):
        out.setdefault(line, typed_component(line))
    return list(out.values())


def receipt_form(dossier: Dossier) -> PaperForm:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code to the status page (and
    the links other apps register, e.g. the survey); one A4 page."""
    body = _name(dossier)
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
        Paragraph(
            f"Nhận kết quả tại: {dossier.reception_point or _name(dossier)}"
            if dossier.result_delivery == "desk"
            else f"Hình thức nhận kết quả: {DELIVERY.get(dossier.result_delivery, '')}"
        ),
        Paragraph("Vào Sổ theo dõi hồ sơ, Quyển số: ……, Số thứ tự: ……"),
    ]
    table = None
    if received:
        table = Table(
            COMPONENT_HEADER,
            [[str(i), c.name, c.original, c.copies, c.quantity] for i, c in enumerate(components(dossier), start=1)],
            COMPONENT_WIDTHS,
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
        table_mm=RECEIPT_TABLE_MM,
        links=links,
        left_signer="NGƯỜI NỘP HỒ SƠ",
        signature=Signature("", "NGƯỜI TIẾP NHẬN HỒ SƠ", dossier.created_by.display_name if dossier.created_by else ""),
        sign_hint=True,
    )


def supplement_form(request: SupplementRequest) -> PaperForm:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every document missing and every item to
    add or correct with its reason, in one request (a second one says why), and whom to ask."""
    dossier = request.dossier
    body = _name(dossier)
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
    body = _name(dossier)
    who = addressee(dossier)
    reason = (dossier.end_reason or "").strip().rstrip(".")
    ended = local(dossier.finished_at).date() if dossier.finished_at else None
    contact = ", ".join(filter(None, [dossier.applicant_address, dossier.applicant_phone, dossier.applicant_email]))
    paragraphs = [
        Paragraph(f"Kính gửi: {who}."),  # upright, not bold (Decree 30)
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
        archive=_archive(unit_at(dossier, dossier.finished_at)),
        signature=signature,
    )


def apology_form(dossier: Dossier) -> PaperForm:
    """Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, drafted by the unit that
    held the dossier when the apology was recorded (its code in the number and in "Lưu"), signed
    by the agency's signer of dossier letters; what it says of the due date is true on the day it
    is sent: before the due time the result "cannot be returned on time", after it the time "has
    passed"."""
    if dossier.apology_date is None:
        raise ValueError("no apology recorded")
    body = _name(dossier)
    who = addressee(dossier)
    drafting = unit_at(dossier, dossier.apology_at)
    late = dossier.apology_at is not None and dossier.apology_at > due_moment(dossier)
    if late:
        delay = f"Đến nay, hồ sơ đã quá thời hạn trả kết quả nêu trên mà {body} chưa trả được kết quả giải quyết."
    else:
        delay = (
            f"Tuy nhiên, {body} không thể trả kết quả giải quyết hồ sơ đúng thời hạn đã hẹn "
            f"là ngày {dossier.due_date:%d/%m/%Y}."
        )
    paragraphs = [
        Paragraph(f"Kính gửi: {who}."),
        Paragraph(
            f"Ngày {local(dossier.received_at):%d/%m/%Y}, {body} tiếp nhận hồ sơ đề nghị giải quyết thủ tục "
            f"{_procedure(dossier)} của {who}, mã hồ sơ {dossier.code}. Thời hạn trả kết quả giải quyết hồ sơ "
            f"theo giấy tiếp nhận hồ sơ và hẹn trả kết quả là {_due_text(dossier)}."
        ),
        Paragraph(f"{delay} Lý do: {dossier.apology_reason.strip().rstrip('.')}."),
        Paragraph(
            f"Sự chậm trễ này {'đã gây' if late else 'sẽ gây'} phiền hà, tốn kém chi phí, thời gian của {who}. "
            f"{body} xin lỗi {who} "
            f"và đề nghị gia hạn thời gian trả kết quả giải quyết hồ sơ đến ngày {dossier.apology_date:%d/%m/%Y}."
        ),
        Paragraph(f"Xin trân trọng cảm ơn sự hợp tác của {who}./."),
    ]
    return _header(
        dossier,
        "Mẫu 04",
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        symbol=_symbol(dossier, unit=drafting),
        date=local(dossier.apology_at).date() if dossier.apology_at else None,
        title="xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ",
        lines=paragraphs,
        letter=True,
        recipients=["Như trên"],
        archive=_archive(drafting),
        signature=_signer(dossier),
    )


DESK = "Bộ phận Một cửa"


def handover_sides(handover: Handover, *, first: bool = False) -> tuple[str, str]:
    """Mẫu 06's "Tên cơ quan, người giao/nhận" of a hand-over: "<unit>: <person>" for the giver
    (the unit the dossier left; the one-stop desk for the first hand-over) and the receiver (the
    unit it went to, or the same unit when it stayed there); the person alone when the unit was
    not recorded (older rows)."""

    def side(unit: Unit | None, person: str) -> str:
        person = " ".join(person.split())
        if unit is None or not person:
            return person or (unit.label if unit is not None else "")
        names = {fold(unit.label), fold(unit.name), fold(unit.code)}
        if fold(person) in names or any(fold(person).startswith(name) for name in names if len(name) > 3):
            return person  # older rows typed the unit itself ("QLDN", "Phòng QLDN")
        return f"{unit.label}: {person}"

    giver = side(handover.from_unit, handover.giver)
    if first and handover.from_unit is None and handover.giver.strip():
        person = " ".join(handover.giver.split())
        giver = DESK if fold(person) in fold(DESK) else f"{DESK}: {person}"  # "Một cửa" typed: the desk
    return giver, side(handover.to_unit or handover.from_unit, handover.receiver)


def _handovers(dossier: Dossier) -> list[Handover]:
    return list(dossier.handovers.select_related("from_unit", "to_unit"))


def control_form(dossier: Dossier) -> PaperForm:
    """Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over, with its result
    against the step's due date, and a cell for the giver's and one for the receiver's signature
    on each row (signed on paper)."""
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
        [
            str(number),
            *handover_sides(h, first=number == 1),
            _moment(h.handed_at),
            handover_result(h, dossier),
            "",
            "",
            h.note,
        ]
        for number, h in enumerate(_handovers(dossier), start=1)
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
        row_cm=SLIP_ROW_CM,
        # blank rows for the hand-overs still to come, written in by hand on the paper slip
        table=Table(SLIP_HEADER, rows + [[""] * len(SLIP_HEADER)] * max(SLIP_BLANK_ROWS - len(rows), 1), SLIP_WIDTHS),
    )


# The Word file ---------------------------------------------------------------------------------


CENTRED_COLUMNS = {"TT", "STT", "Bản chính", "Bản sao", "Số lượng", "Kết quả (trước hạn, đúng hạn, quá hạn)"}
SLIP_SIGNER_SIZE = 13
SLIP_SIGN_LINES_DROPPED = 1  # pt: both signers' titles of a slip (Mẫu 01, 02) in the same size
QR_COLUMN = 3.8  # cm: the column of QR codes at the right of a slip's lines


SLIP_SIZE = 12  # pt: a slip's lines (a form of TT 03/2025, not a letter's 14-pt body)


def _slip_line(container: Any, paragraph: Paragraph) -> None:
    line = add_line(container, paragraph.text, size=SLIP_SIZE, bold=paragraph.bold, italic=paragraph.italic)
    line.paragraph_format.space_after = Pt(0)
    line.paragraph_format.line_spacing = 1.0


CELL_SIDE_TWIPS = 57  # 1 mm each side of a slip's table cells (Word's default is 1.9 mm)
TABLE_SIZES = (10.5, 10, 9.5, 9, 8.5)  # pt: the sizes a slip's table may take, largest first
POINT_MM = 25.4 / 72


def _compact(table: Any) -> None:
    """A slip's table single-spaced, with narrow cell margins."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = 1.0
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        node = OxmlElement(side)
        node.set(qn("w:w"), str(CELL_SIDE_TWIPS))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    existing = properties.find(qn("w:tblCellMar"))
    if existing is not None:
        properties.remove(existing)
    properties.append(margins)


def _lines(text: str, width_cm: float, size: float) -> int:
    """How many lines `text` takes in a cell `width_cm` wide (words wrapped whole)."""
    room = width_cm - 2 * CELL_SIDE_TWIPS / 567
    lines, current = 1, ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size).cm > room:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines


def table_size(table: Table, room_mm: float | None) -> float:
    """The largest of TABLE_SIZES at which the table's rows fit in `room_mm` (the smallest when
    none does); the first size when no room is given."""
    if room_mm is None:
        return TABLE_SIZES[0]
    for size in TABLE_SIZES:
        line_mm = size * 1.17 * POINT_MM
        rows = [max(_lines(str(v), w, size) for v, w in zip(row, table.widths, strict=True)) for row in table.rows]
        if sum(rows) * line_mm + len(rows) * 0.3 <= room_mm:
            return size
    return TABLE_SIZES[-1]


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
        line = add_line(doc, f"({number}) {link.label}: quét mã QR hoặc truy cập {link.url}", size=8.5, italic=True)
        line.paragraph_format.space_after = Pt(0)
        line.paragraph_format.line_spacing = 1.0


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
    for cell in (left, right):  # the two signers' titles and names in one size
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(SLIP_SIGNER_SIZE)
    blanks = [p for p in right.paragraphs if not p.text.strip()]
    for paragraph in blanks[:SLIP_SIGN_LINES_DROPPED]:  # a slip's signing space: three lines, not four
        paragraph._p.getparent().remove(paragraph._p)
    for paragraph in blanks[SLIP_SIGN_LINES_DROPPED:]:
        paragraph.paragraph_format.line_spacing = 1.0
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
            size = 12 if form.letter else table_size(form.table, form.table_mm)
            if form.table.caption:
                _slip_line(doc, Paragraph(form.table.caption, bold=True))
            widths = [Cm(w) for w in form.table.widths]
            centre = form.centred_columns
            grid = add_grid(doc, form.table.header, form.table.rows, widths, size=size, centre_columns=centre)
            _compact(grid)
            if form.row_cm is not None:
                for row in grid.rows[1:]:
                    row.height, row.height_rule = Cm(form.row_cm), WD_ROW_HEIGHT_RULE.AT_LEAST
            add_line(doc, "", size=3).paragraph_format.space_after = Pt(0)
        for paragraph in form.after:
            if form.letter:
                add_body_paragraph(doc, paragraph.text, bold=paragraph.bold, italic=paragraph.italic)
            else:
                _slip_line(doc, paragraph)
        if form.links:
            _qr_addresses(doc, form.links)
        if not form.letter:  # a little air above the signatures
            add_line(doc, "", size=4).paragraph_format.space_after = Pt(0)

    signature = form.signature or Signature("", "", "")
    document = AdminDocument(
        parent_body=form.parent_body,
        issuing_body=form.issuing_body,
        author=form.author,
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
    "Kết quả (trước hạn, đúng hạn, quá hạn)",
    "Người giao ký",
    "Người nhận ký",
    "Ghi chú",
]
SLIP_WIDTHS = [0.8, 3.1, 3.1, 2.6, 1.9, 1.8, 1.8, 1.4]  # cm, 16.5 in all
SLIP_SHEET_WIDTHS = (5, 30, 30, 17, 13, 16, 16, 22)  # characters
SLIP_ROW_HEIGHT = 42  # points: room for two signatures in each row
SLIP_ROW_CM = 1.5  # the same on the Word slip
SLIP_BLANK_ROWS = 6  # the printed slip has at least this many rows


def control_slip(dossier: Dossier) -> bytes:
    """Mẫu 06 as a workbook to print and sign: the form's title, the dossier's particulars, then
    one bordered row per hand-over (and blank rows to write in) with the giver's and the
    receiver's signature cells; A4 landscape, one page wide, the header row repeated."""
    rows: list[list[Any]] = [
        [
            number,
            *handover_sides(h, first=number == 1),
            local(h.handed_at),
            handover_result(h, dossier),
            None,
            None,
            h.note,
        ]
        for number, h in enumerate(_handovers(dossier), start=1)
    ]
    rows += [[None] * len(SLIP_HEADER)] * max(SLIP_BLANK_ROWS - len(rows), 1)
    due: Any = dossier.due_date
    if dossier.due_time is not None:
        due = dt.datetime.combine(dossier.due_date, dossier.due_time)
    particulars: list[list[Any]] = [  # the labels in the giver's column, the values beside them
        [None, "Mã hồ sơ:", dossier.code],
        [None, "Tên người nộp:", addressee(dossier)],
        [None, "Thủ tục:", _procedure(dossier)],
        [None, "Ngày tiếp nhận:", local(dossier.received_at)],
        [None, "Ngày hẹn trả:", due],
    ]
    if dossier.apology_date:
        particulars.append([None, "Ngày hẹn lại (văn bản xin lỗi):", dossier.apology_date])
    sheet = Sheet(
        "Mẫu 06",
        SLIP_HEADER,
        rows,
        heading="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        subtitle=[dossier.agency.name.upper()],
        preamble=particulars,
        widths=SLIP_SHEET_WIDTHS,
        printable=True,
        landscape=True,
        borders=True,
        row_height=SLIP_ROW_HEIGHT,
    )
    return workbook_bytes([sheet])


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
REGISTER_WIDTHS = (5, 21, 24, 7, 20, 18, 14, 16.5, 16.5, 16.5, 16.5, 16.5, 15)
REGISTER_SIGNER = "NGƯỜI LẬP SỔ"


def status_names() -> dict[str, str]:
    """The statuses as the register (Mẫu 07) writes them: the Vietnamese labels of DossierStatus,
    which are the wording of TT 03/2025 (procedures/tests/test_documents.py holds them to it)."""
    with translation.override("vi"):
        return {value: str(label) for value, label in DossierStatus.choices}


def register_dossiers(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers as the register reads them, in reception order: the first hand-over's time
    (sent to the processing unit) and the unit it went to (the unit that resolved it)."""
    first = Handover.objects.filter(dossier=OuterRef("pk"), to_unit__isnull=False).order_by("handed_at", "pk")
    annotations: dict[str, Any] = {
        "first_handover": Min("handovers__handed_at"),
        "first_unit": Subquery(first.values("to_unit")[:1]),
    }
    missing = {name: value for name, value in annotations.items() if name not in qs.query.annotations}
    return qs.select_related("unit", "procedure").annotate(**missing).order_by("received_at", "pk")


def window_text(start: dt.date, end: dt.date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def register(
    dossiers: Iterable[Dossier],
    *,
    title: str = "",
    agency: Any = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> bytes:
    """Mẫu 07: Sổ theo dõi hồ sơ, streamed (write-only workbook) so a year of dossiers fits; a
    printable register (A4 landscape, one page wide, the header repeated, borders) headed by the
    agency and "Từ ngày … đến ngày …", signed by the person who keeps it. A QuerySet is read
    through `register_dossiers`; "Cơ quan, đơn vị chủ trì giải quyết" is the unit the dossier was
    handed to for processing (else the unit that holds it)."""
    names = status_names()
    if isinstance(dossiers, QuerySet):
        dossiers = register_dossiers(dossiers).iterator(chunk_size=2000)
    labels: dict[int, str] = {}

    def unit_label(d: Dossier) -> str:
        unit_id = getattr(d, "first_unit", None) or d.unit_id
        if unit_id is None:
            return ""
        if unit_id not in labels:
            unit = d.unit if d.unit_id == unit_id else Unit.objects.filter(pk=unit_id).first()
            labels[unit_id] = unit.label if unit is not None else ""
        return labels[unit_id]

    def rows() -> Iterator[list[Any]]:
        for number, d in enumerate(dossiers, start=1):
            first = getattr(d, "first_handover", None)
            due: Any = d.due_date if d.due_time is None else dt.datetime.combine(d.due_date, d.due_time)
            yield [
                number,
                d.code,
                d.procedure.name if d.procedure else d.procedure_code,
                d.sets,
                d.applicant_name,
                ", ".join(filter(None, [d.applicant_address, d.applicant_phone])),
                unit_label(d),
                local(d.received_at),
                due,
                local(first) if first else None,
                local(d.finished_at) if d.finished_at else None,
                local(d.returned_at) if d.returned_at else None,
                names.get(d.status, d.status) + (f"; hẹn lại {d.apology_date:%d/%m/%Y}" if d.apology_date else ""),
            ]

    subtitle = [agency.name if agency is not None else title] if (agency is not None or title) else []
    if start is not None and end is not None:
        subtitle.append(window_text(start, end))
    place = agency.province.name if agency is not None else ""
    sheet = Sheet(
        "Mẫu 07",
        REGISTER_HEADER,
        rows(),
        heading="SỔ THEO DÕI HỒ SƠ",
        subtitle=subtitle,
        widths=REGISTER_WIDTHS,
        printable=True,
        landscape=True,
        borders=True,
        signature=[
            Line(f"{place + ', ' if place else ''}ngày …… tháng …… năm ……", italic=True),
            REGISTER_SIGNER,
            SHEET_SIGN_HINT,
        ],
        signature_columns=4,
    )
    return workbook_bytes([sheet], stream=True)
