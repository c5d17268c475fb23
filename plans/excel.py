"""Plan import from / export to Excel. Parsing is pure: unit and section look-ups are passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from core import sheets
from core.files import safe_load_workbook
from core.text import fold

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
HEADER_ALIASES = {fold(vi): key for key, vi, _r, _w in COLUMNS} | {key: key for key, *_ in COLUMNS}
RECURRENCE_ALIASES = {
    "": "",
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


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ParsedPlan:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(cell) -> str:
    """A header as matched against the aliases: folded, without the template's " *" marker."""
    return fold(_text(cell).rstrip("*").strip())


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's valid serial range
            raise ValueError(str(value))
        return from_excel(value).date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def parse_plan_workbook(data: bytes, *, units: dict[str, int], sections: set[str]) -> ParsedPlan:
    """Reads the first sheet. `units` maps folded unit codes and names to ids."""
    result = ParsedPlan()
    try:
        wb = safe_load_workbook(data, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is one clear error
        result.errors.append(RowError(0, "", "", "not_xlsx"))
        return result
    ws = wb.worksheets[0]
    rows = sheets.rows(ws)
    header = next(rows, None)
    if header is None:
        result.errors.append(RowError(1, "", "", "empty"))
        return result
    index: dict[str, int] = {}
    for pos, cell in enumerate(header):
        key = HEADER_ALIASES.get(_header_key(cell))
        if key:
            index[key] = pos
    labels = {key: vi for key, vi, _r, _w in COLUMNS}
    missing = [labels[key] for key, _vi, required, _w in COLUMNS if required and key not in index]
    for label in missing:
        result.errors.append(RowError(1, label, "", "missing_column"))
    if missing:
        return result
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            result.errors.append(RowError(number, "", "", "too_many_rows"))
            break
        raw = {key: (values[pos] if pos < len(values) else None) for key, pos in index.items()}
        if all(_text(v) == "" for v in raw.values()):
            continue
        row, errors = _parse_row(number, raw, labels, units, sections)
        if row["code"] in seen:
            errors.append(RowError(number, labels["code"], row["code"], "duplicate_code"))
        seen[row["code"]] = number
        result.errors.extend(errors)
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", "", "no_rows"))
    wb.close()
    return result


def _parse_row(number, raw, labels, units, sections):
    errors: list[RowError] = []
    row: dict = {"row": number}

    def err(key, reason):
        errors.append(RowError(number, labels[key], _text(raw.get(key)), reason))

    for key, _vi, required, _w in COLUMNS:
        text = _text(raw.get(key))
        if required and not text:
            err(key, "required")
        row[key] = text
    if len(row["title"]) > 300:
        err("title", "too_long")
    if len(row["code"]) > 30:
        err("code", "too_long")
    if row["section"] and row["section"] not in sections:
        err("section", "unknown_section")
    lead = units.get(fold(row["lead_unit"]))
    if row["lead_unit"] and lead is None:
        err("lead_unit", "unknown_unit")
    row["lead_unit_id"] = lead
    coord = []
    for part in row["coordinating_units"].replace(";", ",").split(","):
        if part.strip():
            unit_id = units.get(fold(part))
            if unit_id is None:
                err("coordinating_units", "unknown_unit")
            else:
                coord.append(unit_id)
    row["coordinating_unit_ids"] = list(dict.fromkeys(coord))  # a unit named twice (by code and name) counts once
    for key in ("start_date", "deadline"):
        try:
            row[key] = _date(raw.get(key))
        except ValueError:
            err(key, "bad_date")
            row[key] = None
    recurrence = RECURRENCE_ALIASES.get(fold(row["recurrence"]))
    if recurrence is None:
        err("recurrence", "bad_recurrence")
    row["recurrence"] = recurrence or ""
    for key, low, high in (("par_domain", 1, 8), ("recurrence_day", 1, 31)):
        if row[key]:
            try:
                value = int(row[key])
                if not low <= value <= high:
                    raise ValueError
                row[key] = value
            except ValueError:
                err(key, "bad_number")
                row[key] = None
        else:
            row[key] = None
    if row["sipas_element"] and row["sipas_element"] not in SIPAS_VALUES:
        err("sipas_element", "bad_sipas")
    if not row["recurrence"] and row["deadline"] is None and not any(e.column == labels["deadline"] for e in errors):
        err("deadline", "deadline_or_recurrence")
    if row["start_date"] and row["deadline"] and row["deadline"] < row["start_date"]:
        err("deadline", "before_start")
    return row, errors


def _column_range(key: str, rows: int = 2000) -> str:
    letter = get_column_letter([k for k, *_ in COLUMNS].index(key) + 1)
    return f"{letter}2:{letter}{rows}"


def template_workbook(unit_codes: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiem vu"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (_key, vi, required, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=vi + (" *" if required else ""))
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    example = [
        "PL1.01",
        "II.1.a",
        "I",
        "Ví dụ: Xây dựng kế hoạch kiểm tra CCHC",
        "",
        1,
        "",
        unit_codes[0] if unit_codes else "VP",
        "",
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 30),
        "",
        "",
        "Kế hoạch kiểm tra CCHC được ban hành",
        "100% đơn vị được kiểm tra",
        "Kế hoạch; báo cáo kết quả",
    ]
    for col, value in enumerate(example, start=1):
        cell = sheets.put(ws, 2, col, value)
        if isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
    rec = DataValidation(type="list", formula1='"hằng tháng,hằng quý,6 tháng,hằng năm"', allow_blank=True)
    ws.add_data_validation(rec)
    rec.add(_column_range("recurrence"))
    if unit_codes:
        units = DataValidation(type="list", formula1='"' + ",".join(unit_codes) + '"', allow_blank=False)
        ws.add_data_validation(units)
        units.add(_column_range("lead_unit"))
    return sheets.to_bytes(wb)


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


_DATE_FORMATS = {dt.date: "DD/MM/YYYY", dt.datetime: "DD/MM/YYYY HH:MM"}


def export_tasks(rows) -> bytes:
    """rows: iterable of lists in EXPORT_HEADERS order (dates as date objects, numbers as numbers)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiem vu")
    widths = [10, 8, 50, 16, 18, 12, 12, 10, 40, 30, 14, 10, 12, 10, 24, 16]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.append(EXPORT_HEADERS)
    for row in rows:
        ws.append([sheets.cell(ws, value, _DATE_FORMATS.get(type(value))) for value in row])
    return sheets.to_bytes(wb)
