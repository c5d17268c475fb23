"""Reading a criteria set back from an Excel workbook in the layout of `scorecards.criteria_export`
(written by `export_workbook` or typed by hand): `read_workbook`.

On import the English keys of the YAML format are accepted as aliases of the headers, the field names and
the list values, and all matching ignores case and diacritics ("Tieu chi" finds "Tiêu chí"). Columns the
importer does not know are ignored, so notes may be added in a column of their own. The four sheets are
required; any other sheet is ignored.

`read_workbook` collects the problems of the workbook in a `core.file_problems.ProblemLog` and refuses the
file whole with a `CriteriaFileError` listing them: each has its row, its column named with its sheet
("Tiêu chí › Mã"), the cell's value when it matters, and the reason in the user's language (a problem of a
whole sheet is on its header row, one of the file on row 1). Once the cells are clean it runs
`parse_criteria` on the result, so the definition it returns is always accepted; problems found at that
stage (a level worth more than the node's max, thresholds out of order...) are reported on the sheet and row
they came from too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from core import sheets
from core.file_problems import FileError, FileProblem, ProblemLog
from core.files import FileRejected, safe_load_workbook
from scorecards.criteria import CriteriaError, Problem, parse_criteria, to_decimal
from scorecards.criteria_export import (
    ADJ_COLUMNS,
    ADJ_SHEET,
    BLOCK_LABELS,
    CLASS_COLUMNS,
    CLASS_SHEET,
    INFO_COLUMNS,
    INFO_FIELDS,
    INFO_SHEET,
    NA_LABELS,
    NO,
    NODE_COLUMNS,
    NODE_SHEET,
    PARAMS,
    RULE_LABELS,
    SOURCE_LABELS,
    YES,
    Column,
    Field,
    blank,
    cell_text,
    code_of,
    norm,
    parent_of,
    plain,
    plain_text,
)

SHEET_ALIASES = {
    INFO_SHEET: ("info",),
    CLASS_SHEET: ("classification",),
    NODE_SHEET: ("nodes", "criteria"),
    ADJ_SHEET: ("adjustments",),
}

BLOCK_ALIASES = {"điểm thưởng": "bonus", "cộng": "bonus", "điểm trừ": "penalty"}
TRUE_WORDS = {"co", "yes", "true", "1", "x", "dung"}
FALSE_WORDS = {"khong", "no", "false", "0", "sai"}
MAX_ROWS = 5000  # data rows read per sheet


def _options(labels: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Accepted spellings (Vietnamese label or English value, folded) -> value."""
    out = {norm(key): key for key in labels} | {norm(label): key for key, label in labels.items()}
    return out | {norm(alias): key for alias, key in (extra or {}).items()}


def _expected(labels: Mapping[str, str]) -> str:
    return _("%(labels)s (or %(values)s)") % {"labels": ", ".join(labels.values()), "values": ", ".join(labels)}


def _split_list(text: str) -> list[str]:
    """The parts of a levels/bands cell: one per line when it has line breaks, else split on ";"."""
    parts = text.split("\n") if "\n" in text else text.split(";")
    return [part.strip() for part in parts if part.strip()]


def parse_levels(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The Các mức cell: levels in the YAML shape, and a message for each part that cannot be read."""
    levels: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, part in enumerate(_split_list(text), 1):
        label, sep, value = part.rpartition("=")
        label, value = label.strip(), value.strip()
        if not sep or not label:
            errors.append(_("part %(n)s '%(part)s' is not label=points or label=x factor") % {"n": i, "part": part})
            continue
        is_factor = value[:1] in ("x", "X", "×")
        number = value[1:].strip() if is_factor else value
        try:
            amount = plain(to_decimal(number))
        except ValueError:
            errors.append(
                _("part %(n)s '%(part)s': '%(number)s' is not a number") % {"n": i, "part": part, "number": number}
            )
            continue
        levels.append({"label": label, "factor" if is_factor else "points": amount})
    if not levels and not errors:
        errors.append(_("no levels: write label=points; label=x factor"))
    return levels, errors


def parse_bands(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The Các khoảng cell: bands in the YAML shape, and a message for each part that cannot be read."""
    bands: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, part in enumerate(_split_list(text), 1):
        minimum, sep, points = part.partition(":")
        if not sep:
            errors.append(_("part %(n)s '%(part)s' is not min:points") % {"n": i, "part": part})
            continue
        minimum = minimum.strip().removeprefix("≥").removeprefix(">=").strip().removesuffix("%")
        try:
            band = {"min": plain(to_decimal(minimum)), "points": plain(to_decimal(points))}
        except ValueError:
            errors.append(_("part %(n)s '%(part)s': min and points must be numbers") % {"n": i, "part": part})
            continue
        bands.append(band)
    if not bands and not errors:
        errors.append(_("no bands: write min:points; min:points"))
    return bands, errors


# --- import -----------------------------------------------------------------------------------------


class CriteriaFileError(FileError):
    """A refused criteria workbook (nothing of it is used)."""


def _at(sheet: str, label: str = "") -> str:
    """How a problem names its column: with its sheet ("Tiêu chí › Mã"), or the sheet alone."""
    return f"{sheet} › {label}" if label else sheet


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


INFO_BY_NAME = {name: info for info in INFO_FIELDS for name in (norm(info.label), norm(info.key))}
SOURCE_OPTIONS = _options(SOURCE_LABELS)
RULE_OPTIONS = _options(RULE_LABELS)
NA_OPTIONS = _options(NA_LABELS)
BLOCK_OPTIONS = _options(BLOCK_LABELS, BLOCK_ALIASES)


class _Reader:
    def __init__(self) -> None:
        self.problems = ProblemLog()
        # parse_criteria's locations ("node 1.2", "classification[3]"...) -> the sheet and row they came from
        self.locations: dict[str, tuple[str, int]] = {}

    def fail(self, sheet: str, row: int, reason: str, *, column: str = "", value: str = "") -> None:
        self.problems.add(row, _at(sheet, column), value, reason)

    def cell_fail(self, table: _Table, row: int, key: str, reason: str, value: str = "") -> None:
        self.fail(table.title, row, reason, column=table.label(key), value=value)

    # --- sheets and cells

    def table(self, wb: Any, title: str, columns: tuple[Column, ...]) -> _Table | None:
        wanted = {norm(title), *(norm(alias) for alias in SHEET_ALIASES[title])}
        name = next((name for name in wb.sheetnames if norm(name) in wanted), None)
        if name is None:
            names = ", ".join(wb.sheetnames)
            self.fail(title, 1, _("the sheet is missing (the workbook has: %(names)s)") % {"names": names})
            return None
        rows = sheets.rows(wb[name])
        header = next(rows, None) or ()
        by_name = {alias: column for column in columns for alias in column.names()}
        table = _Table(title=name, headers={}, columns={c.key: c for c in columns})
        positions: dict[str, int] = {}
        for pos, cell in enumerate(header):
            column = by_name.get(norm(cell_text(cell))) if not blank(cell) else None
            if column is None:
                continue
            if column.key in positions:
                reason = _("the column %(column)s appears twice") % {"column": column.label}
                self.fail(name, 1, reason, column=cell_text(cell))
                continue
            positions[column.key] = pos
            table.headers[column.key] = cell_text(cell)
        missing = [c for c in columns if c.required and c.key not in positions]
        for column in missing:
            self.fail(name, 1, _("the required column is missing"), column=column.label)
        if missing:
            return None
        for number, values in enumerate(rows, 2):
            raw = {key: values[pos] if pos < len(values) else None for key, pos in positions.items()}
            if all(blank(value) for value in raw.values()):
                continue
            if number > MAX_ROWS + 1:
                self.fail(name, number, _("too many rows (at most %(n)s)") % {"n": MAX_ROWS})
                break
            table.rows.append((number, raw))
        return table

    def text(self, table: _Table, row: int, raw: Mapping[str, Any], key: str, *, required: bool = False) -> str:
        text = cell_text(raw.get(key))
        if required and not text:
            self.cell_fail(table, row, key, _("the cell is empty"))
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
        if blank(value):
            if required:
                self.cell_fail(table, row, key, _("the cell is empty; a number is needed"))
            return None
        try:
            number = to_decimal(value)
        except ValueError:
            self.cell_fail(table, row, key, _("is not a number"), cell_text(value))
            return None
        if positive and number <= 0:
            self.cell_fail(table, row, key, _("must be greater than 0, got %(n)s") % {"n": plain_text(number)})
        elif number < 0:
            self.cell_fail(table, row, key, _("cannot be negative, got %(n)s") % {"n": plain_text(number)})
        return plain(number)

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
        expected = {"expected": _expected(labels)}
        if blank(value):
            if required:
                self.cell_fail(table, row, key, _("the cell is empty; choose one of: %(expected)s") % expected)
            return None
        found = options.get(norm(cell_text(value)))
        if found is None:
            reason = _("unknown value '%(value)s'; expected one of: %(expected)s")
            self.cell_fail(table, row, key, reason % {"value": cell_text(value), **expected})
        return found

    def code(self, table: _Table, row: int, raw: Mapping[str, Any], seen: dict[str, int]) -> str:
        """A code cell; "" when it is missing, unusable or a duplicate (each reported)."""
        value = raw.get("code")
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            self.cell_fail(table, row, "code", _("Excel turned the code into a date: type codes as text"))
            return ""
        code = code_of(value)
        if not code:
            self.cell_fail(table, row, "code", _("the code is empty"))
            return ""
        if code in seen:
            reason = _("duplicate code %(code)s (first on row %(row)s)") % {"code": code, "row": seen[code]}
            if isinstance(value, int | float):
                reason += _(
                    "; the cell holds the number %(code)s: type codes as text (a number drops trailing zeros)"
                ) % {"code": code}
            self.cell_fail(table, row, "code", reason)
            return ""
        seen[code] = row
        return code

    # --- the four sheets

    def info(self, table: _Table) -> tuple[dict[str, Any], dict[str, int]]:
        values: dict[str, Any] = {}
        rows_of: dict[str, int] = {}
        key_label = table.label("key")
        for row, raw in table.rows:
            name = cell_text(raw.get("key"))
            info = INFO_BY_NAME.get(norm(name))
            if info is None:
                known = "; ".join(f.label for f in INFO_FIELDS)
                reason = _("unknown field '%(name)s'; expected one of: %(known)s") % {"name": name, "known": known}
                self.cell_fail(table, row, "key", reason if name else _("the field name is empty"))
                continue
            if info.key in rows_of:
                reason = _("%(field)s is given twice (first on row %(row)s)") % {
                    "field": info.label,
                    "row": rows_of[info.key],
                }
                self.cell_fail(table, row, "key", reason)
                continue
            rows_of[info.key] = row
            value = self.info_value(table, row, raw, info)
            if value is not None:
                values[info.key] = value
        for info in INFO_FIELDS:
            if info.required and info.key not in rows_of:
                reason = _("the row '%(field)s' (%(key)s) is missing") % {"field": info.label, "key": info.key}
                self.fail(table.title, 1, reason, column=key_label)
        return values, rows_of

    def info_value(self, table: _Table, row: int, raw: Mapping[str, Any], info: Field) -> Any:
        value = raw.get("value")
        if blank(value):
            if info.required:
                self.cell_fail(table, row, "value", _("%(field)s is empty") % {"field": info.label})
            return None
        if info.kind == "code":
            if isinstance(value, dt.date | dt.time | dt.timedelta):
                self.cell_fail(table, row, "value", _("Excel turned the code into a date: type codes as text"))
                return None
            return code_of(value)
        if info.kind == "text":
            return cell_text(value)
        if info.kind == "bool":
            if isinstance(value, bool):
                return value
            word = norm(cell_text(value))
            if word in TRUE_WORDS | FALSE_WORDS:
                return word in TRUE_WORDS
            reason = _("is not %(yes)s or %(no)s") % {"yes": YES, "no": NO}
            self.cell_fail(table, row, "value", reason, cell_text(value))
            return None
        number = self.number(table, row, raw, "value", positive=info.kind == "number")
        if info.kind == "year" and number is not None and (not isinstance(number, int) or not 2000 <= number <= 2100):
            self.cell_fail(table, row, "value", _("is not a year such as 2026"), cell_text(value))
            return None
        return number

    def classification(self, table: _Table) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for row, raw in table.rows:
            label = self.text(table, row, raw, "label", required=True)
            minimum = self.number(table, row, raw, "min")
            if label and minimum is not None:
                out.append({"label": label, "min": minimum})
                self.locations[f"classification[{len(out)}]"] = (table.title, row)
        if not table.rows:
            self.fail(table.title, 2, _("no classes: list them, highest threshold first"))
        return out

    def nodes(self, table: _Table) -> list[dict[str, Any]]:
        seen: dict[str, int] = {}
        rows = [_Row(number, raw, self.code(table, number, raw, seen)) for number, raw in table.rows]
        by_code = {row.code: row for row in rows if row.code}
        placed: set[str] = set()
        for row in rows:
            if not row.code:
                continue
            row.parent = parent_of(row.code, by_code)
            if row.parent is None and "." in row.code:
                missing = row.code.rpartition(".")[0]
                reason = _("the parent %(code)s has no row: add it above this row") % {"code": missing}
                self.cell_fail(table, row.number, "code", reason)
            elif row.parent is not None and row.parent not in placed:
                above = by_code[row.parent].number
                reason = _("the parent %(code)s is below, on row %(row)s: move it up") % {
                    "code": row.parent,
                    "row": above,
                }
                self.cell_fail(table, row.number, "code", reason)
            placed.add(row.code)
        groups: dict[str, str] = {}  # a group's code -> its first child's code
        for row in rows:
            if row.code and row.parent:
                groups.setdefault(row.parent, row.code)
        top: list[dict[str, Any]] = []
        for row in rows:
            row.node = self.node(table, row, groups.get(row.code) if row.code else None)
            if row.code:
                self.locations[f"node {row.code}"] = (table.title, row.number)
            if row.parent is None:
                top.append(row.node)
            elif row.parent in by_code:
                by_code[row.parent].node.setdefault("children", []).append(row.node)
        if not table.rows:
            self.fail(table.title, 2, _("no criteria: add one row per criterion"))
        return top

    def node(self, table: _Table, row: _Row, first_child: str | None) -> dict[str, Any]:
        raw, number = row.raw, row.number
        node: dict[str, Any] = {"code": row.code}
        node["name"] = self.text(table, number, raw, "name", required=True)
        node["max"] = self.number(table, number, raw, "max", positive=True)
        if first_child is not None:
            for key in ("source", "rule", *PARAMS, "levels", "bands", "na", "metric", "evidence"):
                if not blank(raw.get(key)):
                    reason = _("%(code)s has sub-criteria (such as %(child)s), so this cell must be empty")
                    self.cell_fail(table, number, key, reason % {"code": row.code, "child": first_child})
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
        only = _("only used with the rule '%(rule)s': leave it empty")
        for key, owner in PARAMS.items():
            if kind == owner:
                rule[key] = self.number(table, number, raw, key, positive=True)
            elif kind is not None and not blank(raw.get(key)):
                self.cell_fail(table, number, key, only % {"rule": RULE_LABELS[owner]})
        for key, parse in (("levels", parse_levels), ("bands", parse_bands)):
            text = self.text(table, number, raw, key)
            if kind == key and not text:
                needed = {"levels": _("levels"), "bands": _("bands")}[key]
                reason = _("the rule '%(rule)s' needs its %(list)s here") % {"rule": RULE_LABELS[key], "list": needed}
                self.cell_fail(table, number, key, reason)
            elif text and kind is not None and kind != key:
                self.cell_fail(table, number, key, only % {"rule": RULE_LABELS[key]})
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
                self.locations[f"adjustments: {block}: items[{len(items[block])}]"] = (table.title, row)
        out: dict[str, Any] = {}
        for kind in ("bonus", "penalty"):
            cap = caps.get(f"{kind}_cap")
            if cap is None and items[kind]:
                label = next(f.label for f in INFO_FIELDS if f.key == f"{kind}_cap")
                reason = _("the row '%(field)s' is missing: the sheet %(sheet)s lists %(kind)s items") % {
                    "field": label,
                    "sheet": table.title,
                    "kind": BLOCK_LABELS[kind],
                }
                self.fail(INFO_SHEET, 1, reason, column=INFO_COLUMNS[0].label)
            if cap is not None or items[kind]:
                out[kind] = {"cap": cap, "items": items[kind]}
                if f"{kind}_cap" in cap_rows:
                    self.locations[f"adjustments: {kind}"] = (INFO_SHEET, cap_rows[f"{kind}_cap"])
        return out

    def relocate(self, problem: Problem, source: str) -> None:
        """A parse_criteria problem, placed on the sheet and row it comes from (on row 1 of the sheet
        Thông tin when it has no place there)."""
        rest = problem.where
        if source and (rest == source or rest.startswith(f"{source}: ")):
            rest = rest[len(source) + 2 :]
        parts = rest.split(": ") if rest else []
        for k in range(len(parts), -1, -1):
            location = self.locations.get(": ".join(parts[:k]))
            if location is not None:
                tail = ": ".join(parts[k:])
                self.fail(location[0], location[1], f"{tail}: {problem.message}" if tail else problem.message)
                return
        self.fail(INFO_SHEET, 1, str(problem))


def _refused(reason: str) -> CriteriaFileError:
    return CriteriaFileError([FileProblem(1, "", "", reason)], 1)


def read_workbook(fileobj: IO[bytes] | bytes, *, source: str) -> dict[str, Any]:
    """The definition held by a workbook written by `export_workbook` (or typed by hand in its layout), in
    the shape parse_criteria accepts (and has accepted). Raises CriteriaFileError with every problem found."""
    reader = _Reader()
    try:
        wb = safe_load_workbook(fileobj, read_only=True, data_only=True)
    except FileRejected as exc:
        raise _refused(str(exc)) from None
    except Exception:  # noqa: BLE001 - whatever the reason, the file is not a workbook we can read
        raise _refused(_("not an Excel workbook (.xlsx): save the file as Excel Workbook")) from None
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
    if reader.problems.total:
        raise CriteriaFileError(reader.problems.problems, reader.problems.total)
    reader.locations[""] = (INFO_SHEET, 1)
    reader.locations.setdefault("classification", (CLASS_SHEET, 1))
    reader.locations.setdefault("adjustments", (ADJ_SHEET, 1))
    try:
        parse_criteria(data, source=source)
    except CriteriaError as exc:
        for problem in exc.problems:
            reader.relocate(problem, source)
        raise CriteriaFileError(reader.problems.problems, reader.problems.total) from None
    return data
