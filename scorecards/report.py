"""The scoring table as an Excel workbook (what the Office sends or files with the report)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from core.workbook import Sheet, workbook_bytes
from scorecards.columns import COLUMNS
from scorecards.models import Scorecard
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


def scorecard_workbook(card: Scorecard, table: dict[str, Any]) -> bytes:
    """`table` is what the scoring screen shows (selectors.scoring_table): rows, adjustments, summary.
    Group rows are bold; points are numbers (0.00)."""
    rows = table["rows"] + table["adjustments"]
    lines = [*(_line(row) for row in rows), [], *_summary(table["summary"])]
    sheet = Sheet(
        name="Bảng điểm",
        heading=f"{card.agency.name} · {card.round.name} · {card.round.criteria_set.name}",
        header=[name for name, _width in HEADERS],
        rows=lines,
        widths=[width for _name, width in HEADERS],
        bold_rows=[index for index, row in enumerate(rows) if row.get("score") is None],
        frozen_columns=2,
    )
    return workbook_bytes([sheet])


def _line(row: dict[str, Any]) -> list[Any]:
    score, node, res = row.get("score"), row["node"], row["res"]
    if row["block"]:
        points: list[Decimal | None] = [row["items"][c] if score else None for c in COLUMNS]
        code = ("+" if row["block"] == "bonus" else "−") + row["code"]
    else:
        points = [res[c].points if res[c] else None for c in COLUMNS]
        code = row["code"]
    values: list[Any] = [code, ("    " * (row["depth"] - 1)) + node.name, node.max]
    if score is None:
        return [*values, None, *points]
    reasons = "; ".join(r for r in (score.a1_reason, score.a2_reason, score.final_reason) if r)
    documents = "\n".join(
        f"{link.document.doc_number} {link.document.issued_on or ''} {link.document.abstract}".strip()
        for link in row.get("evidence", [])
    )
    notes = "\n".join(filter(None, [score.note, score.explanation]))
    return [*values, declared_text(score.declared), *points, notes, reasons, documents]


def _summary(summary: Sequence[tuple[str, Any, Any]]) -> Iterator[list[Any]]:
    for _key, label, result in summary:
        yield [
            None,
            f"Tổng điểm ({label})",
            result.applicable_max,
            None,
            result.total,
            None,
            None,
            None,
            f"Chỉ số {result.index_percent}% · {result.classification}",
        ]
