"""A PAR INDEX criteria set as an Excel workbook: the layout, and `export_workbook`, which writes one
(`scorecards.criteria_import.read_workbook` reads it back).

The workbook is meant to be edited by the people who draft the provincial criteria, so it has one header
row of Vietnamese labels per sheet (bold, frozen, with notes on the headers that need explaining), drop-down
lists for the closed vocabularies and no machine key row. On import the English keys of the YAML format are
accepted as aliases of the headers, the field names and the list values, and all matching ignores case and
diacritics ("Tieu chi" finds "Tiêu chí"). Columns the importer does not know are ignored, so notes may be
added in a column of their own. Four sheets, all required on import (any other sheet is ignored):

1. "Thông tin": columns "Mục" / "Giá trị", one row per top-level field that has a value: Mã bộ tiêu chí
   (code), Tên bộ tiêu chí (name), Năm (year), Thang điểm (scale), "Chưa điều tra thì loại khỏi mẫu số"
   (rescale_missing_survey, "có"/"không"), Giới hạn tổng điểm (total_cap), Điểm thưởng tối đa (bonus_cap,
   the cap of `adjustments.bonus`), Điểm trừ tối đa (penalty_cap), Mô tả (description), Căn cứ pháp lý
   (legal_basis), Nhóm đơn vị áp dụng (unit_group). The adjustment caps live here, as two more fields,
   so that the sheet "Điểm thưởng, trừ" is a plain table.
2. "Xếp loại": Xếp loại (label), Chỉ số từ (%) (min); highest threshold first.
3. "Tiêu chí": one row per node, parents first: Mã (code), Tên tiêu chí (name), Điểm tối đa (max), Nguồn số
   liệu (source), Cách chấm (rule type), Tỷ lệ mục tiêu (target), Điểm mỗi sản phẩm (points_per_item), Điểm
   trừ mỗi lỗi (per_violation), Các mức (levels), Các khoảng (bands), Khi không áp dụng (na), Chỉ số tự động
   (metric), Tài liệu kiểm chứng (evidence), Hướng dẫn chấm (guidance).
   - The tree is not written anywhere: a node's parent is the longest other code that is a dotted prefix of
     its code ("1.2.3" -> "1.2", or "1" when there is no "1.2"). A row whose code has a dot but no parent
     row, or whose parent row comes below it, is an error. A row with children is a group: only code, name,
     max and guidance may be filled in. `export_workbook` refuses a tree whose codes do not follow this.
   - Codes must be typed as text. A code typed as a number is read back as the number's shortest form
     (1.1 -> "1.1", 2.0 -> "2"), so "1.10" typed as a number becomes "1.1"; the export writes codes as text
     cells in a text-formatted column so that typing into it keeps codes as text.
   - Các mức: "label=points; label=x factor", e.g. "Đầy đủ=2; Chưa đầy đủ=x0.5; Không=0" (a factor is a
     share of the node's max, written with a leading x or ×). When a label holds ";" write one level per line.
   - Các khoảng: "min:points" from the highest threshold down, e.g. "100:2; 80:1; 0:0" (percent thresholds;
     "≥100%: 2", as the web pages show bands, is accepted too). One band per line is accepted as well.
   - Tài liệu kiểm chứng: one document per line.
   - Nguồn số liệu, Cách chấm, Khi không áp dụng take the Vietnamese labels of SOURCE_LABELS, RULE_LABELS and
     NA_LABELS (drop-down lists) or the English values of the YAML format.
4. "Điểm thưởng, trừ": Loại ("thưởng"/"trừ", or bonus/penalty), Mã (code), Nội dung (name), Điểm tối đa
   (max). A block with items needs its cap on the sheet "Thông tin".

Numbers are kept exact: a cell's float goes through its shortest repr (`to_decimal`), and the returned
definition holds whole numbers as int and other numbers as text ("1.5"), so it is also JSON- and YAML-safe.

`read_workbook` collects every problem of the workbook and raises them together as a CriteriaError whose
`where` reads "<source>: sheet Tiêu chí, row 12, column Mã". Once the cells are clean it runs
`parse_criteria` on the result, so the definition it returns is always accepted; problems found at that
stage (a level worth more than the node's max, thresholds out of order...) are reported on the sheet and row
they came from too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core import sheets
from core.text import fold
from core.workbook import Sheet, add_sheet, new_workbook, to_bytes
from scorecards.criteria import CriteriaError, Problem, to_decimal

INFO_SHEET = "Thông tin"
CLASS_SHEET = "Xếp loại"
NODE_SHEET = "Tiêu chí"
ADJ_SHEET = "Điểm thưởng, trừ"
SOURCE_LABELS = {"self": "Tự đánh giá", "survey": "Điều tra xã hội học", "external": "Nguồn bên ngoài"}
RULE_LABELS = {
    "binary": "Đạt/Không đạt",
    "levels": "Theo mức",
    "bands": "Theo khoảng tỷ lệ",
    "proportional": "Tỷ lệ so với mục tiêu",
    "per_item": "Theo số lượng",
    "deduction": "Trừ theo vi phạm",
    "percent": "Theo phần trăm",
    "manual": "Chấm trực tiếp",
}
NA_LABELS = {"exclude": "Loại khỏi mẫu số", "full": "Tính đủ điểm"}
BLOCK_LABELS = {"bonus": "thưởng", "penalty": "trừ"}
YES, NO = "có", "không"

# The rule parameter columns: parameter key -> the rule type that uses it.
PARAMS = {"target": "proportional", "points_per_item": "per_item", "per_violation": "deduction"}
VALIDATION_ROWS = 1000  # drop-down lists reach at least this row
AUTHOR = "PAR INDEX"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 14
    required: bool = False
    note: str = ""
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {norm(self.label), norm(self.key), *(norm(a) for a in self.aliases)}


@dataclass(frozen=True)
class Field:
    """A row of the sheet Thông tin."""

    key: str
    label: str
    kind: str  # code, text, year, number, bool
    required: bool = False


INFO_COLUMNS = (
    Column("key", "Mục", 36, True, "Tên mục: xem danh sách ở ghi chú của cột Giá trị.", ("field",)),
    Column("value", "Giá trị", 70, True, "", ("value",)),
)
INFO_FIELDS = (
    Field("code", "Mã bộ tiêu chí", "code", required=True),
    Field("name", "Tên bộ tiêu chí", "text", required=True),
    Field("year", "Năm", "year", required=True),
    Field("scale", "Thang điểm", "number", required=True),
    Field("rescale_missing_survey", "Chưa điều tra thì loại khỏi mẫu số", "bool"),
    Field("total_cap", "Giới hạn tổng điểm", "number"),
    Field("bonus_cap", "Điểm thưởng tối đa", "number"),
    Field("penalty_cap", "Điểm trừ tối đa", "number"),
    Field("description", "Mô tả", "text"),
    Field("legal_basis", "Căn cứ pháp lý", "text"),
    Field("unit_group", "Nhóm đơn vị áp dụng", "text"),
)
CLASS_COLUMNS = (
    Column("label", "Xếp loại", 20, True),
    Column("min", "Chỉ số từ (%)", 14, True, "Ngưỡng tối thiểu (0-100) của chỉ số; xếp từ cao xuống thấp."),
)
NODE_COLUMNS = (
    Column(
        "code",
        "Mã",
        10,
        True,
        "Gõ mã dạng văn bản (1, 1.1, 1.1.2). Tiêu chí cha suy ra từ mã: 1.2.3 thuộc 1.2; "
        "dòng của tiêu chí cha phải đứng trước. Tiêu chí có tiêu chí con chỉ ghi mã, tên, điểm tối đa, hướng dẫn.",
    ),
    Column("name", "Tên tiêu chí", 50, True),
    Column("max", "Điểm tối đa", 10, True, "Số dương, ví dụ 2 hoặc 1.5."),
    Column("source", "Nguồn số liệu", 20, False, "Chọn trong danh sách: " + ", ".join(SOURCE_LABELS.values())),
    Column(
        "rule",
        "Cách chấm",
        22,
        False,
        "Chọn trong danh sách: " + ", ".join(RULE_LABELS.values()),
        ("type", "rule type"),
    ),
    Column(
        "target",
        "Tỷ lệ mục tiêu",
        12,
        False,
        "Chỉ dùng với 'Tỷ lệ so với mục tiêu': tỷ lệ (0-1) cần đạt để được đủ điểm, ví dụ 0.8 = 80%.",
    ),
    Column("points_per_item", "Điểm mỗi sản phẩm", 12, False, "Chỉ dùng với 'Theo số lượng'."),
    Column("per_violation", "Điểm trừ mỗi lỗi", 12, False, "Chỉ dùng với 'Trừ theo vi phạm'."),
    Column(
        "levels",
        "Các mức",
        40,
        False,
        "Chỉ dùng với 'Theo mức': mức=điểm hoặc mức=x hệ số, cách nhau dấu chấm phẩy. "
        "Ví dụ: Đầy đủ=2; Chưa đầy đủ=x0.5; Không=0. Tên mức có dấu ; thì ghi mỗi mức một dòng.",
    ),
    Column(
        "bands",
        "Các khoảng",
        24,
        False,
        "Chỉ dùng với 'Theo khoảng tỷ lệ': tỷ lệ tối thiểu (%):điểm, từ cao xuống thấp. Ví dụ: 100:2; 80:1; 0:0.",
    ),
    Column(
        "na",
        "Khi không áp dụng",
        18,
        False,
        "Để trống nếu tiêu chí luôn áp dụng. Loại khỏi mẫu số: không tính vào điểm tối đa; "
        "Tính đủ điểm: được điểm tối đa.",
    ),
    Column("metric", "Chỉ số tự động", 22, False, "Mã chỉ số lấy tự động, ví dụ dossier_on_time_rate."),
    Column("evidence", "Tài liệu kiểm chứng", 40, False, "Mỗi tài liệu một dòng (Alt+Enter)."),
    Column("guidance", "Hướng dẫn chấm", 50),
)
ADJ_COLUMNS = (
    Column(
        "block",
        "Loại",
        10,
        True,
        "thưởng hoặc trừ. Tổng điểm tối đa của mỗi loại ghi ở sheet Thông tin.",
        ("type",),
    ),
    Column("code", "Mã", 10, True, "Gõ mã dạng văn bản, ví dụ B1, P1."),
    Column("name", "Nội dung", 60, True),
    Column("max", "Điểm tối đa", 12, True),
)

GROUP_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


# --- small helpers (the reader uses them too) ---------------------------------------------------


def norm(text: str) -> str:
    """A header, field name or list value as matched: folded, `_` as a space, no trailing `*` or `:`."""
    return " ".join(fold(str(text).strip().rstrip("*: ")).replace("_", " ").split())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plain(value: Decimal) -> int | str:
    """A number as YAML-like plain data: int when whole, else its exact text ("1.5")."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def plain_text(value: Decimal) -> str:
    return str(plain(value))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return plain_text(to_decimal(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def parent_of(code: str, codes: set[str] | dict[str, Any]) -> str | None:
    """The longest other code that is a dotted prefix of `code`."""
    parts = code.split(".")
    for i in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in codes:
            return prefix
    return None


def code_of(value: Any) -> str:
    """A code cell as text; a code typed as a number comes back as the number's shortest form."""
    if isinstance(value, bool) or value is None:
        return ""
    return cell_text(value)


# --- export -----------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    try:
        return plain_text(to_decimal(value))
    except ValueError:
        return "" if value is None else str(value)


def _number_cell(value: Any) -> Any:
    """A number for a numeric cell (int or a float that prints back exactly); anything else as it is."""
    try:
        number = to_decimal(value)
    except ValueError:
        return value
    if len(number.as_tuple().digits) > 15:  # a float would round it: keep the exact text
        return plain_text(number)
    exact = plain(number)
    return exact if isinstance(exact, int) else float(exact)


def _put(ws: Worksheet, row: int, column: int, value: Any, *, text: bool = False, wrap: bool = False) -> None:
    if blank(value):
        return
    cell = sheets.put(ws, row, column, code_of(value) if text else value)
    if text or isinstance(value, str):
        cell.data_type = "s"  # text, never a formula (core.sheets also marks text that looks like one)
        if text:
            cell.number_format = "@"
    cell.alignment = WRAP if wrap else TOP


def _sheet(wb: Workbook, title: str, columns: tuple[Column, ...], frozen_columns: int = 0) -> Worksheet:
    """A sheet with its header row (core.workbook's), a note on the headers that need explaining."""
    header = Sheet(
        title, [c.label for c in columns], (), widths=[c.width for c in columns], frozen_columns=frozen_columns
    )
    ws: Worksheet = add_sheet(wb, header)
    for col, column in enumerate(columns, 1):
        if column.note:
            ws.cell(row=1, column=col).comment = Comment(column.note, AUTHOR, width=320, height=120)
    return ws


def _validation(ws: Worksheet, columns: tuple[Column, ...], key: str, values: Iterable[str], rows: int) -> None:
    """A drop-down list on a column (values must not contain commas)."""
    letter = get_column_letter([c.key for c in columns].index(key) + 1)
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Chọn một giá trị trong danh sách.",
    )
    ws.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{max(rows + 1, VALIDATION_ROWS)}")


def _flatten(nodes: Any, parent: str | None = None, depth: int = 1) -> list[tuple[Mapping[str, Any], str | None, int]]:
    out: list[tuple[Mapping[str, Any], str | None, int]] = []
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, Mapping):
            raise CriteriaError([Problem("nodes", f"a node must be a mapping, got {node!r}")])
        out.append((node, parent, depth))
        out.extend(_flatten(node.get("children"), code_of(node.get("code")), depth + 1))
    return out


def _check_tree(flat: list[tuple[Mapping[str, Any], str | None, int]]) -> None:
    """The workbook stores the tree in the codes only: every parent must be the code's dotted prefix."""
    codes = {code_of(node.get("code")) for node, _p, _d in flat} - {""}
    problems = []
    for node, parent, _depth in flat:
        code = code_of(node.get("code"))
        if code and parent_of(code, codes) != parent:
            expected = f"start with {parent}." if parent else "have no other code as a dotted prefix"
            problems.append(Problem(f"node {code}", f"cannot be written to Excel: its code must {expected}"))
    if problems:
        raise CriteriaError(problems)


def _write_info(ws: Worksheet, data: Mapping[str, Any]) -> None:
    adjustments = data.get("adjustments") if isinstance(data.get("adjustments"), Mapping) else {}
    values = dict(data)
    for kind in ("bonus", "penalty"):
        block = adjustments.get(kind)
        if isinstance(block, Mapping):
            values[f"{kind}_cap"] = block.get("cap")
    rescale = next(f.label for f in INFO_FIELDS if f.kind == "bool")
    names = "Các mục: " + "; ".join(f.label for f in INFO_FIELDS) + f". '{rescale}': {YES} hoặc {NO}."
    ws.cell(row=1, column=2).comment = Comment(names, AUTHOR, width=360, height=160)
    row = 1
    for info in INFO_FIELDS:
        value = values.get(info.key)
        if value is None:
            continue
        row += 1
        _put(ws, row, 1, info.label)
        ws.cell(row=row, column=1).font = GROUP_FONT
        if info.kind == "code":
            _put(ws, row, 2, value, text=True)
        elif info.kind in ("number", "year"):
            _put(ws, row, 2, _number_cell(value))
        elif info.kind == "bool" and isinstance(value, bool):
            _put(ws, row, 2, YES if value else NO)
            rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True)
            ws.add_data_validation(rule)
            rule.add(f"B{row}")
        elif isinstance(value, list):
            _put(ws, row, 2, "\n".join(str(v) for v in value), wrap=True)
        else:
            _put(ws, row, 2, value if isinstance(value, str | int | float | Decimal) else str(value), wrap=True)


def _write_classification(ws: Worksheet, classes: Any) -> None:
    for row, item in enumerate(classes if isinstance(classes, list) else [], 2):
        item = item if isinstance(item, Mapping) else {"label": str(item)}
        _put(ws, row, 1, item.get("label"))
        _put(ws, row, 2, _number_cell(item.get("min")))


def _levels_text(levels: Any) -> str:
    if not isinstance(levels, list):
        return "" if levels is None else str(levels)
    parts = []
    for level in levels:
        if not isinstance(level, Mapping):
            parts.append(str(level))
        elif "factor" in level:
            parts.append(f"{level.get('label', '')}=x{_fmt(level['factor'])}")
        else:
            parts.append(f"{level.get('label', '')}={_fmt(level.get('points'))}")
    separator = "\n" if any(";" in part.rpartition("=")[0] for part in parts) else "; "
    return separator.join(parts)


def _bands_text(bands: Any) -> str:
    if not isinstance(bands, list):
        return "" if bands is None else str(bands)
    return "; ".join(
        f"{_fmt(band.get('min'))}:{_fmt(band.get('points'))}" if isinstance(band, Mapping) else str(band)
        for band in bands
    )


def _write_nodes(ws: Worksheet, flat: list[tuple[Mapping[str, Any], str | None, int]]) -> None:
    col = {column.key: i for i, column in enumerate(NODE_COLUMNS, 1)}
    ws.column_dimensions["A"].number_format = "@"
    for row, (node, _parent, depth) in enumerate(flat, 2):
        _put(ws, row, col["code"], node.get("code"), text=True)
        _put(ws, row, col["name"], node.get("name"), wrap=True)
        ws.cell(row=row, column=col["name"]).alignment = Alignment(wrap_text=True, vertical="top", indent=depth - 1)
        _put(ws, row, col["max"], _number_cell(node.get("max")))
        if node.get("children"):
            for key in ("code", "name"):
                ws.cell(row=row, column=col[key]).font = GROUP_FONT
        rule = node.get("rule")
        rule = {"type": rule} if isinstance(rule, str) else rule if isinstance(rule, Mapping) else {}
        kind = rule.get("type")
        source, na = node.get("source"), node.get("na")
        _put(ws, row, col["source"], SOURCE_LABELS.get(source, source) if isinstance(source, str) else source)
        _put(ws, row, col["rule"], RULE_LABELS.get(kind, kind) if isinstance(kind, str) else kind)
        for key in PARAMS:
            _put(ws, row, col[key], _number_cell(rule.get(key)))
        _put(ws, row, col["levels"], _levels_text(rule.get("levels")), wrap=True)
        _put(ws, row, col["bands"], _bands_text(rule.get("bands")), wrap=True)
        _put(ws, row, col["na"], NA_LABELS.get(na, na) if isinstance(na, str) else na)
        _put(ws, row, col["metric"], node.get("metric"))
        evidence = node.get("evidence")
        _put(
            ws,
            row,
            col["evidence"],
            "\n".join(map(str, evidence)) if isinstance(evidence, list) else evidence,
            wrap=True,
        )
        _put(ws, row, col["guidance"], node.get("guidance"), wrap=True)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(NODE_COLUMNS))}{len(flat) + 1}"
    _validation(ws, NODE_COLUMNS, "source", SOURCE_LABELS.values(), len(flat))
    _validation(ws, NODE_COLUMNS, "rule", RULE_LABELS.values(), len(flat))
    _validation(ws, NODE_COLUMNS, "na", NA_LABELS.values(), len(flat))


def _write_adjustments(ws: Worksheet, adjustments: Any) -> None:
    ws.column_dimensions["B"].number_format = "@"
    row = 1
    for kind in ("bonus", "penalty"):
        block = adjustments.get(kind) if isinstance(adjustments, Mapping) else None
        items = block.get("items") if isinstance(block, Mapping) else None
        for item in items if isinstance(items, list) else []:
            item = item if isinstance(item, Mapping) else {"name": str(item)}
            row += 1
            _put(ws, row, 1, BLOCK_LABELS[kind])
            _put(ws, row, 2, item.get("code"), text=True)
            _put(ws, row, 3, item.get("name"), wrap=True)
            _put(ws, row, 4, _number_cell(item.get("max")))
    _validation(ws, ADJ_COLUMNS, "block", BLOCK_LABELS.values(), row - 1)


def export_workbook(data: Mapping[str, Any]) -> bytes:
    """The raw definition (as loaded from YAML) as an .xlsx file. The definition is not validated, so a
    draft can be exported to be completed in Excel, but a tree whose codes do not encode it (a child's code
    must start with its parent's code and a dot) raises CriteriaError: the workbook could not keep it."""
    if not isinstance(data, Mapping):
        raise CriteriaError([Problem("", "the criteria set must be a mapping")])
    flat = _flatten(data.get("nodes"))
    _check_tree(flat)
    wb = new_workbook()
    _write_info(_sheet(wb, INFO_SHEET, INFO_COLUMNS), data)
    _write_classification(_sheet(wb, CLASS_SHEET, CLASS_COLUMNS), data.get("classification"))
    _write_nodes(_sheet(wb, NODE_SHEET, NODE_COLUMNS, frozen_columns=2), flat)
    _write_adjustments(_sheet(wb, ADJ_SHEET, ADJ_COLUMNS), data.get("adjustments"))
    return to_bytes(wb)
