"""The scoring table as an Excel workbook (what the Office sends or files with the report)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import sheets
from scorecards.templatetags.par_ui import declared_text

HEADERS = [
    ("Mã", 9),
    ("Tiêu chí", 60),
    ("Điểm tối đa", 11),
    ("Giá trị kê khai", 22),
    ("Tự chấm", 10),
    ("Thẩm định lần 1", 12),
    ("Thẩm định lần 2", 12),
    ("Kết quả", 10),
    ("Giải trình của cơ quan", 40),
    ("Lý do thẩm định", 40),
    ("Tài liệu kiểm chứng", 50),
]
GROUP_FILL = PatternFill("solid", fgColor="E6EDF6")


def scorecard_workbook(card, table: dict) -> bytes:
    """`table` is what the scoring screen shows (views._table): rows, adjustments, results."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng điểm"
    sheets.append(ws, [f"{card.agency.name} · {card.round.name} · {card.round.criteria_set}"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    ws.append([name for name, _width in HEADERS])
    for index, (_name, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        ws.cell(row=3, column=index).font = Font(bold=True)
    ws.freeze_panes = "C4"
    for row in table["rows"] + table["adjustments"]:
        score = row.get("score")
        node = row["node"]
        res = row["res"]
        if row["block"]:
            points = [row["items"][c] if score else None for c in ("self", "a1", "a2", "final")]
            code = ("+" if row["block"] == "bonus" else "−") + row["code"]
        else:
            points = [res[c].points if res[c] else None for c in ("self", "a1", "a2", "final")]
            code = row["code"]
        values = [code, ("    " * (row["depth"] - 1)) + node.name, node.max]
        if score is None:
            values += [None, *points]
        else:
            reasons = "; ".join(r for r in (score.a1_reason, score.a2_reason, score.final_reason) if r)
            documents = "\n".join(
                f"{link.document.doc_number} {link.document.issued_on or ''} {link.document.abstract}".strip()
                for link in row.get("evidence", [])
            )
            values += [
                declared_text(score.declared),
                *points,
                "\n".join(filter(None, [score.note, score.explanation])),
                reasons,
                documents,
            ]
        sheets.append(ws, [float(v) if hasattr(v, "as_tuple") else v for v in values])
        current = ws.max_row
        for column in range(1, len(HEADERS) + 1):
            cell = ws.cell(row=current, column=column)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if score is None:
                cell.font = Font(bold=True)
                cell.fill = GROUP_FILL
            if 3 <= column <= 8:
                cell.number_format = "0.00"
    ws.append([])
    for _key, label, result in table["summary"]:
        sheets.append(
            ws,
            [
                None,
                f"Tổng điểm ({label})",
                result.applicable_max and float(result.applicable_max),
                None,
                float(result.total),
                None,
                None,
                None,
                f"Chỉ số {result.index_percent}% · {result.classification}",
            ],
        )
    return sheets.to_bytes(wb)
