"""One writer and one reader for every workbook (XLSX) and CSV file the product makes or reads.

Writing: text that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
or their full-width forms) comes from users, imports and the API; left as it is, Excel runs it
(``=HYPERLINK(...)`` that leaks the sheet, a DDE call). Every such text is written as text:
in a workbook as a string cell (data type ``s``) with the "quote prefix" style, so Excel shows
the text and does not evaluate it even when someone edits the cell; in a CSV file with a leading
single quote (OWASP, "CSV injection"). Only text is touched: numbers (a negative Decimal too),
dates and booleans stay native values, so the reports' workbooks keep their native numbers.
Characters XML cannot hold (control characters other than tab and line breaks) are dropped
rather than let the export fail.

Reading: a workbook declares its size (``<dimension ref="A1:XFD1048576"/>``), and openpyxl's
read-only mode trusts it: a 1.6 KB file then gives rows of 16,384 empty cells, a million of them.
`rows` ignores the declared size, cuts every row to the header's width (at most MAX_COLUMNS) and
stops at the first MAX_BLANK_ROWS blank rows in a row; each importer keeps its own maximum of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet

from core.deadlines import local

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 cannot hold (openpyxl refuses it)
MAX_COLUMNS = 200  # columns read from any sheet, whatever its header says
MAX_BLANK_ROWS = 1000  # a run of this many blank rows ends the sheet


def formula_like(value: object) -> bool:
    """True for text a spreadsheet would take as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# --- writing workbooks


def _text_cell(ws: Any, value: str) -> Any:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # a string, never a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def cell(ws: Any, value: Any, number_format: str | None = None) -> Any:
    """A value ready for `ws.append` (normal or write-only sheet): text that looks like a formula
    as a text cell, an aware datetime as local wall-clock time, `number_format` applied; other
    values as they are."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value)
        if formula_like(value):
            out = _text_cell(ws, value)
            if number_format:
                out.number_format = number_format
            return out
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = local(value)  # Excel has no time zones
    if number_format is None:
        return value
    out = WriteOnlyCell(ws, value=value)
    out.number_format = number_format
    return out


def row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row of `cell`s."""
    return [cell(ws, value) for value in values]


def append(ws: Any, values: Iterable[Any]) -> None:
    """`ws.append` with every text made safe."""
    ws.append(row(ws, values))


def put(ws: Any, row_number: int, column: int, value: Any) -> Any:
    """Writes one cell of a normal sheet (`ws.cell(...)`) safely; returns the cell."""
    target = ws.cell(row=row_number, column=column)
    if isinstance(value, str):
        value = ILLEGAL.sub("", value)
    target.value = value
    _neutralise(target)
    return target


def _neutralise(target: Any) -> None:
    if formula_like(target.value):
        target.data_type = "s"
        target.quotePrefix = True


def to_bytes(wb: Any) -> bytes:
    """The workbook as .xlsx bytes. The cells of a normal (not write-only) workbook are checked
    once more, so text set through `ws.cell(...)` or `ws["A1"]` is never saved as a formula
    either (the product writes no formula of its own)."""
    if not getattr(wb, "write_only", False):
        for ws in wb.worksheets:
            for target in getattr(ws, "_cells", {}).values():
                _neutralise(target)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- writing CSV


def csv_value(value: Any) -> Any:
    """A CSV field: text that looks like a formula gets a leading single quote (OWASP)."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def csv_unquote(value: str) -> str:
    """`csv_value` undone, for a reader of the product's own CSV files."""
    return value[1:] if value.startswith("'") and formula_like(value[1:]) else value


class _SafeWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_value(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


class _SafeDictWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writeheader(self) -> Any:
        return self._writer.writeheader()

    def writerow(self, values: Mapping[str, Any]) -> Any:
        return self._writer.writerow({k: csv_value(v) for k, v in values.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(out: Any, **kwargs: Any) -> _SafeWriter:
    """`csv.writer` whose text fields are made safe."""
    return _SafeWriter(csv.writer(out, **kwargs))


def csv_dict_writer(out: Any, fieldnames: Sequence[str], **kwargs: Any) -> _SafeDictWriter:
    """`csv.DictWriter` whose text fields are made safe."""
    return _SafeDictWriter(csv.DictWriter(out, fieldnames=fieldnames, **kwargs))


# --- reading workbooks


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def rows(ws: Any, *, max_columns: int = MAX_COLUMNS, max_blank_rows: int = MAX_BLANK_ROWS) -> Iterator[tuple[Any, ...]]:
    """The rows of a sheet as values, header first (none for an empty sheet), in bounded work
    whatever the sheet declares: every row has the header's width (up to its last non-blank cell,
    at most `max_columns`); blank rows between data rows are kept (row numbers stay right) but
    trailing ones are not, and the sheet ends at the first run of `max_blank_rows` blank rows."""
    if hasattr(ws, "reset_dimensions"):  # read-only: forget the declared A1:XFD1048576
        ws.reset_dimensions()
    first = ws.iter_rows(min_row=1, max_row=1, max_col=None, values_only=True)
    try:
        top = next(first, None)
    finally:
        first.close()
    if top is None:
        return  # an empty sheet: no row at all, as openpyxl says
    header = tuple(top)[:max_columns]
    width = len(header)
    while width and _blank(header[width - 1 : width]):
        width -= 1
    yield header[:width]
    if not width:
        return
    empty = (None,) * width
    pending = 0  # blank rows read but not yet given (given only when a data row follows)
    data = ws.iter_rows(min_row=2, max_col=width, values_only=True)
    try:
        for values in data:
            values = tuple(values)
            if len(values) != width:
                values = (values + empty)[:width]
            if _blank(values):
                pending += 1
                if pending >= max_blank_rows:
                    return
                continue
            for _ in range(pending):
                yield empty
            pending = 0
            yield values
    finally:
        data.close()
