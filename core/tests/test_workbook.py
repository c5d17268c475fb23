"""core.workbook: the one writer of every export: native values, the shared header style, safe text."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.workbook import (
    SIGN_HINT,
    Line,
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


@pytest.mark.parametrize("stream", [False, True])
def test_a_printable_sheet_has_its_page_set_up_borders_and_signature(stream):
    sheet = _sheet(
        heading="SỔ THEO DÕI",
        subtitle=["Từ ngày 01/01/2026 đến ngày 31/03/2026"],
        widths=[8, 12, 14, 18],
        printable=True,
        landscape=True,
        borders=True,
        signature=[Line("Lạng Sơn, ngày … tháng … năm …", italic=True), "NGƯỜI LẬP SỔ", SIGN_HINT],
        signature_columns=2,
    )
    ws = load_workbook(io.BytesIO(workbook_bytes([sheet], stream=stream))).active
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5"
    assert ws.oddFooter.center.text == "Trang &P/&N"
    assert ws.page_margins.left == 0.6 and ws.print_options.horizontalCentered
    assert {"A1:D1", "A2:D2"} <= {str(r) for r in ws.merged_cells.ranges}  # titles centred over the table
    assert ws["A1"].alignment.horizontal == "center"
    header = ws[4]
    assert all(c.border.top.style == "thin" and c.alignment.wrap_text and c.font.b for c in header)
    assert all(c.border.left.style == "thin" for c in ws[6])  # a short row is bordered to the header's width
    assert ws["C5"].number_format == "DD/MM/YYYY" and ws["D5"].number_format == "DD/MM/YYYY HH:MM"
    signature = {c.value: c for row in ws.iter_rows(min_row=7) for c in row if c.value}
    assert list(signature) == ["Lạng Sơn, ngày … tháng … năm …", "NGƯỜI LẬP SỔ", "(Ký và ghi rõ họ tên)"]
    assert signature["NGƯỜI LẬP SỔ"].font.b and signature["(Ký và ghi rõ họ tên)"].font.i
    assert all(c.column_letter == "C" for c in signature.values())  # over the last two columns
    assert {f"C{c.row}:D{c.row}" for c in signature.values()} <= {str(r) for r in ws.merged_cells.ranges}


def test_a_sheet_is_not_set_up_for_print_unless_asked():
    ws = load_workbook(io.BytesIO(workbook_bytes([_sheet()]))).active
    assert ws.page_setup.orientation is None and not ws.print_title_rows
    assert ws["A2"].border.left.style is None


def test_preamble_rows_sit_between_the_titles_and_the_header():
    sheet = _sheet(heading="PHIẾU", preamble=[["Mã hồ sơ:", "H1"], ["Ngày:", dt.date(2026, 1, 2)]], row_height=40)
    ws = load_workbook(io.BytesIO(workbook_bytes([sheet]))).active
    assert [ws["A2"].value, ws["B2"].value, ws["A3"].value] == ["Mã hồ sơ:", "H1", "Ngày:"]
    assert ws["A2"].font.b and ws["B3"].number_format == "DD/MM/YYYY"
    assert ws["A5"].value == "Mã" and ws.freeze_panes == "A6" and ws.row_dimensions[6].height == 40
