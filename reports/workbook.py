"""The annex tables as an Excel workbook with native numbers and dates: one sheet per table of a
periodic report, or per appendix of the plan, each with its title, period and source above
(written by core.workbook)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.workbook import Sheet, workbook_bytes
from plans.models import Plan
from reports.figures import Table
from reports.plan_document import APPENDIX_HEADER, APPENDIX_WIDTHS

CM = 4.5  # the tables' widths are in cm (as in the DOCX); in a sheet's characters, roughly


def _characters(widths: Sequence[float]) -> list[float]:
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
        widths=_characters(table.widths),
        bold_rows=bold,
        frozen_columns=1,
    )


def tables_workbook(tables: list[Table], heading: str) -> bytes:
    return workbook_bytes(table_sheet(table, heading) for table in tables)


def plan_workbook(plan: Plan, appendices: dict[str, tuple[list[list[Any]], set[int]]], titles: dict[str, str]) -> bytes:
    """The plan's appendices: `appendices` maps I, II to (rows, bold group rows)."""
    return workbook_bytes(
        Sheet(
            name=f"Phụ lục {appendix}",
            heading=f"Phụ lục {appendix}: {titles[appendix]}",
            subtitle=[f"Kèm theo Kế hoạch {plan.number} của {plan.agency.name}".strip()],
            header=APPENDIX_HEADER,
            rows=rows,
            widths=_characters(APPENDIX_WIDTHS),
            bold_rows=bold,
            frozen_columns=1,
        )
        for appendix, (rows, bold) in appendices.items()
    )
