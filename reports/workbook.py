"""A periodic report's annex tables as an Excel workbook with native numbers and dates: one sheet
per table, each with its title, period and source above (written by core.workbook). The plan's
appendices: reports.plan_document.plan_workbook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.workbook import Sheet, workbook_bytes
from reports.figures import Table

CM = 4.5  # the tables' widths are in cm (as in the DOCX); in a sheet's characters, roughly


def characters(widths: Sequence[float]) -> list[float]:
    return [width * CM for width in widths]


def table_sheet(table: Table, heading: str) -> Sheet:
    """A table of the report, its total row in bold."""
    rows: list[Sequence[Any]] = [list(row) for row in table.rows]
    bold = set()
    if table.total is not None:
        rows.append(list(table.total))
        bold.add(len(rows) - 1)
    return Sheet(
        name=table.key,
        heading=table.title,
        subtitle=[heading, table.period, f"Nguồn: {table.source}"],
        header=table.header,
        rows=rows,
        widths=characters(table.widths),
        bold_rows=bold,
        frozen_columns=1,
    )


def tables_workbook(tables: list[Table], heading: str) -> bytes:
    return workbook_bytes(table_sheet(table, heading) for table in tables)
