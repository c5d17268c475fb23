"""Plan import from / export to Excel. Reading is pure (unit and section look-ups are passed in)
and goes through core.tabular: the columns below are the one declaration of the file, for the
reader, the fill-in template and the tests. Workbooks are written by core.workbook."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from core import sheets
from core.file_problems import FileProblem, ProblemLog
from core.files import safe_load_workbook
from core.tabular import Column, Row, Table
from core.text import fold
from core.workbook import Sheet, add_sheet, new_workbook, to_bytes, workbook_bytes

# (field, Vietnamese header, required, width)
COLUMNS = [
    ("code", "Mã nhiệm vụ", True, 10),
    ("section", "Mục kế hoạch", False, 10),
    ("appendix", "Phụ lục", False, 8),
    ("title", "Tên nhiệm vụ", True, 50),
    ("description", "Nội dung", False, 50),
    ("par_domain", "Lĩnh vực PAR (1-8)", False, 10),
    ("sipas_element", "Yếu tố SIPAS", False, 14),
    ("lead_unit", "Đơn vị chủ trì", True, 14),
    ("coordinating_units", "Đơn vị phối hợp", False, 18),
    ("start_date", "Ngày bắt đầu", False, 13),
    ("deadline", "Thời hạn hoàn thành", False, 13),
    ("recurrence", "Định kỳ", False, 12),
    ("recurrence_day", "Ngày đến hạn trong tháng", False, 10),
    ("expected_product", "Sản phẩm", True, 40),
    ("target", "Chỉ tiêu", False, 30),
    ("evidence_required", "Tài liệu kiểm chứng", False, 30),
    ("change_reason", "Lý do điều chỉnh", False, 30),
]
LABELS = {key: label for key, label, _r, _w in COLUMNS}
RECURRENCE_ALIASES = {
    "khong": "",
    "monthly": "monthly",
    "hang thang": "monthly",
    "quarterly": "quarterly",
    "hang quy": "quarterly",
    "semiannual": "semiannual",
    "6 thang": "semiannual",
    "yearly": "yearly",
    "hang nam": "yearly",
}
SIPAS_VALUES = {"policy", "service", "access", "procedure", "civil_servant", "result", "feedback"}
MAX_ROWS = 5000
EXCEL_SERIALS = (1, 2958466)  # Excel's valid date serial numbers (1900-01-01 .. 9999-12-31)

MESSAGES = {
    "not_xlsx": _("The file is not an Excel workbook (.xlsx)."),
    "empty": _("The sheet is empty."),
    "no_rows": _("The sheet has a header but no task rows."),
    "too_long": _("The value is too long."),
    "unknown_section": _("No section of the plan has this code."),
    "unknown_unit": _("No unit of the agency has this code or name."),
    "bad_date": _("Not a date: use dd/mm/yyyy."),
    "bad_recurrence": _("Use one of: hằng tháng, hằng quý, 6 tháng, hằng năm, or leave empty."),
    "bad_number": _("Not a whole number in the allowed range."),
    "bad_sipas": _("Unknown SIPAS element."),
    "deadline_or_recurrence": _("A one-off task needs a deadline (or set a recurrence)."),
    "before_start": _("The deadline is before the start date."),
    "closed_task": _("This task is already closed (done or cancelled) and cannot be changed by import."),
    "reason_required": _("The deadline of an existing task changes: give the reason in the column Lý do điều chỉnh."),
}


@dataclass
class ParsedPlan:
    """The rows of a plan file (dicts by column key, plus the parsed ids and dates) and its
    problems; a file with any problem is refused whole."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def errors(self) -> list[FileProblem]:
        """The first problems (core.file_problems keeps 100; `problems.total` counts them all)."""
        return self.problems.problems

    @property
    def ok(self) -> bool:
        return not self.problems.total and bool(self.rows)

    def refuse(self, row: int, key: str, value: str, reason: str) -> None:
        self.problems.add(row, LABELS.get(key, ""), value, str(MESSAGES[reason]))


def _refused(reason: str) -> ValueError:
    return ValueError(str(MESSAGES[reason]))


def parse_date(text: str) -> dt.date:
    """A date cell as the reader gives it: an Excel date (its text, yyyy-mm-dd with or without a
    time), an Excel serial number, or a date typed as dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy."""
    try:
        serial = float(text)
    except ValueError:
        pass
    else:
        if not EXCEL_SERIALS[0] <= serial < EXCEL_SERIALS[1]:
            raise _refused("bad_date")
        return from_excel(serial).date()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise _refused("bad_date")


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise _refused("bad_number") from None
        if not low <= value <= high:
            raise _refused("bad_number")
        return value

    return parse


def _at_most(length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text) > length:
            raise _refused("too_long")
        return text

    return parse


def _one_of(allowed: Iterable[str], reason: str) -> Callable[[str], str]:
    values = set(allowed)

    def parse(text: str) -> str:
        if text not in values:
            raise _refused(reason)
        return text

    return parse


def _recurrence(text: str) -> str:
    value = RECURRENCE_ALIASES.get(fold(text))
    if value is None:
        raise _refused("bad_recurrence")
    return value


def _table(units: dict[str, int], sections: set[str]) -> Table:
    """The columns of a plan file; `units` maps folded unit codes and names to ids."""

    def unit(text: str) -> int:
        if fold(text) not in units:
            raise _refused("unknown_unit")
        return units[fold(text)]

    def unit_list(text: str) -> list[int]:
        parts = [part for part in text.replace(";", ",").split(",") if part.strip()]
        return list(dict.fromkeys(unit(part) for part in parts))  # a unit named twice counts once

    parsers: dict[str, Callable[[str], Any]] = {
        "code": _at_most(30),
        "title": _at_most(300),
        "section": _one_of(sections, "unknown_section"),
        "par_domain": _whole_number(1, 8),
        "sipas_element": _one_of(SIPAS_VALUES, "bad_sipas"),
        "lead_unit": unit,
        "coordinating_units": unit_list,
        "start_date": parse_date,
        "deadline": parse_date,
        "recurrence": _recurrence,
        "recurrence_day": _whole_number(1, 31),
    }
    return Table(
        [
            Column(key, label, required=required, unique=key == "code", parse=parsers.get(key))
            for key, label, required, _w in COLUMNS
        ]
    )


def parse_plan_workbook(data: bytes, *, units: dict[str, int], sections: set[str]) -> ParsedPlan:
    """Reads the first sheet. `units` maps folded unit codes and names to ids."""
    result = ParsedPlan()
    try:
        wb = safe_load_workbook(data, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is one clear error
        result.refuse(0, "", "", "not_xlsx")
        return result
    rows = sheets.rows(wb.worksheets[0])
    header = next(rows, None)
    if header is None:
        result.refuse(1, "", "", "empty")
    else:
        table = _table(units, sections)
        for row in table.read(itertools.chain([header], rows), result.problems, max_rows=MAX_ROWS):
            result.rows.append(_task_row(row, result))
        if not result.rows and not result.problems.total:
            result.refuse(2, "", "", "no_rows")
    wb.close()
    return result


def _task_row(row: Row, result: ParsedPlan) -> dict[str, Any]:
    """A row as the import writes it: every column's text, the parsed ids, dates and numbers,
    and the checks between columns."""
    task: dict[str, Any] = {"row": row.number} | {key: row.text.get(key, "") for key in LABELS}
    task |= {
        "lead_unit_id": row["lead_unit"],
        "coordinating_unit_ids": row.get("coordinating_units", []),
        "start_date": row["start_date"],
        "deadline": row["deadline"],
        "recurrence": row.get("recurrence", ""),
        "par_domain": row["par_domain"],
        "recurrence_day": row["recurrence_day"],
    }
    if not task["recurrence"] and task["deadline"] is None and not row.text.get("deadline"):
        result.refuse(row.number, "deadline", "", "deadline_or_recurrence")
    if task["start_date"] and task["deadline"] and task["deadline"] < task["start_date"]:
        result.refuse(row.number, "deadline", row.text["deadline"], "before_start")
    return task


def _column_range(key: str, rows: int = 2000) -> str:
    letter = get_column_letter(list(LABELS).index(key) + 1)
    return f"{letter}2:{letter}{rows}"


TEMPLATE_EXAMPLE = [
    "PL1.01",
    "II.1.a",
    "I",
    "Ví dụ: Xây dựng kế hoạch kiểm tra CCHC",
    "",
    1,
    "",
    None,  # the agency's first unit
    "",
    dt.date(2026, 8, 1),
    dt.date(2026, 9, 30),
    "",
    "",
    "Kế hoạch kiểm tra CCHC được ban hành",
    "100% đơn vị được kiểm tra",
    "Kế hoạch; báo cáo kết quả",
]


# The guide sheet of the template: what each column holds and how to write it (D12: every import
# has a template with an example row and a guide), in the order of COLUMNS.
GUIDE_HEADER = ["Cột", "Bắt buộc", "Ý nghĩa", "Cách ghi"]
GUIDE = {
    "code": ("Mã nhiệm vụ, duy nhất trong kế hoạch.", "Tối đa 30 ký tự, ví dụ PL1.01."),
    "section": ("Mục của kế hoạch mà nhiệm vụ thuộc về.", "Như trong văn bản kế hoạch, ví dụ II.1.a."),
    "appendix": ("Phụ lục chứa nhiệm vụ.", "Ví dụ I hoặc II; để trống nếu không có."),
    "title": ("Tên nhiệm vụ như trong kế hoạch.", "Văn bản."),
    "description": ("Nội dung chi tiết, giải pháp thực hiện.", "Văn bản; có thể để trống."),
    "par_domain": ("Lĩnh vực của Chỉ số CCHC mà nhiệm vụ phục vụ.", "Số từ 1 đến 8."),
    "sipas_element": (
        "Yếu tố của Chỉ số SIPAS mà nhiệm vụ phục vụ.",
        "Một trong: " + ", ".join(sorted(SIPAS_VALUES)) + "; có thể để trống.",
    ),
    "lead_unit": ("Đơn vị chủ trì thực hiện.", "Mã hoặc tên một đơn vị của cơ quan (chọn trong danh sách)."),
    "coordinating_units": ("Các đơn vị phối hợp.", "Mã hoặc tên đơn vị, cách nhau bằng dấu phẩy hoặc chấm phẩy."),
    "start_date": ("Ngày bắt đầu thực hiện.", "dd/mm/yyyy hoặc ô ngày của Excel."),
    "deadline": ("Thời hạn hoàn thành (nhiệm vụ một lần).", "dd/mm/yyyy hoặc ô ngày của Excel."),
    "recurrence": (
        "Nhiệm vụ lặp lại theo kỳ.",
        "hằng tháng, hằng quý, 6 tháng hoặc hằng năm; để trống nếu làm một lần.",
    ),
    "recurrence_day": ("Ngày đến hạn trong tháng của mỗi kỳ.", "Số từ 1 đến 31."),
    "expected_product": ("Sản phẩm phải có khi hoàn thành.", "Văn bản, ví dụ: Kế hoạch được ban hành."),
    "target": ("Chỉ tiêu của nhiệm vụ.", "Văn bản, ví dụ: 100% đơn vị được kiểm tra."),
    "evidence_required": ("Tài liệu kiểm chứng phải nộp.", "Văn bản; nhiều tài liệu cách nhau bằng dấu chấm phẩy."),
    "change_reason": ("Lý do khi nhập lại để điều chỉnh nhiệm vụ đã có.", "Văn bản; chỉ cần khi điều chỉnh."),
}
GUIDE_NOTES = (
    "Trang tính thứ nhất là danh sách nhiệm vụ: dòng 1 là tiêu đề, mỗi dòng sau là một nhiệm vụ.",
    "Dòng 2 là ví dụ: thay bằng nhiệm vụ thật hoặc xóa trước khi nhập.",
    "Cột đánh dấu * là bắt buộc. Tiêu đề cột viết có dấu hay không dấu đều được.",
    "Tệp có lỗi thì không nhiệm vụ nào được ghi; trang nhập liệt kê từng lỗi (dòng, cột, giá trị, lý do) "
    "và chỉ ghi khi người nhập xác nhận.",
)


def template_workbook(unit_codes: list[str]) -> bytes:
    """The fill-in template: the header (required columns marked *), one example row, and lists
    to pick the recurrence and the lead unit from; then the guide sheet (GUIDE)."""
    header = [label + (" *" if required else "") for _key, label, required, _w in COLUMNS]
    lead_unit = unit_codes[0] if unit_codes else "VP"
    example = [lead_unit if value is None else value for value in TEMPLATE_EXAMPLE]
    wb = new_workbook()
    ws = add_sheet(wb, Sheet("Nhiệm vụ", header, [example], widths=[w for *_rest, w in COLUMNS]))
    rec = DataValidation(type="list", formula1='"hằng tháng,hằng quý,6 tháng,hằng năm"', allow_blank=True)
    ws.add_data_validation(rec)
    rec.add(_column_range("recurrence"))
    if unit_codes:
        units = DataValidation(type="list", formula1='"' + ",".join(unit_codes) + '"', allow_blank=False)
        ws.add_data_validation(units)
        units.add(_column_range("lead_unit"))
    guide = [[label, "Có" if required else "Không", *GUIDE[key]] for key, label, required, _w in COLUMNS]
    add_sheet(
        wb,
        Sheet(
            "Hướng dẫn",
            GUIDE_HEADER,
            guide,
            heading="Hướng dẫn nhập kế hoạch và nhiệm vụ",
            subtitle=GUIDE_NOTES,
            widths=[26, 10, 50, 60],
        ),
    )
    return to_bytes(wb)


EXPORT_HEADERS = [
    "Mã",
    "Mục",
    "Tên nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Bắt đầu",
    "Hạn",
    "Định kỳ",
    "Sản phẩm",
    "Chỉ tiêu",
    "Trạng thái",
    "Tiến độ (%)",
    "Hạn kế tiếp",
    "Số tài liệu kiểm chứng",
    "Cảnh báo",
    "Cập nhật lần cuối",
]
EXPORT_WIDTHS = [10, 8, 50, 16, 18, 12, 12, 10, 40, 30, 14, 10, 12, 10, 24, 16]


def export_tasks(rows: Iterable[Sequence[Any]]) -> bytes:
    """The task register (rows in EXPORT_HEADERS order, dates as dates, numbers as numbers; see
    plans.selectors.register_rows), written as it is read: a register of any length."""
    sheet = Sheet("Nhiệm vụ", EXPORT_HEADERS, rows, widths=EXPORT_WIDTHS, wrap=False)
    return workbook_bytes([sheet], stream=True)


YEAR_END_HEADERS = [
    "Tổng số nhiệm vụ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện",
    "Đã hủy",
    "Hoàn thành chưa có tài liệu kiểm chứng",
]
YEAR_END_KEYS = ("total", "on_time", "late", "open", "cancelled", "no_evidence")


def export_year_end(
    *, year: int, agency: str, by_unit: Iterable[dict[str, Any]], by_person: Iterable[dict[str, Any]]
) -> bytes:
    """The year-end results (plans.selectors.year_end rows, each with its `unit` or `person`): one
    sheet per unit, one per person, with a total row, for the yearly evaluation."""

    def sheet(name: str, first: str, rows: list[tuple[str, dict[str, Any]]], *, total: bool) -> Sheet:
        body = [[label, *(row[key] for key in YEAR_END_KEYS)] for label, row in rows]
        if total:  # a task has one lead unit: the units' rows add up (a person's do not)
            body.append(["Tổng cộng", *(sum(row[key] for _label, row in rows) for key in YEAR_END_KEYS)])
        return Sheet(
            name,
            [first, *YEAR_END_HEADERS],
            body,
            heading=f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
            subtitle=[agency],
            widths=[40, 12, 14, 14, 14, 10, 18],
            bold_rows=[len(body) - 1] if total else [],
            frozen_columns=1,
        )

    units = [(r["unit"].name if r.get("unit") else "", r) for r in by_unit]
    people = [(r["person"].display_name if r.get("person") else "", r) for r in by_person]
    return workbook_bytes(
        [
            sheet("Theo đơn vị", "Đơn vị chủ trì", units, total=True),
            sheet("Theo cá nhân", "Cá nhân", people, total=False),
        ]
    )
