"""core.workbook: the one writer of every export: native values, the shared header style, safe text."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.workbook import (
    Sheet,
    add_sheet,
    csv_bytes,
    csv_dict_bytes,
    new_workbook,
    sheet_name,
    to_bytes,
    workbook_bytes,
)


def _sheet(**kwargs):
    values = {
        "name": "Bảng [1]",
        "header": ["Mã", "Điểm", "Ngày", "Lúc"],
        "rows": [
            ["=HYPERLINK(1)", Decimal("1.50"), dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 8, 30)],
            ["B", 2, None, None],
        ],
    }
    return Sheet(**(values | kwargs))


@pytest.mark.parametrize("stream", [False, True])
def test_values_stay_native_and_text_stays_text(stream):
    ws = load_workbook(io.BytesIO(workbook_bytes([_sheet()], stream=stream))).active
    assert ws.title == "Bảng 1"  # [] are not allowed in a tab name
    assert [c.value for c in ws[1]] == ["Mã", "Điểm", "Ngày", "Lúc"]
    formula, points, day, moment = ws[2]
    assert formula.data_type == "s" and formula.value == "=HYPERLINK(1)"  # never a formula
    assert points.value == 1.5 and points.number_format == "0.00"
    assert day.number_format == "DD/MM/YYYY" and day.value == dt.datetime(2026, 1, 2)
    assert moment.number_format == "DD/MM/YYYY HH:MM"
    assert ws["B3"].value == 2 and ws["B3"].number_format == "General"
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("stream", [False, True])
def test_heading_subtitle_widths_bold_rows_and_frozen_columns(stream):
    sheet = _sheet(heading="Báo cáo", subtitle=["Kỳ: 2026"], widths=[8, 20], bold_rows=[1], frozen_columns=1)
    ws = load_workbook(io.BytesIO(workbook_bytes([sheet], stream=stream))).active
    assert ws["A1"].value == "Báo cáo" and ws["A1"].font.b and ws["A1"].font.sz == 13
    assert ws["A2"].value == "Kỳ: 2026" and ws["A2"].font.i
    assert ws["A3"].value is None
    header = ws[4]
    assert [c.value for c in header] == ["Mã", "Điểm", "Ngày", "Lúc"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("E6EDF6") for c in header)
    assert not ws["A5"].font.b and ws["A6"].font.b  # the second data row is bold
    assert ws.freeze_panes == "B5"
    assert ws.column_dimensions["A"].width == 8 and ws.column_dimensions["B"].width == 20


def test_number_formats_override_the_type_default():
    sheet = _sheet(number_formats={1: "0.0"})
    ws = load_workbook(io.BytesIO(workbook_bytes([sheet]))).active
    assert ws["B2"].number_format == "0.0"


def test_sheet_names_are_unique_and_short():
    used: set[str] = set()
    assert sheet_name("x" * 40, used) == "x" * 31
    assert sheet_name("x" * 40, used) == "x" * 27 + " (2)"
    assert sheet_name("a/b:c", used) == "abc"
    assert sheet_name("[]", used) == "Sheet"


def test_a_template_can_add_what_it_needs_to_its_sheet():
    wb = new_workbook()
    ws = add_sheet(wb, _sheet(name="Mẫu"))
    ws.merge_cells("A10:D10")
    book = load_workbook(io.BytesIO(to_bytes(wb)))
    assert book.sheetnames == ["Mẫu"] and "A10:D10" in book["Mẫu"].merged_cells


def test_csv_has_a_bom_for_excel_and_quotes_formula_like_text():
    data = csv_bytes(["Mã", "Số"], [["=1+2", 3], ["Đồng Đăng", None]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["Mã,Số", "'=1+2,3", "Đồng Đăng,"]
    named = csv_dict_bytes(["a", "b"], [{"a": "@x", "b": 1}])
    assert named.decode("utf-8-sig").splitlines() == ["a,b", "'@x,1"]
