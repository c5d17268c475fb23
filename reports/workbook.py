"""The annex tables as an Excel workbook with native numbers and dates: one sheet per table of a
periodic report, or per appendix of the plan, each with its title, period and source above."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import sheets
from reports.figures import Table

HEADER_FILL = PatternFill("solid", fgColor="E6EDF6")
PERCENT_FORMAT = "0.00"  # rates are stored as percentages (84.30), not fractions
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet_name(text: str, used: set[str]) -> str:
    name = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Bảng"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _write(ws, title: str, subtitle: list[str], header: list[str], rows: list[list], widths: list[float], bold=()):
    sheets.append(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    for line in subtitle:
        sheets.append(ws, [line])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    ws.append([])
    sheets.append(ws, header)
    header_row = ws.max_row
    for column in range(1, len(header) + 1):
        c = ws.cell(row=header_row, column=column)
        c.font, c.fill, c.alignment = Font(bold=True), HEADER_FILL, WRAP
    for index, row in enumerate(rows):
        sheets.append(ws, row)
        for column, value in enumerate(row, start=1):
            c = ws.cell(row=ws.max_row, column=column)
            if isinstance(value, Decimal):
                c.number_format = PERCENT_FORMAT
            elif hasattr(value, "strftime"):
                c.number_format = "DD/MM/YYYY"
            elif isinstance(value, str):
                c.alignment = WRAP
            if index in bold:
                c.font = Font(bold=True)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width * 4.5  # cm -> characters, roughly
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    return header_row


def tables_workbook(tables: list[Table], heading: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table.key if table.key != "766" else "766", used))
        rows = [list(row) for row in table.rows]
        bold = set()
        if table.total is not None:
            rows.append(list(table.total))
            bold.add(len(rows) - 1)
        _write(
            ws, table.title, [heading, table.period, f"Nguồn: {table.source}"], table.header, rows, table.widths, bold
        )
    return sheets.to_bytes(wb)


def plan_workbook(plan, appendices: dict[str, tuple[list[list], set[int]]], titles: dict[str, str]) -> bytes:  # noqa: E501
    """The plan's appendices: `appendices` maps I, II to (rows, bold group rows)."""
    from reports.documents import APPENDIX_HEADER, APPENDIX_WIDTHS

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for appendix, (rows, bold) in appendices.items():
        ws = wb.create_sheet(_sheet_name(f"Phụ lục {appendix}", used))
        _write(
            ws,
            f"Phụ lục {appendix}: {titles[appendix]}",
            [f"Kèm theo Kế hoạch {plan.number} của {plan.agency.name}".strip()],
            APPENDIX_HEADER,
            rows,
            APPENDIX_WIDTHS,
            bold,
        )
    return sheets.to_bytes(wb)
