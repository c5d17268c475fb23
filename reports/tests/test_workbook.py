"""The annex tables as a workbook (reports.workbook): one sheet per table with native numbers and
dates; the plan's appendices."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from reports.tests.helpers import D, make_report, produce


def test_the_report_workbook_has_native_numbers(org, tasks, dossiers):
    _item, data = produce(org, "report_xlsx", report=make_report(org, kind="q1"))
    wb = load_workbook(io.BytesIO(data))
    # the appendices as the report numbers them (Roman numerals), in Vietnamese
    assert wb.sheetnames == [f"Phụ lục {n}" for n in ("I", "II", "III", "IV", "V", "VI")]
    ws = wb["Phụ lục III"]  # biểu 06a
    assert "15/12/2025" in ws["A3"].value and "14/03/2026" in ws["A3"].value and ws["A4"].value.startswith("Nguồn:")
    header = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Lĩnh vực")
    assert header[1:3] == ("Số hồ sơ tiếp nhận: Tổng số", "Số hồ sơ tiếp nhận: Trực tuyến")
    last = [c.value for c in ws[ws.max_row]]
    assert last == ["Tổng cộng", 6, 2, 3, 1, 3, 2, 0, 1, 3, 2, 1]
    assert all(isinstance(v, int) for v in last[1:])
    rates = wb["Phụ lục IV"]  # the 766 indicators
    on_time = next(row for row in rates.iter_rows(values_only=True) if str(row[0]).startswith("2.1"))
    # the window to its cut-off 14/03: D1, D5, D6 early and D4 not yet due count; D2 late, D3 overdue
    assert on_time[1:3] == (4, 6)
    assert on_time[3] == pytest.approx(66.67)


def test_the_plan_workbook(org, tasks, plan):
    _item, data = produce(org, "plan_xlsx", plan=plan)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II"]
    rows = list(wb["Phụ lục I"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:2] == ("STT", "Nhiệm vụ")
    numbered = [row for row in rows[1:] if isinstance(row[0], int)]
    assert [row[0] for row in numbered] == [1, 2, 3]
    assert any(isinstance(row[4], dt.datetime) and row[4].date() == D(2026, 4, 30) for row in numbered)


def test_each_sheet_has_its_title_period_and_source_above_a_frozen_header(org, tasks):
    report = make_report(org, kind="q1")
    _item, data = produce(org, "report_xlsx", report=report)
    ws = load_workbook(io.BytesIO(data))["Phụ lục I"]
    assert ws["A1"].value == "Kết quả thực hiện nhiệm vụ cải cách hành chính theo lĩnh vực" and ws["A1"].font.b
    assert ws["A2"].value == f"{org.agency.name}: {report.title}" and ws["A2"].font.i
    assert ws["A3"].value == "Số liệu từ ngày 15/12/2025 đến hết ngày 14/03/2026 (ngày chốt số liệu 14/03/2026)"
    assert ws["A4"].value == "Nguồn: Kế hoạch số 125/KH-BQLKKTCK; hệ thống theo dõi nhiệm vụ"
    assert ws["A6"].value == "Lĩnh vực" and ws["A6"].font.b and ws["A6"].fill.fgColor.rgb.endswith("E6EDF6")
    assert ws.freeze_panes == "B7"  # the header and the first column stay in view
    assert ws.column_dimensions["A"].width == pytest.approx(9.7 * 4.5)  # the DOCX's cm, in characters
    total = ws[ws.max_row]
    assert total[0].value == "Tổng cộng" and all(c.font.b for c in total)
    assert not any(c.font.b for c in ws[ws.max_row - 1])


def test_rates_keep_two_decimals_and_dates_their_day(org, tasks, dossiers, plan):
    _item, data = produce(org, "report_xlsx", report=make_report(org, kind="q1"))
    rates = load_workbook(io.BytesIO(data))["Phụ lục IV"]
    rate_cells = [row[3] for row in rates.iter_rows(min_row=10) if isinstance(row[3].value, int | float)]
    assert rate_cells and all(c.number_format == "0.00" for c in rate_cells)
    _item, data = produce(org, "plan_xlsx", plan=plan)
    ws = load_workbook(io.BytesIO(data))["Phụ lục I"]
    deadlines = [row[4] for row in ws.iter_rows(min_row=5) if isinstance(row[0].value, int)]
    assert deadlines and all(c.number_format == "DD/MM/YYYY" for c in deadlines)
    reference = f"(Kèm theo Kế hoạch số 125/KH-BQLKKTCK ngày     tháng      năm 2026 của {org.agency.name})"
    assert ws["A2"].value == reference  # the DOCX's line (reports/tests/test_plan_document.py)
