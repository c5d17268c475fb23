"""The Excel file of assigned tasks (plans.assigned_file): the Government Office's export read as
it is, problems named by row and column, a file with any problem refused whole, and the template
filled in imports."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from plans import assigned
from plans.assigned_file import parse_issuer, parse_report, parse_status, read_assigned, template_workbook
from plans.models import AssignedTask

D = dt.date
TODAY = D(2026, 11, 20)
EXPORT_HEADER = [
    "STT",
    "Số ký hiệu văn bản",
    "Ngày văn bản",
    "Trích yếu",
    "Người giao / Cơ quan giao",
    "Nội dung nhiệm vụ",
    "Hạn xử lý",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Tình trạng",
    "Ngày hoàn thành",
    "Số/ngày báo cáo",
]


def workbook(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_row(n, **cells):
    row = {
        "STT": n,
        "Số ký hiệu văn bản": f"{1000 + n}/UBND-KT",
        "Ngày văn bản": D(2026, 3, 2),  # an Excel date cell
        "Trích yếu": "V/v triển khai nền tảng số",
        "Người giao / Cơ quan giao": "Phó Chủ tịch UBND tỉnh Đoàn Thu Hà",
        "Nội dung nhiệm vụ": f"Nhiệm vụ số {n}",
        "Hạn xử lý": "15/04/2026",  # typed as text
        "Đơn vị chủ trì": "Phòng Quản lý Doanh nghiệp",
        "Đơn vị phối hợp": "KHTH; Sở Công Thương",
        "Tình trạng": "Đang thực hiện",
        "Ngày hoàn thành": None,
        "Số/ngày báo cáo": "",
    } | cells
    return [row[h] for h in EXPORT_HEADER]


def test_the_export_of_the_tracking_system_reads_as_it_is(org):
    rows = [
        export_row(1),
        export_row(
            2,
            **{
                "Tình trạng": "Hoàn thành quá hạn",
                "Ngày hoàn thành": "20/04/2026",
                "Số/ngày báo cáo": "215/BC-BQLKKTCK ngày 21/04/2026",
            },
        ),
        export_row(3, **{"Số ký hiệu văn bản": "1001/UBND-KT", "Đơn vị chủ trì": org.agency.name}),
    ]
    parsed = read_assigned(workbook(EXPORT_HEADER, rows), agency=org.agency)
    assert parsed.ok, parsed.errors
    first, done, same_document = parsed.rows
    assert first.code == "1001/UBND-KT" and same_document.code == "1001/UBND-KT#2"
    assert first.data["issuer"] == AssignedTask.Issuer.VICE_CHAIRMAN
    assert first.data["due_date"] == D(2026, 4, 15) and first.data["document_date"] == D(2026, 3, 2)
    assert first.data["lead_unit"] == org.unit_a and first.data["coordinating_units"] == [org.unit_b]
    assert "Sở Công Thương" in first.data["note"]  # another body: kept in the note
    assert done.data["status"] == "done" and done.data["completed_on"] == D(2026, 4, 20)
    assert (done.data["report_number"], done.data["report_date"]) == ("215/BC-BQLKKTCK", D(2026, 4, 21))
    assert same_document.data["lead_unit"] is None  # the agency as a whole


def test_a_bad_date_in_row_7_names_row_7_and_its_column_and_nothing_is_written(org):
    rows = [export_row(n) for n in range(1, 8)]
    rows[5][EXPORT_HEADER.index("Hạn xử lý")] = "31/02/2026"  # the sixth data row: row 7 of the sheet
    data = workbook(EXPORT_HEADER, rows)
    parsed = read_assigned(data, agency=org.agency)
    assert parsed.problems.total == 1
    [problem] = parsed.errors
    assert (problem.row, problem.column, problem.value) == (7, "Hạn xử lý", "31/02/2026")
    assert "dd/mm/yyyy" in problem.reason
    assert not parsed.ok
    assert not AssignedTask.objects.exists()


def test_every_problem_is_listed_with_its_row(org):
    rows = [
        export_row(1, **{"Đơn vị chủ trì": "Phòng không có"}),
        export_row(2, **{"Tình trạng": "Hoàn thành"}),  # done without its date
        export_row(3, **{"Nội dung nhiệm vụ": None}),
        export_row(4, **{"Tình trạng": "???"}),
    ]
    parsed = read_assigned(workbook(EXPORT_HEADER, rows), agency=org.agency)
    assert [(p.row, p.column) for p in parsed.errors] == [
        (2, "Đơn vị chủ trì"),
        (3, "Ngày hoàn thành"),
        (4, "Nội dung nhiệm vụ"),
        (5, "Tình trạng"),
    ]


def test_headers_without_accents_and_other_names_are_understood(org):
    header = ["so hieu van ban", "NGAY BAN HANH", "noi dung", "thoi han", "chu tri", "ma"]
    rows = [["88/UBND-NC", "02/03/2026", "Rà soát TTHC", "30/04/2026", "VP", "VPCP-0001"]]
    parsed = read_assigned(workbook(header, rows), agency=org.agency)
    assert parsed.ok, parsed.errors
    [row] = parsed.rows
    assert row.code == "VPCP-0001" and row.data["lead_unit"].code == "VP" and "issuer" not in row.data


def test_a_missing_required_column_is_a_problem_of_the_header(org):
    parsed = read_assigned(workbook(["Số ký hiệu văn bản", "Nội dung nhiệm vụ"], [["1/UBND", "x"]]), agency=org.agency)
    assert [(p.row, p.column) for p in parsed.errors] == [(1, "Ngày văn bản")]


def test_not_a_workbook(org):
    parsed = read_assigned(b"not a workbook", agency=org.agency)
    assert parsed.problems.total == 1 and not parsed.rows


def test_the_template_filled_in_imports(org):
    data = template_workbook(org.agency)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Nhiệm vụ được giao", "Hướng dẫn"]
    guide = [row[0] for row in wb["Hướng dẫn"].iter_rows(values_only=True)]
    assert "Hạn xử lý" in guide and "Số/ngày báo cáo" in guide
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.append(
        [
            2,
            "",
            "1502/UBND-KT",
            D(2026, 11, 2),
            "Trích yếu",
            "UBND tỉnh",
            "Phân luồng phương tiện",
            D(2026, 12, 15),
            "TTQLCK",
            "QHXD",
            "Hoàn thành",
            D(2026, 12, 1),
            "600/BC-BQLKKTCK ngày 01/12/2026",
            "",
        ][: len(header)]
    )
    out = io.BytesIO()
    wb.save(out)
    parsed = read_assigned(out.getvalue(), agency=org.agency)
    assert parsed.ok, parsed.errors
    example, filled = parsed.rows
    assert example.code == "VD-01/UBND-KT"  # the example row, as the guide says
    assert filled.data["lead_unit"].code == "TTQLCK" and filled.data["completed_on"] == D(2026, 12, 1)
    result = assigned.import_assigned(
        actor=org.office, agency=org.agency, rows=[(r.code, r.data) for r in parsed.rows], today=D(2026, 12, 5)
    )
    assert (result.created, result.updated) == (2, 0)
    again = read_assigned(out.getvalue(), agency=org.agency)
    assert all(r.exists for r in again.rows)
    result = assigned.import_assigned(
        actor=org.office, agency=org.agency, rows=[(r.code, r.data) for r in again.rows], today=D(2026, 12, 5)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Đang thực hiện", "open"),
        ("Chưa hoàn thành", "open"),
        ("Quá hạn", "open"),
        ("Hoàn thành", "done"),
        ("Đã hoàn thành đúng hạn", "done"),
        ("Hoàn thành quá hạn", "done"),
        ("Thu hồi", "withdrawn"),
        ("Dừng thực hiện", "withdrawn"),
    ],
)
def test_status_words(text, status):
    assert parse_status(text) == status


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("Phó Chủ tịch UBND tỉnh Đoàn Thu Hà", "vice_chairman"),
        ("Chủ tịch UBND tỉnh", "chairman"),
        ("UBND tỉnh Lạng Sơn", "province"),
        ("Bộ Công Thương", "ministry"),
        ("Tỉnh ủy", "other"),
    ],
)
def test_issuer_words(text, issuer):
    assert parse_issuer(text) == issuer


def test_report_number_and_date_in_one_cell():
    assert parse_report("215/BC-BQLKKTCK ngày 21/4/2026") == ("215/BC-BQLKKTCK", D(2026, 4, 21))
    assert parse_report("215/BC-BQLKKTCK, 21/04/2026") == ("215/BC-BQLKKTCK", D(2026, 4, 21))
    assert parse_report("215/BC-BQLKKTCK") == ("215/BC-BQLKKTCK", None)
