"""The procedure catalogue from and to Excel: every row checked (row, column, value, reason) and a
preview before an all-or-nothing commit; existing codes are updated, new ones created."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core import sheets
from core.files import FileRejected, safe_load_workbook
from core.models import Agency
from core.services import diff, log_action
from core.text import fold
from procedures.models import Procedure

# (field, Vietnamese header, required, width)
COLUMNS = [
    ("code", "Mã TTHC", True, 16),
    ("name", "Tên thủ tục hành chính", True, 50),
    ("field", "Lĩnh vực", False, 20),
    ("level", "Cấp thực hiện", False, 12),
    ("limit", "Thời hạn giải quyết", True, 10),
    ("limit_unit", "Đơn vị tính", False, 14),
    ("apply_cutoff", "Áp dụng mốc 15 giờ", False, 10),
    ("fees", "Phí, lệ phí", False, 24),
    ("fee_bearing", "Có thu phí, lệ phí", False, 10),
    ("online_level", "Dịch vụ công trực tuyến", False, 14),
    ("paper_result", "Trả kết quả bản giấy", False, 10),
    ("legal_basis", "Căn cứ pháp lý", False, 40),
    ("where", "Nơi tiếp nhận hồ sơ", False, 30),
    ("responsible", "Cơ quan thực hiện", False, 30),
    ("steps", "Trình tự thực hiện", False, 40),
    ("documents", "Thành phần hồ sơ", False, 40),
    ("result", "Kết quả thực hiện", False, 30),
    ("recourse", "Nơi phản ánh, kiến nghị", False, 30),
]
LABELS = {key: vi for key, vi, _r, _w in COLUMNS}
HEADERS = {fold(vi): key for key, vi, _r, _w in COLUMNS} | {key: key for key, *_rest in COLUMNS}
UNITS = {
    "working_days": "working_days",
    "ngay lam viec": "working_days",
    "days": "days",
    "ngay": "days",
    "hours": "hours",
    "gio": "hours",
    "gio lam viec": "hours",
    "months": "months",
    "thang": "months",
}
ONLINE = {
    "": "none",
    "none": "none",
    "khong": "none",
    "partial": "partial",
    "mot phan": "partial",
    "full": "full",
    "toan trinh": "full",
}
YES = {"1", "co", "x", "yes", "true"}
NO = {"0", "khong", "no", "false"}
NO_FEE = {"", "0", "khong", "mien", "mien phi", "khong co", "khong thu"}
MAX_ROWS = 5000
LONG = {"name": 500, "code": 40, "field": 200, "level": 50, "fees": 500}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _flag(value: str, default: bool) -> bool | None:
    folded = fold(value)
    if not folded:
        return default
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def parse(data: bytes) -> Parsed:  # noqa: C901, PLR0912
    result = Parsed()
    try:
        workbook = safe_load_workbook(data, read_only=True, data_only=True)
    except FileRejected as exc:
        result.errors.append(RowError(0, "", "", str(exc)))
        return result
    except Exception:
        result.errors.append(RowError(0, "", "", _("The file is not an Excel workbook (.xlsx).")))
        return result
    try:
        rows = sheets.rows(workbook.worksheets[0])
        header = next(rows, None)
        if header is None:
            result.errors.append(RowError(1, "", "", _("The sheet is empty.")))
            return result
        columns = {}
        for index, name in enumerate(header):
            key = HEADERS.get(fold(_text(name)))
            if key and key not in columns:
                columns[key] = index
        for key, vi, required, _w in COLUMNS:
            if required and key not in columns:
                result.errors.append(RowError(1, vi, "", _("This required column is missing from the header row.")))
        if result.errors:
            return result
        seen: dict[str, int] = {}
        for number, values in enumerate(rows, start=2):
            cells = {key: _text(values[i]) if i < len(values) else "" for key, i in columns.items()}
            if not any(cells.values()):
                continue
            if len(result.rows) >= MAX_ROWS:
                result.errors.append(RowError(number, "", "", _("Too many rows: at most 5000 procedures per file.")))
                break

            def error(key: str, reason: str, number: int = number, cells: dict = cells) -> None:
                result.errors.append(RowError(number, LABELS[key], cells.get(key, ""), reason))

            before = len(result.errors)
            for key, _vi, required, _w in COLUMNS:
                if required and not cells.get(key):
                    error(key, _("This value is required."))
                elif key in LONG and len(cells.get(key, "")) > LONG[key]:
                    error(key, _("The value is too long."))
            code = cells.get("code", "")
            if code in seen:
                error("code", _("This procedure code appears twice in the file (row %(row)s).") % {"row": seen[code]})
            elif code:
                seen[code] = number
            limit = cells.get("limit", "")
            if limit and (not limit.isdigit() or int(limit) > 3650):
                error("limit", _("Not a whole number of days or hours."))
            unit = UNITS.get(fold(cells.get("limit_unit", "")) or "working_days")
            if unit is None:
                error("limit_unit", _("Use: ngày làm việc, ngày, giờ or tháng."))
            online = ONLINE.get(fold(cells.get("online_level", "")))
            if online is None:
                error("online_level", _("Use: không, một phần or toàn trình."))
            flags = {}
            for key, default in (
                ("apply_cutoff", True),
                ("paper_result", True),
                ("fee_bearing", fold(cells.get("fees", "")) not in NO_FEE),
            ):
                flags[key] = _flag(cells.get(key, ""), default)
                if flags[key] is None:
                    error(key, _("Use Có or Không (1 or 0)."))
            if len(result.errors) > before:
                continue
            result.rows.append(
                {
                    "row": number,
                    **{k: cells.get(k, "") for k in LABELS if k not in ("limit", "limit_unit", "online_level", *flags)},
                    "limit": int(limit),
                    "limit_unit": unit,
                    "online_level": online,
                    **flags,
                }
            )
        if not result.rows and not result.errors:
            result.errors.append(RowError(2, "", "", _("The sheet has a header but no procedure rows.")))
    finally:
        workbook.close()
    return result


def preview(*, agency: Agency, data: bytes) -> Parsed:
    parsed = parse(data)
    existing = set(Procedure.objects.filter(agency=agency).values_list("code", flat=True))
    for row in parsed.rows:
        row["exists"] = row["code"] in existing
    return parsed


FIELDS = [key for key, *_rest in COLUMNS if key != "code"]


@transaction.atomic
def commit(*, actor, agency: Agency, data: bytes) -> Parsed:
    parsed = preview(agency=agency, data=data)
    if parsed.errors:
        return parsed
    current = {p.code: p for p in Procedure.objects.select_for_update().filter(agency=agency)}
    for row in parsed.rows:
        procedure = current.get(row["code"]) or Procedure(agency=agency, code=row["code"])
        before = {} if procedure.pk is None else {k: getattr(procedure, k) for k in FIELDS}
        for key in FIELDS:
            setattr(procedure, key, row[key])
        procedure.search_text = fold(f"{procedure.code} {procedure.name} {procedure.field}")
        changes = diff(before, {k: getattr(procedure, k) for k in FIELDS})
        if procedure.pk is not None and not changes:
            continue
        action = "procedure.updated" if procedure.pk else "procedure.created"
        procedure.save()
        log_action(actor=actor, agency=agency, action=action, obj=procedure, changes=changes, note="Excel")
    return parsed


def _sheet(headers: list[tuple[str, int]], title: str) -> tuple[Workbook, Any]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([h for h, _w in headers])
    for index, (_h, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return workbook, sheet


def export(procedures) -> bytes:
    """The catalogue in the import layout (so an export can be edited and imported back)."""
    workbook, sheet = _sheet([(vi, w) for _k, vi, _r, w in COLUMNS], "Danh mục TTHC")
    unit_labels = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ", "months": "tháng"}
    online_labels = {"none": "không", "partial": "một phần", "full": "toàn trình"}
    for p in procedures:
        row: list[Any] = []
        for key, *_rest in COLUMNS:
            value = getattr(p, key)
            if key == "limit_unit":
                value = unit_labels[value]
            elif key == "online_level":
                value = online_labels[value]
            elif isinstance(value, bool):
                value = "Có" if value else "Không"
            row.append(value)
        sheets.append(sheet, row)
    return sheets.to_bytes(workbook)
