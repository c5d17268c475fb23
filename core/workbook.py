"""One small exporter API for every workbook and CSV file the product writes (after pretix's
exporters): a `Sheet` says what is in a sheet (its name, an optional heading block, the header,
the rows, column widths, bold rows, number formats), and `workbook_bytes` writes the sheets the same
way everywhere: a bold header on a light-blue fill, wrapped text, frozen panes below the header,
native numbers and dates (Decimal as 0.00, dates as dd/mm/yyyy, times as dd/mm/yyyy hh:mm, aware
times in local time), every text formula-safe through `core.sheets`.

A new export is a function that builds `Sheet`s; a fill-in template that needs more (data
validation, merged title cells) asks `add_sheet` for the worksheet and adds what it needs.
`stream=True` writes a write-only workbook for registers of any length (rows are consumed once,
in constant memory).

A sheet meant to be printed and signed (a register, a control slip) says so: `printable` gives it
an A4 page set-up (portrait, or `landscape`), fitted to the page's width (as many pages down as it
takes), the header row repeated on every page, margins and a page number in the footer, and its
heading lines centred over the table; `borders` draws thin lines round the header and every data
cell; `signature` writes the signing block (a place-and-date line, the signer's title, "(Ký và ghi
rõ họ tên)") under the table, centred over its last `signature_columns` columns."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.cell import Cell, WriteOnlyCell  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet
from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet

from core import sheets

HEADER_FILL = PatternFill("solid", fgColor="E6EDF6")
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=13)
ITALIC = Font(italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FOOTER = "Trang &P/&N"  # the page number, on every printed page
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
    # rows of particulars between the heading block and the header ("Mã hồ sơ:", "H38…"), as written
    preamble: Sequence[Sequence[Any]] = ()
    widths: Sequence[float] = ()
    bold_rows: Collection[int] = ()
    number_formats: Mapping[int, str] = field(default_factory=dict)
    wrap: bool = True  # wrap long text in its cell (off for very long registers: faster to open)
    frozen_columns: int = 0  # columns kept in view when scrolling right (the header always is)
    printable: bool = False  # A4 page set-up, fitted to width, header repeated, footer page number
    landscape: bool = False  # with `printable`: A4 landscape
    fit_width: int = 1  # with `printable`: pages across (0: as many as the columns take, at full size)
    borders: bool = False  # thin borders round the header and every data cell
    signature: Sequence[str | Line] = ()  # the signing block under the table (a str is bold)
    signature_columns: int = 3  # the block is centred over this many last columns
    row_height: float | None = None  # points, for every data row (room to sign in a row)


@dataclass(frozen=True)
class Line:
    """A line of a sheet's signing block: "(Ký và ghi rõ họ tên)" in italics, a title in bold."""

    text: str
    bold: bool = False
    italic: bool = False


SIGN_HINT = Line("(Ký và ghi rõ họ tên)", italic=True)


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
    border: Border | None = None,
    alignment: Alignment | None = None,
) -> Any:
    out = sheets.cell(ws, value)
    if not isinstance(out, Cell):
        plain = font is None and fill is None and number_format is None and border is None and alignment is None
        if plain and not wrap:
            return out
        out = WriteOnlyCell(ws, value=out)
    if font is not None:
        out.font = font
    if fill is not None:
        out.fill = fill
    if number_format is not None:
        out.number_format = number_format
    if border is not None:
        out.border = border
    if alignment is not None:
        out.alignment = alignment
    elif wrap and isinstance(value, str):
        out.alignment = WRAP
    return out


def _width(sheet: Sheet) -> int:
    return max(len(sheet.header), 1)


def _merge(ws: Any, row: int, first: int, last: int) -> None:
    """Merges columns first..last (1-based) of a row, in a normal or a write-only sheet."""
    if last <= first:
        return
    ref = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
    if hasattr(ws, "merge_cells"):
        ws.merge_cells(ref)
    else:
        ws.merged_cells.add(ref)


def _write(ws: Any, sheet: Sheet) -> int:
    """Writes `sheet` into `ws` (normal or write-only); returns the header's row number."""
    line = 0
    width = _width(sheet)
    # centred over the table when it prints one page wide; else at the left, on the first page
    centred = sheet.printable and sheet.fit_width == 1
    centre = CENTRED if centred else None
    if sheet.heading:
        ws.append([_styled(ws, sheet.heading, font=HEADING, alignment=centre)])
        line += 1
        if centred:
            _merge(ws, line, 1, width)
    for text in sheet.subtitle:
        ws.append([_styled(ws, text, font=ITALIC, alignment=centre)])
        line += 1
        if centred:
            _merge(ws, line, 1, width)
    for values in sheet.preamble:
        first = next((i for i, value in enumerate(values) if value not in (None, "")), 0)
        ws.append(
            [
                _styled(ws, value, font=BOLD if column == first else None, number_format=_format(value, column, {}))
                for column, value in enumerate(values)
            ]
        )
        line += 1
    if line:
        ws.append([])
        line += 1
    border = GRID if sheet.borders else None
    header_align = HEADER_ALIGN if (sheet.borders or sheet.printable) else None
    header_row = line + 1
    if sheet.printable:  # a row's height before its cells: a write-only sheet writes it with them
        ws.row_dimensions[header_row].height = row_height(sheet.header, sheet.widths, bold=True)
    ws.append(
        [
            _styled(ws, title, font=BOLD, fill=HEADER_FILL, wrap=True, border=border, alignment=header_align)
            for title in sheet.header
        ]
    )
    line = header_row
    bold = set(sheet.bold_rows)
    cell_align = WRAP if border is not None else None  # every bordered cell at the top of its row
    for index, values in enumerate(sheet.rows):
        font = BOLD if index in bold else None
        cells = list(values)
        if border is not None and len(cells) < width:
            cells += [None] * (width - len(cells))
        line += 1
        if sheet.row_height is not None:
            ws.row_dimensions[line].height = sheet.row_height
        elif sheet.printable and sheet.wrap:
            height = row_height(cells, sheet.widths)
            if height > LINE_POINTS + ROW_PADDING:
                ws.row_dimensions[line].height = height
        ws.append(
            [
                _styled(
                    ws,
                    value,
                    font=font,
                    number_format=_format(value, column, sheet.number_formats),
                    wrap=sheet.wrap,
                    border=border,
                    alignment=cell_align if sheet.wrap else None,
                )
                for column, value in enumerate(cells)
            ]
        )
    if sheet.signature:
        _signature(ws, sheet, line)
    return header_row


LINE_POINTS = 14.5  # the height of a line of 11-pt text in a cell
ROW_PADDING = 2
DEFAULT_WIDTH = 10  # characters: a column without a width
CHARS_PER_WIDTH = 1.05  # how many characters of running text a unit of column width holds


def row_height(values: Sequence[Any], widths: Sequence[float], *, bold: bool = False) -> float:
    """The height (points) a row of wrapped text needs, so that it prints whole wherever the
    workbook is opened (LibreOffice and Excel do not always grow a row on opening): the most
    lines any of its texts takes in its column."""
    lines = 1
    for column, value in enumerate(values):
        if not isinstance(value, str) or not value:
            continue
        room = (widths[column] if column < len(widths) else DEFAULT_WIDTH) * CHARS_PER_WIDTH * (0.9 if bold else 1)
        count = 0
        for paragraph in value.splitlines() or [""]:
            count += max(1, _wrapped_lines(paragraph, max(room - 1, 1)))
        lines = max(lines, count)
    return lines * LINE_POINTS + ROW_PADDING


def _wrapped_lines(text: str, room: float) -> int:
    lines, current = 1, 0
    for word in text.split():
        size = len(word)
        if current and current + 1 + size > room:
            lines, current = lines + 1, size
        else:
            current = current + (1 if current else 0) + size
        while current > room:  # a word longer than the column breaks
            lines, current = lines + 1, current - int(room)
    return lines


def _signature(ws: Any, sheet: Sheet, last_row: int) -> None:
    """The signing block under the table, each line centred over the last columns."""
    width = _width(sheet)
    span = max(1, min(sheet.signature_columns, width))
    first = width - span + 1
    ws.append([])
    row = last_row + 1
    for item in sheet.signature:
        text = Line(item, bold=True) if isinstance(item, str) else item
        font = Font(bold=text.bold, italic=text.italic)
        ws.append([None] * (first - 1) + [_styled(ws, text.text, font=font, alignment=CENTRED)])
        row += 1
        _merge(ws, row, first, width)


def _print_setup(ws: Any, sheet: Sheet, header_row: int) -> None:
    """A4, portrait or landscape, `fit_width` pages wide (one) and as many down as it takes, the
    header row (and the frozen columns) repeated on every page, margins (inches: 0.6 left and
    right, 0.7 top and bottom) and the page number in the footer."""
    setup = ws.page_setup
    setup.paperSize = 9  # A4 (ECMA-376 paper size 9)
    setup.orientation = "landscape" if sheet.landscape else "portrait"
    if sheet.fit_width:
        setup.fitToWidth = sheet.fit_width
        setup.fitToHeight = 0
        if ws.sheet_properties.pageSetUpPr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        else:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    if sheet.frozen_columns:  # the columns kept in view are printed on every page across too
        ws.print_title_cols = f"A:{get_column_letter(sheet.frozen_columns)}"
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = 0.6
    margins.top = margins.bottom = 0.7
    margins.header = margins.footer = 0.3
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 10


def add_sheet(wb: Workbook, sheet: Sheet, used: set[str] | None = None) -> Any:
    """Adds `sheet` to a workbook of `new_workbook()`; returns the worksheet, for a template that
    adds data validation or merged cells. (Widths and frozen panes are set before rows are written,
    so that a write-only workbook takes them too.)"""
    used = used if used is not None else {ws.title for ws in wb.worksheets}
    ws = wb.create_sheet(sheet_name(sheet.name, used))
    above = (1 if sheet.heading else 0) + len(sheet.subtitle) + len(sheet.preamble)
    header_row = 1 + above + (1 if above else 0)
    for column, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{header_row + 1}"
    if sheet.printable:  # before the rows: a write-only sheet writes its properties first
        _print_setup(ws, sheet, header_row)
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
