"""A PAR INDEX criteria set as an Excel workbook: `export_workbook` writes one, `read_workbook` reads it back.

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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core import sheets
from core.files import FileRejected, safe_load_workbook
from core.text import fold
from scorecards.scoring import CriteriaError, Problem, parse_criteria, to_decimal

INFO_SHEET = "Thông tin"
CLASS_SHEET = "Xếp loại"
NODE_SHEET = "Tiêu chí"
ADJ_SHEET = "Điểm thưởng, trừ"
SHEET_ALIASES = {
    INFO_SHEET: ("info",),
    CLASS_SHEET: ("classification",),
    NODE_SHEET: ("nodes", "criteria"),
    ADJ_SHEET: ("adjustments",),
}

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
BLOCK_ALIASES = {"điểm thưởng": "bonus", "cộng": "bonus", "điểm trừ": "penalty"}
YES, NO = "có", "không"
TRUE_WORDS = {"co", "yes", "true", "1", "x", "dung"}
FALSE_WORDS = {"khong", "no", "false", "0", "sai"}

# The rule parameter columns: parameter key -> the rule type that uses it.
PARAMS = {"target": "proportional", "points_per_item": "per_item", "per_violation": "deduction"}
MAX_ROWS = 5000  # data rows read per sheet
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
        return {_norm(self.label), _norm(self.key), *(_norm(a) for a in self.aliases)}


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

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


# --- small helpers ----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A header, field name or list value as matched: folded, `_` as a space, no trailing `*` or `:`."""
    return " ".join(fold(str(text).strip().rstrip("*: ")).replace("_", " ").split())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Decimal) -> int | str:
    """A number as YAML-like plain data: int when whole, else its exact text ("1.5")."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def _plain_text(value: Decimal) -> str:
    return str(_plain(value))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return _plain_text(to_decimal(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _options(labels: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Accepted spellings (Vietnamese label or English value, folded) -> value."""
    out = {_norm(key): key for key in labels} | {_norm(label): key for key, label in labels.items()}
    return out | {_norm(alias): key for alias, key in (extra or {}).items()}


def _expected(labels: Mapping[str, str]) -> str:
    return f"{', '.join(labels.values())} (or {', '.join(labels)})"


def _split_list(text: str) -> list[str]:
    """The parts of a levels/bands cell: one per line when it has line breaks, else split on ";"."""
    parts = text.split("\n") if "\n" in text else text.split(";")
    return [part.strip() for part in parts if part.strip()]


def _parent_of(code: str, codes: set[str] | dict[str, Any]) -> str | None:
    """The longest other code that is a dotted prefix of `code`."""
    parts = code.split(".")
    for i in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in codes:
            return prefix
    return None


def _code_of(value: Any) -> str:
    """A code cell as text; a code typed as a number comes back as the number's shortest form."""
    if isinstance(value, bool) or value is None:
        return ""
    return _cell_text(value)


def parse_levels(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The Các mức cell: levels in the YAML shape, and a message for each part that cannot be read."""
    levels: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, part in enumerate(_split_list(text), 1):
        label, sep, value = part.rpartition("=")
        label, value = label.strip(), value.strip()
        if not sep or not label:
            errors.append(f"part {i} {part!r} is not label=points or label=x factor")
            continue
        is_factor = value[:1] in ("x", "X", "×")
        number = value[1:].strip() if is_factor else value
        try:
            amount = _plain(to_decimal(number))
        except ValueError:
            errors.append(f"part {i} {part!r}: {number!r} is not a number")
            continue
        levels.append({"label": label, "factor" if is_factor else "points": amount})
    if not levels and not errors:
        errors.append("no levels: write label=points; label=x factor")
    return levels, errors


def parse_bands(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The Các khoảng cell: bands in the YAML shape, and a message for each part that cannot be read."""
    bands: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, part in enumerate(_split_list(text), 1):
        minimum, sep, points = part.partition(":")
        if not sep:
            errors.append(f"part {i} {part!r} is not min:points")
            continue
        minimum = minimum.strip().removeprefix("≥").removeprefix(">=").strip().removesuffix("%")
        try:
            band = {"min": _plain(to_decimal(minimum)), "points": _plain(to_decimal(points))}
        except ValueError:
            errors.append(f"part {i} {part!r}: min and points must be numbers")
            continue
        bands.append(band)
    if not bands and not errors:
        errors.append("no bands: write min:points; min:points")
    return bands, errors


# --- export -----------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    try:
        return _plain_text(to_decimal(value))
    except ValueError:
        return "" if value is None else str(value)


def _number_cell(value: Any) -> Any:
    """A number for a numeric cell (int or a float that prints back exactly); anything else as it is."""
    try:
        number = to_decimal(value)
    except ValueError:
        return value
    if len(number.as_tuple().digits) > 15:  # a float would round it: keep the exact text
        return _plain_text(number)
    plain = _plain(number)
    return plain if isinstance(plain, int) else float(plain)


def _put(ws: Worksheet, row: int, column: int, value: Any, *, text: bool = False, wrap: bool = False) -> None:
    if _blank(value):
        return
    cell = sheets.put(ws, row, column, _code_of(value) if text else value)
    if text or isinstance(value, str):
        cell.data_type = "s"  # text, never a formula (core.sheets also marks text that looks like one)
        if text:
            cell.number_format = "@"
    cell.alignment = WRAP if wrap else TOP


def _header(ws: Worksheet, columns: Iterable[Column], freeze: str = "A2") -> None:
    for col, column in enumerate(columns, 1):
        cell = ws.cell(row=1, column=col, value=column.label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.note:
            cell.comment = Comment(column.note, AUTHOR, width=320, height=120)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.freeze_panes = freeze


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
        out.extend(_flatten(node.get("children"), _code_of(node.get("code")), depth + 1))
    return out


def _check_tree(flat: list[tuple[Mapping[str, Any], str | None, int]]) -> None:
    """The workbook stores the tree in the codes only: every parent must be the code's dotted prefix."""
    codes = {_code_of(node.get("code")) for node, _p, _d in flat} - {""}
    problems = []
    for node, parent, _depth in flat:
        code = _code_of(node.get("code"))
        if code and _parent_of(code, codes) != parent:
            expected = f"start with {parent}." if parent else "have no other code as a dotted prefix"
            problems.append(Problem(f"node {code}", f"cannot be written to Excel: its code must {expected}"))
    if problems:
        raise CriteriaError(problems)


def _write_info(ws: Worksheet, data: Mapping[str, Any]) -> None:
    ws.title = INFO_SHEET
    _header(ws, INFO_COLUMNS)
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
    _header(ws, CLASS_COLUMNS)
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
    _header(ws, NODE_COLUMNS, freeze="C2")
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
    _header(ws, ADJ_COLUMNS)
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
    wb = Workbook()
    _write_info(wb.active, data)
    _write_classification(wb.create_sheet(CLASS_SHEET), data.get("classification"))
    _write_nodes(wb.create_sheet(NODE_SHEET), flat)
    _write_adjustments(wb.create_sheet(ADJ_SHEET), data.get("adjustments"))
    return sheets.to_bytes(wb)


# --- import -----------------------------------------------------------------------------------------


@dataclass
class _Table:
    title: str  # the sheet's name in the file
    headers: dict[str, str]  # column key -> header text in the file
    columns: dict[str, Column]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def label(self, key: str) -> str:
        return self.headers.get(key) or self.columns[key].label


@dataclass
class _Row:
    number: int
    raw: dict[str, Any]
    code: str
    parent: str | None = None
    node: dict[str, Any] = field(default_factory=dict)


INFO_BY_NAME = {name: info for info in INFO_FIELDS for name in (_norm(info.label), _norm(info.key))}
SOURCE_OPTIONS = _options(SOURCE_LABELS)
RULE_OPTIONS = _options(RULE_LABELS)
NA_OPTIONS = _options(NA_LABELS)
BLOCK_OPTIONS = _options(BLOCK_LABELS, BLOCK_ALIASES)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        # parse_criteria's locations ("node 1.2", "classification[3]"...) -> the cell they came from
        self.locations: dict[str, str] = {}

    def where(self, sheet: str, row: int | None = None, column: str = "") -> str:
        parts = [f"sheet {sheet}"]
        if row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column {column}")
        text = ", ".join(parts)
        return f"{self.source}: {text}" if self.source else text

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def cell_fail(self, table: _Table, row: int, key: str, message: str) -> None:
        self.fail(self.where(table.title, row, table.label(key)), message)

    # --- sheets and cells

    def table(self, wb: Any, title: str, columns: tuple[Column, ...]) -> _Table | None:
        wanted = {_norm(title), *(_norm(alias) for alias in SHEET_ALIASES[title])}
        name = next((name for name in wb.sheetnames if _norm(name) in wanted), None)
        if name is None:
            names = ", ".join(wb.sheetnames)
            self.fail(self.where(title), f"the sheet is missing (the workbook has: {names})")
            return None
        rows = sheets.rows(wb[name])
        header = next(rows, None) or ()
        by_name = {alias: column for column in columns for alias in column.names()}
        table = _Table(title=name, headers={}, columns={c.key: c for c in columns})
        positions: dict[str, int] = {}
        for pos, cell in enumerate(header):
            column = by_name.get(_norm(_cell_text(cell))) if not _blank(cell) else None
            if column is None:
                continue
            if column.key in positions:
                self.fail(self.where(name, 1, _cell_text(cell)), f"the column {column.label} appears twice")
                continue
            positions[column.key] = pos
            table.headers[column.key] = _cell_text(cell)
        missing = [c for c in columns if c.required and c.key not in positions]
        for column in missing:
            self.fail(self.where(name, 1, column.label), "the required column is missing")
        if missing:
            return None
        for number, values in enumerate(rows, 2):
            raw = {key: values[pos] if pos < len(values) else None for key, pos in positions.items()}
            if all(_blank(value) for value in raw.values()):
                continue
            if number > MAX_ROWS + 1:
                self.fail(self.where(name, number), f"too many rows (at most {MAX_ROWS})")
                break
            table.rows.append((number, raw))
        return table

    def text(self, table: _Table, row: int, raw: Mapping[str, Any], key: str, *, required: bool = False) -> str:
        text = _cell_text(raw.get(key))
        if required and not text:
            self.cell_fail(table, row, key, "the cell is empty")
        return text

    def number(
        self,
        table: _Table,
        row: int,
        raw: Mapping[str, Any],
        key: str,
        *,
        required: bool = True,
        positive: bool = False,
    ) -> int | str | None:
        value = raw.get(key)
        if _blank(value):
            if required:
                self.cell_fail(table, row, key, "the cell is empty; a number is needed")
            return None
        try:
            number = to_decimal(value)
        except ValueError:
            self.cell_fail(table, row, key, f"{_cell_text(value)!r} is not a number")
            return None
        if positive and number <= 0:
            self.cell_fail(table, row, key, f"must be greater than 0, got {_plain_text(number)}")
        elif number < 0:
            self.cell_fail(table, row, key, f"cannot be negative, got {_plain_text(number)}")
        return _plain(number)

    def choice(
        self,
        table: _Table,
        row: int,
        raw: Mapping[str, Any],
        key: str,
        labels: Mapping[str, str],
        options: Mapping[str, str],
        *,
        required: bool = False,
    ) -> str | None:
        value = raw.get(key)
        if _blank(value):
            if required:
                self.cell_fail(table, row, key, f"the cell is empty; choose one of: {_expected(labels)}")
            return None
        found = options.get(_norm(_cell_text(value)))
        if found is None:
            self.cell_fail(
                table, row, key, f"unknown value {_cell_text(value)!r}; expected one of: {_expected(labels)}"
            )
        return found

    def code(self, table: _Table, row: int, raw: Mapping[str, Any], seen: dict[str, int]) -> str:
        """A code cell; "" when it is missing, unusable or a duplicate (each reported)."""
        value = raw.get("code")
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            self.cell_fail(table, row, "code", "Excel turned the code into a date: type codes as text")
            return ""
        code = _code_of(value)
        if not code:
            self.cell_fail(table, row, "code", "the code is empty")
            return ""
        if code in seen:
            message = f"duplicate code {code} (first on row {seen[code]})"
            if isinstance(value, int | float):
                message += f"; the cell holds the number {code}: type codes as text (a number drops trailing zeros)"
            self.cell_fail(table, row, "code", message)
            return ""
        seen[code] = row
        return code

    # --- the four sheets

    def info(self, table: _Table) -> tuple[dict[str, Any], dict[str, int]]:
        values: dict[str, Any] = {}
        rows_of: dict[str, int] = {}
        key_label = table.label("key")
        for row, raw in table.rows:
            name = _cell_text(raw.get("key"))
            info = INFO_BY_NAME.get(_norm(name))
            if info is None:
                known = "; ".join(f.label for f in INFO_FIELDS)
                message = f"unknown field {name!r}; expected one of: {known}" if name else "the field name is empty"
                self.cell_fail(table, row, "key", message)
                continue
            if info.key in rows_of:
                self.cell_fail(table, row, "key", f"{info.label} is given twice (first on row {rows_of[info.key]})")
                continue
            rows_of[info.key] = row
            value = self.info_value(table, row, raw, info)
            if value is not None:
                values[info.key] = value
        for info in INFO_FIELDS:
            if info.required and info.key not in rows_of:
                self.fail(self.where(table.title, column=key_label), f"the row {info.label!r} ({info.key}) is missing")
        return values, rows_of

    def info_value(self, table: _Table, row: int, raw: Mapping[str, Any], info: Field) -> Any:
        value = raw.get("value")
        if _blank(value):
            if info.required:
                self.cell_fail(table, row, "value", f"{info.label} is empty")
            return None
        if info.kind == "code":
            if isinstance(value, dt.date | dt.time | dt.timedelta):
                self.cell_fail(table, row, "value", "Excel turned the code into a date: type codes as text")
                return None
            return _code_of(value)
        if info.kind == "text":
            return _cell_text(value)
        if info.kind == "bool":
            if isinstance(value, bool):
                return value
            word = _norm(_cell_text(value))
            if word in TRUE_WORDS | FALSE_WORDS:
                return word in TRUE_WORDS
            self.cell_fail(table, row, "value", f"{_cell_text(value)!r} is not {YES} or {NO}")
            return None
        number = self.number(table, row, raw, "value", positive=info.kind == "number")
        if info.kind == "year" and number is not None and (not isinstance(number, int) or not 2000 <= number <= 2100):
            self.cell_fail(table, row, "value", f"{_cell_text(value)!r} is not a year such as 2026")
            return None
        return number

    def classification(self, table: _Table) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for row, raw in table.rows:
            label = self.text(table, row, raw, "label", required=True)
            minimum = self.number(table, row, raw, "min")
            if label and minimum is not None:
                out.append({"label": label, "min": minimum})
                self.locations[f"classification[{len(out)}]"] = self.where(table.title, row)
        if not table.rows:
            self.fail(self.where(table.title, 2), "no classes: list them, highest threshold first")
        return out

    def nodes(self, table: _Table) -> list[dict[str, Any]]:
        seen: dict[str, int] = {}
        rows = [_Row(number, raw, self.code(table, number, raw, seen)) for number, raw in table.rows]
        by_code = {row.code: row for row in rows if row.code}
        placed: set[str] = set()
        for row in rows:
            if not row.code:
                continue
            row.parent = _parent_of(row.code, by_code)
            if row.parent is None and "." in row.code:
                missing = row.code.rpartition(".")[0]
                self.cell_fail(table, row.number, "code", f"the parent {missing} has no row: add it above this row")
            elif row.parent is not None and row.parent not in placed:
                above = by_code[row.parent].number
                self.cell_fail(
                    table, row.number, "code", f"the parent {row.parent} is below, on row {above}: move it up"
                )
            placed.add(row.code)
        groups: dict[str, str] = {}  # a group's code -> its first child's code
        for row in rows:
            if row.code and row.parent:
                groups.setdefault(row.parent, row.code)
        top: list[dict[str, Any]] = []
        for row in rows:
            row.node = self.node(table, row, groups.get(row.code) if row.code else None)
            if row.code:
                self.locations[f"node {row.code}"] = self.where(table.title, row.number)
            if row.parent is None:
                top.append(row.node)
            elif row.parent in by_code:
                by_code[row.parent].node.setdefault("children", []).append(row.node)
        if not table.rows:
            self.fail(self.where(table.title, 2), "no criteria: add one row per criterion")
        return top

    def node(self, table: _Table, row: _Row, first_child: str | None) -> dict[str, Any]:
        raw, number = row.raw, row.number
        node: dict[str, Any] = {"code": row.code}
        node["name"] = self.text(table, number, raw, "name", required=True)
        node["max"] = self.number(table, number, raw, "max", positive=True)
        if first_child is not None:
            for key in ("source", "rule", *PARAMS, "levels", "bands", "na", "metric", "evidence"):
                if not _blank(raw.get(key)):
                    message = f"{row.code} has sub-criteria (such as {first_child}), so this cell must be empty"
                    self.cell_fail(table, number, key, message)
        else:
            self.leaf(table, row, node)
        guidance = self.text(table, number, raw, "guidance")
        if guidance:
            node["guidance"] = guidance
        if first_child is not None:
            node["children"] = []
        return node

    def leaf(self, table: _Table, row: _Row, node: dict[str, Any]) -> None:
        raw, number = row.raw, row.number
        source = self.choice(table, number, raw, "source", SOURCE_LABELS, SOURCE_OPTIONS, required=True)
        kind = self.choice(table, number, raw, "rule", RULE_LABELS, RULE_OPTIONS, required=True)
        na = self.choice(table, number, raw, "na", NA_LABELS, NA_OPTIONS)
        rule: dict[str, Any] = {"type": kind}
        for key, owner in PARAMS.items():
            if kind == owner:
                rule[key] = self.number(table, number, raw, key, positive=True)
            elif kind is not None and not _blank(raw.get(key)):
                self.cell_fail(table, number, key, f"only used with the rule {RULE_LABELS[owner]!r}: leave it empty")
        for key, parse in (("levels", parse_levels), ("bands", parse_bands)):
            text = self.text(table, number, raw, key)
            if kind == key and not text:
                self.cell_fail(table, number, key, f"the rule {RULE_LABELS[key]!r} needs its {key} here")
            elif text and kind is not None and kind != key:
                self.cell_fail(table, number, key, f"only used with the rule {RULE_LABELS[key]!r}: leave it empty")
            elif text:
                items, errors = parse(text)
                for error in errors:
                    self.cell_fail(table, number, key, error)
                rule[key] = items
        node["source"] = source
        node["rule"] = rule
        if na:
            node["na"] = na
        metric = self.text(table, number, raw, "metric")
        if metric:
            node["metric"] = metric
        evidence = [line.strip() for line in self.text(table, number, raw, "evidence").split("\n") if line.strip()]
        if evidence:
            node["evidence"] = evidence

    def adjustments(self, table: _Table, caps: dict[str, Any], cap_rows: dict[str, int]) -> dict[str, Any]:
        items: dict[str, list[dict[str, Any]]] = {"bonus": [], "penalty": []}
        seen: dict[str, int] = {}
        for row, raw in table.rows:
            block = self.choice(table, row, raw, "block", BLOCK_LABELS, BLOCK_OPTIONS, required=True)
            code = self.code(table, row, raw, seen)
            name = self.text(table, row, raw, "name", required=True)
            maximum = self.number(table, row, raw, "max", positive=True)
            if block and code:
                items[block].append({"code": code, "name": name, "max": maximum})
                self.locations[f"adjustments: {block}: items[{len(items[block])}]"] = self.where(table.title, row)
        out: dict[str, Any] = {}
        for kind in ("bonus", "penalty"):
            cap = caps.get(f"{kind}_cap")
            if cap is None and items[kind]:
                label = next(f.label for f in INFO_FIELDS if f.key == f"{kind}_cap")
                self.fail(
                    self.where(INFO_SHEET, column=INFO_COLUMNS[0].label),
                    f"the row {label!r} is missing: the sheet {table.title} lists {BLOCK_LABELS[kind]} items",
                )
            if cap is not None or items[kind]:
                out[kind] = {"cap": cap, "items": items[kind]}
                if f"{kind}_cap" in cap_rows:
                    self.locations[f"adjustments: {kind}"] = self.where(INFO_SHEET, cap_rows[f"{kind}_cap"])
        return out

    def relocate(self, problem: Problem) -> Problem:
        """A parse_criteria problem, placed on the sheet and row it comes from."""
        rest = problem.where
        if self.source and (rest == self.source or rest.startswith(f"{self.source}: ")):
            rest = rest[len(self.source) + 2 :]
        parts = rest.split(": ") if rest else []
        for k in range(len(parts), -1, -1):
            location = self.locations.get(": ".join(parts[:k]))
            if location is not None:
                tail = ": ".join(parts[k:])
                return Problem(f"{location}: {tail}" if tail else location, problem.message)
        return problem


def read_workbook(fileobj: IO[bytes] | bytes, *, source: str) -> dict[str, Any]:
    """The definition held by a workbook written by `export_workbook` (or typed by hand in its layout), in
    the shape parse_criteria accepts (and has accepted). Raises CriteriaError with every problem found."""
    reader = _Reader(source)
    try:
        wb = safe_load_workbook(fileobj, read_only=True, data_only=True)
    except FileRejected as exc:
        raise CriteriaError([Problem(source, str(exc))]) from None
    except Exception:  # noqa: BLE001 - whatever the reason, the file is not a workbook we can read
        raise CriteriaError(
            [Problem(source, "not an Excel workbook (.xlsx): save the file as Excel Workbook")]
        ) from None
    try:
        info = reader.table(wb, INFO_SHEET, INFO_COLUMNS)
        classes = reader.table(wb, CLASS_SHEET, CLASS_COLUMNS)
        nodes = reader.table(wb, NODE_SHEET, NODE_COLUMNS)
        adjustments = reader.table(wb, ADJ_SHEET, ADJ_COLUMNS)
        values, info_rows = reader.info(info) if info else ({}, {})
        data = {key: value for key, value in values.items() if key not in ("bonus_cap", "penalty_cap")}
        data["classification"] = reader.classification(classes) if classes else []
        data["nodes"] = reader.nodes(nodes) if nodes else []
        blocks = reader.adjustments(adjustments, values, info_rows) if adjustments else {}
    finally:
        wb.close()
    if blocks:
        data["adjustments"] = blocks
    if reader.problems:
        raise CriteriaError(reader.problems)
    reader.locations[""] = reader.where(INFO_SHEET)
    reader.locations.setdefault("classification", reader.where(CLASS_SHEET))
    reader.locations.setdefault("adjustments", reader.where(ADJ_SHEET))
    try:
        parse_criteria(data, source=source)
    except CriteriaError as exc:
        raise CriteriaError([reader.relocate(p) for p in exc.problems]) from None
    return data
