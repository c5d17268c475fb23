"""The leaders' one page as a workbook (issue 22): the same rows and figures as the page
(`targets.selectors.rows`), one line per target, in the plan's order; headers in Vietnamese, as
the house's other registers (plans/excel.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from core.workbook import Sheet, workbook_bytes
from plans.models import Plan
from targets.selectors import Row

HEADERS = [
    "Mục",
    "Mã",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Chiều",
    "Năm gốc",
    "Giá trị năm gốc",
    "Chỉ tiêu phải đạt",
    "Hạn",
    "Thực hiện",
    "Thực hiện (chi tiết)",
    "Tính đến",
    "Kỳ",
    "Trạng thái",
    "Đơn vị chủ trì",
    "Nguồn số liệu",
    "Cần cơ quan xác nhận",
]
WIDTHS = [9, 10, 50, 10, 12, 9, 12, 12, 12, 11, 22, 12, 18, 14, 28, 32, 14]


def board_rows(rows: Iterable[Row]) -> list[list[Any]]:
    out = []
    for row in rows:
        t, a = row.target, row.actual
        out.append(
            [
                t.section,
                t.code,
                t.name,
                t.unit,
                str(t.get_direction_display()),
                t.baseline_label,
                t.baseline,
                t.target_value,
                t.due_date,
                a.value,
                a.display if a.value is not None else "",
                a.as_of,
                a.period,
                row.status_label,
                t.owner_unit.name if t.owner_unit else "",
                a.source,
                "x" if t.to_be_confirmed else "",
            ]
        )
    return out


def export_board(rows: Iterable[Row], *, plan: Plan | None, today: dt.date) -> bytes:
    heading = "BẢNG ĐIỀU HÀNH KẾT QUẢ THỰC HIỆN CHỈ TIÊU"
    subtitle = [
        f"Kế hoạch {plan.number or plan.title} năm {plan.year}" if plan else "",
        f"Số liệu đến {today:%d/%m/%Y}",
    ]
    sheet = Sheet(
        "Chỉ tiêu",
        HEADERS,
        board_rows(rows),
        heading=heading,
        subtitle=[line for line in subtitle if line],
        widths=WIDTHS,
        frozen_columns=3,
        printable=True,
        landscape=True,
        borders=True,
    )
    return workbook_bytes([sheet])
