"""A periodic report's appendix tables as an Excel workbook with native numbers and dates: one
sheet per appendix ("Phụ lục I", …), each with its title, the figures' period and cut-off, source
and notes above (written by core.workbook); the same `Figures` tables the DOCX prints, so the same
numbers. The plan's appendices: reports.plan_document.plan_workbook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.workbook import Sheet, workbook_bytes
from reports.figures import Table

CM = 4.5  # the tables' widths are in cm (as in the DOCX); in a sheet's characters, roughly


def characters(widths: Sequence[float]) -> list[float]:
    return [width * CM for width in widths]


def header_of(table: Table) -> list[str]:
    """The columns' headers; under a grouped header (biểu 06a) each names its group too."""
    if not table.groups:
        return list(table.header)
    out, column = [], 0
    for label, span in table.groups:
        for name in table.header[column : column + int(span)]:
            out.append(name if int(span) == 1 else f"{label}: {name}")
        column += int(span)
    return out


def sheet_name(table: Table) -> str:
    return f"Phụ lục {table.number}" if table.number else table.title[:31]


def table_sheet(table: Table, heading: str) -> Sheet:
    """A table of the report, its total row in bold."""
    rows: list[Sequence[Any]] = [list(row) for row in table.rows]
    bold = set()
    if table.total is not None:
        rows.append(list(table.total))
        bold.add(len(rows) - 1)
    return Sheet(
        name=sheet_name(table),
        heading=table.title,
        subtitle=[heading, table.period, f"Nguồn: {table.source}", *table.notes],
        header=header_of(table),
        rows=rows,
        widths=characters(table.widths),
        bold_rows=bold,
        frozen_columns=1,
        printable=True,  # A4 landscape, fitted to the width, the header repeated: as the DOCX's appendices
        landscape=True,
        borders=True,
    )


def tables_workbook(tables: list[Table], heading: str) -> bytes:
    return workbook_bytes(table_sheet(table, heading) for table in tables)
