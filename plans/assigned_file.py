"""The Excel file of assigned tasks (issue 22): the shape the Government Office's task tracking
system exports (STT, Số ký hiệu văn bản, Ngày văn bản, Trích yếu, Người giao, Nội dung nhiệm vụ,
Hạn xử lý, Đơn vị chủ trì, Đơn vị phối hợp, Tình trạng, Ngày hoàn thành, Số/ngày báo cáo), read
through core.tabular: headers matched by their names and aliases (without accents, case or
spacing), every problem reported with its row, column and value, and a file with any problem
refused whole. The fill-in template (with its guide sheet "Hướng dẫn") is written from the same
declaration (docs/assigned-tasks.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from core import sheets
from core.file_problems import FileError, ProblemLog
from core.files import safe_load_workbook
from core.models import Agency, Unit
from core.tabular import Column, Row, Table
from core.text import fold
from core.workbook import Sheet, add_sheet, new_workbook, to_bytes
from plans.excel import parse_date as excel_date
from plans.models import AssignedTask

Issuer, Status = AssignedTask.Issuer, AssignedTask.Status
MAX_ROWS = 5000


class AssignedFileError(FileError):
    """A refused file of assigned tasks: every problem with its row and column."""


@dataclass(frozen=True)
class Spec:
    key: str
    header: str  # as the template writes it
    aliases: tuple[str, ...]
    required: bool
    width: float
    meaning: str  # the guide sheet: what the column holds
    how: str  # the guide sheet: how to write it


SPECS = (
    Spec(
        "stt", "STT", ("Số thứ tự", "TT"), False, 6, "Số thứ tự của dòng.", "Không bắt buộc; không dùng để nhận dạng."
    ),
    Spec(
        "code",
        "Mã nhiệm vụ",
        ("Mã", "Mã theo dõi", "Mã nhiệm vụ trên hệ thống", "ID nhiệm vụ", "Mã NV"),
        False,
        16,
        "Mã nhận dạng nhiệm vụ trên Hệ thống theo dõi nhiệm vụ; nhập lại cùng mã thì cập nhật nhiệm vụ đó.",
        "Tối đa 60 ký tự. Để trống: mã là Số ký hiệu văn bản, thêm #2, #3... cho nhiệm vụ thứ hai, thứ ba "
        "của cùng văn bản trong tệp.",
    ),
    Spec(
        "document_number",
        "Số ký hiệu văn bản",
        ("Số, ký hiệu văn bản", "Số hiệu văn bản", "Số văn bản", "Số ký hiệu", "Văn bản giao"),
        True,
        18,
        "Số và ký hiệu của văn bản giao nhiệm vụ.",
        "Ví dụ 1234/UBND-KT. Tối đa 100 ký tự.",
    ),
    Spec(
        "document_date",
        "Ngày văn bản",
        ("Ngày ban hành", "Ngày ký", "Ngày văn bản giao"),
        True,
        13,
        "Ngày ban hành văn bản giao nhiệm vụ.",
        "dd/mm/yyyy hoặc ô ngày của Excel.",
    ),
    Spec(
        "excerpt",
        "Trích yếu",
        ("Trích yếu văn bản", "Trích yếu nội dung"),
        False,
        40,
        "Trích yếu của văn bản giao.",
        "Văn bản; có thể để trống.",
    ),
    Spec(
        "issuer",
        "Người giao",
        ("Cơ quan giao", "Người giao / Cơ quan giao", "Người giao/Cơ quan giao", "Cấp giao", "Lãnh đạo giao"),
        False,
        24,
        "Ai giao nhiệm vụ.",
        "Ví dụ: UBND tỉnh; Chủ tịch UBND tỉnh; Phó Chủ tịch UBND tỉnh Nguyễn Văn A; Bộ Công Thương. "
        "Để trống: UBND tỉnh.",
    ),
    Spec(
        "content",
        "Nội dung nhiệm vụ",
        ("Nội dung", "Nhiệm vụ", "Nội dung giao", "Nội dung chỉ đạo"),
        True,
        50,
        "Nhiệm vụ được giao, như văn bản ghi.",
        "Văn bản.",
    ),
    Spec(
        "due_date",
        "Hạn xử lý",
        ("Hạn", "Thời hạn", "Hạn hoàn thành", "Thời hạn hoàn thành", "Hạn xử lý nhiệm vụ"),
        False,
        13,
        "Hạn hoàn thành nhiệm vụ.",
        "dd/mm/yyyy hoặc ô ngày của Excel; để trống nếu văn bản không giao hạn (không tính vào tỷ lệ đúng hạn).",
    ),
    Spec(
        "lead_unit",
        "Đơn vị chủ trì",
        ("Chủ trì", "Đơn vị thực hiện", "Đơn vị được giao"),
        False,
        20,
        "Đơn vị của cơ quan chủ trì thực hiện.",
        "Mã, tên hoặc tên viết tắt của một đơn vị; tên cơ quan hoặc để trống: cả cơ quan (Văn phòng theo dõi).",
    ),
    Spec(
        "coordinating_units",
        "Đơn vị phối hợp",
        ("Phối hợp", "Cơ quan phối hợp"),
        False,
        22,
        "Các đơn vị phối hợp.",
        "Cách nhau bằng dấu phẩy hoặc chấm phẩy. Đơn vị của cơ quan được ghi nhận; cơ quan ngoài được "
        "ghi vào phần ghi chú.",
    ),
    Spec(
        "status",
        "Tình trạng",
        ("Trạng thái", "Tình trạng xử lý", "Kết quả"),
        False,
        16,
        "Tình trạng thực hiện.",
        "Đang thực hiện / Chưa hoàn thành / Quá hạn; Hoàn thành (đúng hạn, quá hạn); Thu hồi / Dừng thực hiện. "
        "Để trống: hoàn thành nếu có Ngày hoàn thành, nếu không thì đang thực hiện.",
    ),
    Spec(
        "completed_on",
        "Ngày hoàn thành",
        ("Ngày xong", "Ngày hoàn thành nhiệm vụ"),
        False,
        13,
        "Ngày hoàn thành (bắt buộc khi đã hoàn thành).",
        "dd/mm/yyyy hoặc ô ngày của Excel.",
    ),
    Spec(
        "report",
        "Số/ngày báo cáo",
        ("Số, ngày báo cáo", "Số ngày báo cáo", "Văn bản báo cáo", "Báo cáo kết quả"),
        False,
        26,
        "Văn bản báo cáo kết quả đã gửi (số và ngày trong một ô).",
        "Ví dụ: 215/BC-BQLKKTCK ngày 12/03/2026. Hoặc dùng hai cột Số báo cáo và Ngày báo cáo.",
    ),
    Spec(
        "report_number",
        "Số báo cáo",
        ("Số văn bản báo cáo", "Số hiệu báo cáo"),
        False,
        18,
        "Số, ký hiệu văn bản báo cáo (khi tách riêng).",
        "Ví dụ 215/BC-BQLKKTCK.",
    ),
    Spec(
        "report_date",
        "Ngày báo cáo",
        ("Ngày văn bản báo cáo",),
        False,
        13,
        "Ngày văn bản báo cáo (khi tách riêng).",
        "dd/mm/yyyy hoặc ô ngày của Excel.",
    ),
    Spec("note", "Ghi chú", ("Ghi chú khác",), False, 30, "Ghi chú.", "Văn bản; có thể để trống."),
)
TEMPLATE_COLUMNS = [s for s in SPECS if s.key not in ("report_number", "report_date")]
TEMPLATE_EXAMPLE = {
    "stt": 1,
    "code": "",
    "document_number": "VD-01/UBND-KT",
    "document_date": dt.date(2026, 3, 2),
    "excerpt": "V/v triển khai nền tảng số quản lý cửa khẩu",
    "issuer": "Chủ tịch UBND tỉnh",
    "content": "Ví dụ (xóa dòng này trước khi nhập): Tham mưu báo cáo tình hình triển khai nền tảng số cửa khẩu",
    "due_date": dt.date(2026, 4, 15),
    "lead_unit": None,  # the agency's first unit
    "coordinating_units": "",
    "status": "Đang thực hiện",
    "completed_on": None,
    "report": "",
    "note": "",
}
GUIDE_HEADER = ["Cột", "Bắt buộc", "Tên khác được chấp nhận", "Ý nghĩa", "Cách ghi"]
GUIDE_NOTES = (
    "Trang tính thứ nhất là danh sách nhiệm vụ: dòng 1 là tiêu đề, mỗi dòng sau là một nhiệm vụ. Tệp xuất "
    "từ Hệ thống theo dõi nhiệm vụ của Văn phòng UBND tỉnh nhập được nguyên dạng.",
    "Dòng 2 là ví dụ: thay bằng nhiệm vụ thật hoặc xóa trước khi nhập.",
    "Cột đánh dấu * là bắt buộc. Tiêu đề cột viết có dấu hay không dấu đều được; thứ tự cột tùy ý.",
    "Tệp có lỗi thì không nhiệm vụ nào được ghi; trang nhập liệt kê từng lỗi (dòng, cột, giá trị, lý do).",
    "Nhập lại tệp có cùng mã nhiệm vụ thì cập nhật nhiệm vụ đó (tình trạng, ngày hoàn thành, báo cáo).",
)

# The words of the Tình trạng column, without accents (core.text.fold), asked in this order:
# "Chưa hoàn thành" is open, "Hoàn thành quá hạn" is done, "Quá hạn" alone is open.
NOT_DONE_WORDS = ("chua hoan thanh", "khong hoan thanh")
DONE_WORDS = ("hoan thanh", "da xu ly", "da thuc hien")
WITHDRAWN_WORDS = ("thu hoi", "dung thuc hien", "rut nhiem vu", "huy")
OPEN_WORDS = ("dang", "chua", "qua han", "trong han", "cho")
REPORT = re.compile(r"^(?P<number>.*?)[\s,;]*(?:ngay|ngày)?\s*(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\s*$", re.I)


@dataclass
class ParsedRow:
    row: int
    code: str
    data: dict[str, Any]
    exists: bool = False

    @property
    def content(self) -> str:
        return str(self.data["content"])

    @property
    def status_label(self) -> str:
        """The status the row sets; a row without one keeps a known task's (its completion is
        the unit's report, not the export's) and opens a new one."""
        if "status" in self.data:
            return str(Status(self.data["status"]).label)
        return _("unchanged") if self.exists else str(Status.OPEN.label)


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def ok(self) -> bool:
        return not self.problems.total and bool(self.rows)

    @property
    def errors(self) -> list[Any]:
        return self.problems.problems

    def raise_if_refused(self) -> None:
        if self.problems.total:
            raise AssignedFileError(self.problems.problems, self.problems.total)


def parse_date(text: str) -> dt.date:
    """dd/mm/yyyy (or yyyy-mm-dd, dd-mm-yyyy), or an Excel date cell."""
    try:
        return excel_date(text.replace(".", "/") if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text) else text)
    except ValueError:
        raise ValueError(_("not a date: write it as dd/mm/yyyy")) from None


def parse_issuer(text: str) -> str:
    """Who assigned it, from the words people write: a Vice-Chairman, the Chairman, the UBND
    tỉnh, a ministry, or another body."""
    words = f" {fold(text)} "
    if "pho chu tich" in words:
        return Issuer.VICE_CHAIRMAN
    if "chu tich" in words:
        return Issuer.CHAIRMAN
    if any(w in words for w in ("ubnd", "uy ban nhan dan", "van phong ubnd", "ubt")):
        return Issuer.PROVINCE
    if words.strip().startswith("bo ") or " bo " in words or "chinh phu" in words or "thu tuong" in words:
        return Issuer.MINISTRY
    return Issuer.OTHER


def parse_status(text: str) -> str:
    words = f" {fold(text)} "
    for choices, status in (
        (NOT_DONE_WORDS, Status.OPEN),
        (DONE_WORDS, Status.DONE),
        (WITHDRAWN_WORDS, Status.WITHDRAWN),
        (OPEN_WORDS, Status.OPEN),
    ):
        if any(f" {w} " in words for w in choices):
            return status
    raise ValueError(_("unknown status: write Đang thực hiện, Hoàn thành or Thu hồi"))


def parse_report(text: str) -> tuple[str, dt.date | None]:
    """'215/BC-BQLKKTCK ngày 12/03/2026' -> (number, date); a number alone has no date."""
    found = REPORT.match(text.strip())
    if found is None:
        return text.strip(), None
    return found["number"].strip(" ,;"), parse_date(found["date"].replace(".", "/").replace("-", "/"))


def _at_most(length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text) > length:
            raise ValueError(_("too long: at most %(n)s characters") % {"n": length})
        return text

    return parse


class _Units:
    """The agency's units by folded code, name and short name; the agency's own names mean the
    agency as a whole (no unit)."""

    def __init__(self, agency: Agency):
        self.by_name: dict[str, Unit] = {}
        for unit in Unit.objects.filter(agency=agency):
            for name in (unit.code, unit.name, unit.short_name):
                if name:
                    self.by_name.setdefault(fold(name), unit)
        self.agency_names = {fold(n) for n in (agency.code, agency.name, agency.short_name) if n}

    def lead(self, text: str) -> Unit | None:
        key = fold(text)
        if key in self.agency_names:
            return None
        if key not in self.by_name:
            raise ValueError(_("no unit of the agency has this code or name"))
        return self.by_name[key]

    def coordinating(self, text: str) -> tuple[list[Unit], list[str]]:
        """(the agency's units, the other bodies named as written)."""
        units: list[Unit] = []
        others: list[str] = []
        for part in (p.strip() for p in re.split(r"[;,\n]", text)):
            if not part:
                continue
            unit = self.by_name.get(fold(part))
            if unit is not None and unit not in units:
                units.append(unit)
            elif unit is None and fold(part) not in self.agency_names:
                others.append(part)
        return units, others


def _table(units: _Units) -> Table:
    parsers: dict[str, Callable[[str], Any]] = {
        "code": _at_most(60),
        "document_number": _at_most(100),
        "document_date": parse_date,
        "due_date": parse_date,
        "completed_on": parse_date,
        "report_date": parse_date,
        "report_number": _at_most(100),
        "issuer": _at_most(200),
        "lead_unit": units.lead,
        "coordinating_units": units.coordinating,
        "status": parse_status,
        "report": parse_report,
    }
    return Table(
        [Column(s.key, s.header, aliases=s.aliases, required=s.required, parse=parsers.get(s.key)) for s in SPECS]
    )


def read_assigned(data: bytes, *, agency: Agency) -> ParsedFile:
    """The rows of the first sheet as (code, data for plans.assigned), with every problem; nothing
    is written here. `exists` says which codes the register already has."""
    result = ParsedFile()
    try:
        wb = safe_load_workbook(data, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is one clear problem
        result.problems.add(1, "", "", _("the file is not an Excel workbook (.xlsx)"))
        return result
    try:
        rows = sheets.rows(wb.worksheets[0])
        header = next(rows, None)
        if header is None:
            result.problems.add(1, "", "", _("the sheet is empty"))
            return result
        table = _table(_Units(agency))
        ordinals: dict[str, int] = {}
        codes: dict[str, int] = {}
        for row in table.read(itertools.chain([header], rows), result.problems, max_rows=MAX_ROWS):
            parsed = _row(row, table, result.problems, ordinals)
            if parsed is None:
                continue
            first = codes.setdefault(parsed.code, row.number)
            if first != row.number:
                result.problems.add(
                    row.number, table.column("code").name, parsed.code, _("same code as row %(row)s") % {"row": first}
                )
                continue
            result.rows.append(parsed)
    finally:
        wb.close()
    if not result.rows and not result.problems.total:
        result.problems.add(2, "", "", _("the sheet has a header but no task rows"))
    known = set(
        AssignedTask.objects.filter(agency=agency, code__in=[r.code for r in result.rows]).values_list(
            "code", flat=True
        )
    )
    for parsed in result.rows:
        parsed.exists = parsed.code in known
    return result


def _row(row: Row, table: Table, problems: ProblemLog, ordinals: dict[str, int]) -> ParsedRow | None:
    """A good row as (code, data); the checks between its columns; None when it has a problem."""
    if not row.ok:
        return None
    number_text = row["document_number"]
    ordinals[number_text] = ordinals.get(number_text, 0) + 1
    code = row.get("code") or (number_text if ordinals[number_text] == 1 else f"{number_text}#{ordinals[number_text]}")
    if len(code) > 60:
        problems.add(row.number, table.column("document_number").name, number_text, _("too long to make a code"))
        return None
    issuer_text = row.text.get("issuer", "")
    units, others = row.get("coordinating_units", ([], []))
    report_number, report_date = row.get("report", ("", None))
    report_number = row.get("report_number", report_number)
    report_date = row.get("report_date", report_date)
    completed = row["completed_on"]
    status = row["status"] or (Status.DONE if completed else Status.OPEN)
    note = row.text.get("note", "")
    if others:
        note = "\n".join(filter(None, [note, "Phối hợp: " + ", ".join(others)]))
    data = {
        "document_number": number_text,
        "document_date": row["document_date"],
        "issuer": parse_issuer(issuer_text) if issuer_text else Issuer.PROVINCE,
        "issuer_name": issuer_text,
        "excerpt": row.text.get("excerpt", ""),
        "content": row["content"],
        "due_date": row["due_date"],
        "lead_unit": row["lead_unit"],
        "coordinating_units": units,
        "status": status,
        "completed_on": completed if status == Status.DONE else None,
        "report_number": report_number,
        "report_date": report_date,
        "note": note,
    }
    before = problems.total
    if status == Status.DONE and completed is None:
        problems.add(row.number, table.column("completed_on").name, "", _("a task done needs its completion date"))
    if status != Status.DONE and completed is not None:
        problems.add(
            row.number, table.column("status").name, row.text.get("status", ""), _("a completion date but not done")
        )
    for key in ("due_date", "completed_on"):
        value = data[key]
        if value is not None and value < data["document_date"]:
            problems.add(
                row.number, table.column(key).name, row.text[key], _("before the date of the assigning document")
            )
    if problems.total > before:
        return None
    if not row["status"] and completed is None:  # the export says nothing of the completion
        del data["status"], data["completed_on"]
    if not issuer_text:
        del data["issuer"]
    return ParsedRow(row=row.number, code=code, data=data)


def template_workbook(agency: Agency) -> bytes:
    """The fill-in template: the header (required columns marked *), one example row, a list to
    pick the lead unit from, and the guide sheet "Hướng dẫn" naming every column and its aliases."""
    units = list(Unit.objects.filter(agency=agency).order_by("order", "name").values_list("code", flat=True))
    header = [s.header + (" *" if s.required else "") for s in TEMPLATE_COLUMNS]
    example = [TEMPLATE_EXAMPLE[s.key] for s in TEMPLATE_COLUMNS]
    lead_index = [s.key for s in TEMPLATE_COLUMNS].index("lead_unit")
    example[lead_index] = units[0] if units else ""
    wb = new_workbook()
    ws = add_sheet(wb, Sheet("Nhiệm vụ được giao", header, [example], widths=[s.width for s in TEMPLATE_COLUMNS]))
    if units:
        choice = DataValidation(type="list", formula1='"' + ",".join(units) + '"', allow_blank=True)
        ws.add_data_validation(choice)
        letter = chr(ord("A") + lead_index)
        choice.add(f"{letter}2:{letter}2000")
    guide = [[s.header, "Có" if s.required else "Không", "; ".join(s.aliases), s.meaning, s.how] for s in SPECS]
    add_sheet(
        wb,
        Sheet(
            "Hướng dẫn",
            GUIDE_HEADER,
            guide,
            heading="Hướng dẫn nhập nhiệm vụ do UBND tỉnh, Chủ tịch, các Phó Chủ tịch UBND tỉnh giao",
            subtitle=GUIDE_NOTES,
            widths=[22, 10, 36, 44, 60],
        ),
    )
    return to_bytes(wb)
