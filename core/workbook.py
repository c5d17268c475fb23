"""One small exporter API for every workbook and CSV file the product writes (after pretix's
exporters): a `Sheet` says what is in a sheet (its name, an optional heading block, the header,
the rows, column widths, bold rows, number formats), and `workbook_bytes` writes the sheets the same
way everywhere: a bold header on a light-blue fill, wrapped text, frozen panes below the header,
native numbers and dates (Decimal as 0.00, dates as dd/mm/yyyy, times as dd/mm/yyyy hh:mm, aware
times in local time), every text formula-safe through `core.sheets`.

A new export is a function that builds `Sheet`s; a fill-in template that needs more (data
validation, merged title cells) asks `add_sheet` for the worksheet and adds what it needs.
`stream=True` writes a write-only workbook for registers of any length (rows are consumed once,
in constant memory)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.cell import Cell, WriteOnlyCell  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet

from core import sheets

HEADER_FILL = PatternFill("solid", fgColor="E6EDF6")
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=13)
ITALIC = Font(italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
DECIMAL = "0.00"
FORBIDDEN_IN_NAMES = "[]:*?/\\"


@dataclass
class Sheet:
    """One sheet: `name` (the tab, cut to Excel's 31 characters and made unique), an optional
    `heading` (bold) and `subtitle` lines (italic) above a blank row, then `header` and `rows`.
    `widths` are in characters, per column from the first; `bold_rows` are indexes into `rows`;
    `number_formats` maps a column index (0-based) to an Excel format that wins over the default
    for its values' type."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    heading: str = ""
    subtitle: Sequence[str] = ()
    widths: Sequence[float] = ()
    bold_rows: Collection[int] = ()
    number_formats: Mapping[int, str] = field(default_factory=dict)
    wrap: bool = True  # wrap long text in its cell (off for very long registers: faster to open)
    frozen_columns: int = 0  # columns kept in view when scrolling right (the header always is)


def _format(value: Any, column: int, formats: Mapping[int, str]) -> str | None:
    if column in formats:
        return formats[column]
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    return None


def sheet_name(text: str, used: set[str]) -> str:
    """A tab name Excel accepts (no []:*?/\\, at most 31 characters), unique within `used`."""
    name = "".join(ch for ch in text if ch not in FORBIDDEN_IN_NAMES)[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _styled(
    ws: Any,
    value: Any,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    number_format: str | None = None,
    wrap: bool = False,
) -> Any:
    out = sheets.cell(ws, value)
    if not isinstance(out, Cell):
        if font is None and fill is None and number_format is None and not wrap:
            return out
        out = WriteOnlyCell(ws, value=out)
    if font is not None:
        out.font = font
    if fill is not None:
        out.fill = fill
    if number_format is not None:
        out.number_format = number_format
    if wrap and isinstance(value, str):
        out.alignment = WRAP
    return out


def _write(ws: Any, sheet: Sheet) -> int:
    """Writes `sheet` into `ws` (normal or write-only); returns the header's row number."""
    line = 0
    if sheet.heading:
        ws.append([_styled(ws, sheet.heading, font=HEADING)])
        line += 1
    for text in sheet.subtitle:
        ws.append([_styled(ws, text, font=ITALIC)])
        line += 1
    if line:
        ws.append([])
        line += 1
    ws.append([_styled(ws, title, font=BOLD, fill=HEADER_FILL, wrap=True) for title in sheet.header])
    header_row = line + 1
    bold = set(sheet.bold_rows)
    for index, values in enumerate(sheet.rows):
        font = BOLD if index in bold else None
        ws.append(
            [
                _styled(
                    ws, value, font=font, number_format=_format(value, column, sheet.number_formats), wrap=sheet.wrap
                )
                for column, value in enumerate(values)
            ]
        )
    return header_row


def add_sheet(wb: Workbook, sheet: Sheet, used: set[str] | None = None) -> Any:
    """Adds `sheet` to a workbook of `new_workbook()`; returns the worksheet, for a template that
    adds data validation or merged cells. (Widths and frozen panes are set before rows are written,
    so that a write-only workbook takes them too.)"""
    used = used if used is not None else {ws.title for ws in wb.worksheets}
    ws = wb.create_sheet(sheet_name(sheet.name, used))
    header_row = 1 + (1 if sheet.heading else 0) + len(sheet.subtitle) + (1 if sheet.heading or sheet.subtitle else 0)
    for column, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{header_row + 1}"
    _write(ws, sheet)
    return ws


def new_workbook(*, stream: bool = False) -> Workbook:
    """An empty workbook (no default sheet); `stream` for write-only."""
    wb = Workbook(write_only=stream)
    if not stream:
        wb.remove(wb.active)
    return wb


def workbook_bytes(sheets_: Iterable[Sheet], *, stream: bool = False) -> bytes:
    """The sheets as .xlsx bytes."""
    wb = new_workbook(stream=stream)
    used: set[str] = set()
    for sheet in sheets_:
        add_sheet(wb, sheet, used)
    return to_bytes(wb)


def to_bytes(wb: Workbook) -> bytes:
    return sheets.to_bytes(wb)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file Excel opens with Vietnamese intact (UTF-8 with a byte-order mark), every text
    field formula-safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = sheets.csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_dict_bytes(fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """`csv_bytes` for rows given as dicts (a named-column feed such as Open311)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = sheets.csv_dict_writer(out, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
