"""plans.excel without a database: the plan file's columns and parsers, the template and the
register export."""

import datetime as dt
import io

import openpyxl
import pytest

from plans import excel
from plans.excel import COLUMNS, MESSAGES, parse_date, parse_plan_workbook

UNITS = {"qldn": 1, "phong quan ly doanh nghiep": 1, "vp": 2, "khth": 3}


def workbook(*rows, header=None):
    wb = openpyxl.Workbook()
    wb.active.append(header or [label for _key, label, _required, _width in COLUMNS])
    for row in rows:
        wb.active.append([row.get(key) for key, *_rest in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


ROW = {"code": "N01", "title": "Rà soát", "lead_unit": "QLDN", "expected_product": "Báo cáo", "deadline": "30/12/2026"}


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("30/12/2026", dt.date(2026, 12, 30)),
        ("2026-12-30", dt.date(2026, 12, 30)),
        ("30-12-2026", dt.date(2026, 12, 30)),
        ("2026-12-30 00:00:00", dt.date(2026, 12, 30)),  # a date cell as the reader gives it
        ("46386", dt.date(2026, 12, 30)),  # an Excel serial number
    ],
)
def test_dates_as_people_and_excel_write_them(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2026", "0", "2958466", "mai", "30.12.2026", "nan"])
def test_what_is_not_a_date(text):
    with pytest.raises(ValueError, match=str(MESSAGES["bad_date"])):
        parse_date(text)


def test_a_good_row_becomes_ids_dates_and_numbers():
    row = {**ROW, "coordinating_units": "VP; khth, Phòng Quản lý Doanh nghiệp, vp", "par_domain": 3}
    row |= {"recurrence": "Hằng quý", "recurrence_day": 20, "start_date": dt.date(2026, 9, 1)}
    parsed = parse_plan_workbook(workbook(row), units=UNITS, sections=set())
    assert parsed.ok and parsed.errors == []
    (task,) = parsed.rows
    assert task["row"] == 2 and task["code"] == "N01" and task["lead_unit"] == "QLDN" and task["lead_unit_id"] == 1
    assert task["coordinating_unit_ids"] == [2, 3, 1]  # each unit once, in the order given
    assert (task["start_date"], task["deadline"]) == (dt.date(2026, 9, 1), dt.date(2026, 12, 30))
    assert (task["recurrence"], task["recurrence_day"], task["par_domain"]) == ("quarterly", 20, 3)


def test_headers_are_matched_without_accents_case_or_the_required_mark():
    header = [f" {label.upper()} *" for _key, label, _required, _width in COLUMNS]
    header[0] = "ma nhiem vu"
    parsed = parse_plan_workbook(workbook(ROW, header=header), units=UNITS, sections=set())
    assert parsed.ok and parsed.rows[0]["code"] == "N01"


def test_each_problem_names_its_row_column_and_value():
    rows = [
        {**ROW, "section": "IX", "par_domain": 9, "sipas_element": "gia", "recurrence": "hằng tuần"},
        {**ROW, "code": "N02", "deadline": None, "start_date": "01/01/2027", "title": "x" * 301},
        {**ROW, "code": "N03", "deadline": "01/01/2026", "start_date": "01/02/2026", "lead_unit": "Phòng ma"},
    ]
    parsed = parse_plan_workbook(workbook(*rows), units=UNITS, sections={"II.1.a"})
    found = {(e.row, e.column, e.value, e.reason) for e in parsed.errors}
    said = {key: str(message) for key, message in MESSAGES.items()}
    assert found == {
        (2, "Mục kế hoạch", "IX", said["unknown_section"]),
        (2, "Lĩnh vực PAR (1-8)", "9", said["bad_number"]),
        (2, "Yếu tố SIPAS", "gia", said["bad_sipas"]),
        (2, "Định kỳ", "hằng tuần", said["bad_recurrence"]),
        (3, "Tên nhiệm vụ", "x" * 301, said["too_long"]),
        (3, "Thời hạn hoàn thành", "", said["deadline_or_recurrence"]),
        (4, "Đơn vị chủ trì", "Phòng ma", said["unknown_unit"]),
        (4, "Thời hạn hoàn thành", "01/01/2026", said["before_start"]),
    }
    assert not parsed.ok and parsed.problems.total == 8


def test_empty_files_say_what_is_missing():
    empty = openpyxl.Workbook()
    buffer = io.BytesIO()
    empty.save(buffer)
    assert [e.reason for e in parse_plan_workbook(buffer.getvalue(), units=UNITS, sections=set()).errors] == [
        str(MESSAGES["empty"])
    ]
    header_only = parse_plan_workbook(workbook(), units=UNITS, sections=set())
    assert [(e.row, e.reason) for e in header_only.errors] == [(2, str(MESSAGES["no_rows"]))]


def test_too_many_rows_stop_the_reading(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    rows = [{**ROW, "code": f"N{n}"} for n in range(4)]
    parsed = parse_plan_workbook(workbook(*rows), units=UNITS, sections=set())
    assert len(parsed.rows) == 2 and [e.row for e in parsed.errors] == [4]


def test_the_template_offers_lists_to_pick_from():
    ws = openpyxl.load_workbook(io.BytesIO(excel.template_workbook(["QLDN", "VP"]))).active
    assert [c.value for c in ws[1]][:4] == ["Mã nhiệm vụ *", "Mục kế hoạch", "Phụ lục", "Tên nhiệm vụ *"]
    assert ws["H2"].value == "QLDN" and ws["K2"].value.date() == dt.date(2026, 9, 30)
    assert ws["K2"].number_format == "DD/MM/YYYY" and ws.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {"L2:L2000": '"hằng tháng,hằng quý,6 tháng,hằng năm"', "H2:H2000": '"QLDN,VP"'}


def test_the_register_keeps_native_values():
    moment = dt.datetime(2026, 12, 1, 9, 30)
    row = ["N01", "II.1.a", "=1+1", "QLDN", "", dt.date(2026, 1, 5), dt.date(2026, 12, 30), "", "BC", "", "Đang"]
    row += [40, dt.date(2026, 12, 30), 2, "", moment]
    ws = openpyxl.load_workbook(io.BytesIO(excel.export_tasks([row]))).active
    assert [c.value for c in ws[1]] == excel.EXPORT_HEADERS and ws.freeze_panes == "A2"
    values = [c.value for c in ws[2]]
    assert values[2] == "=1+1" and ws["C2"].data_type == "s"  # text, never a formula
    assert values[11] == 40 and values[5] == dt.datetime(2026, 1, 5) and values[15] == moment
    assert ws["F2"].number_format == "DD/MM/YYYY" and ws["P2"].number_format == "DD/MM/YYYY HH:MM"
