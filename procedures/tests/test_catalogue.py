"""procedures.catalogue: the catalogue file read (core.tabular), previewed, committed whole or not
at all, and exported in the same layout."""

import io

from openpyxl import load_workbook

from core.models import AuditEntry
from procedures import catalogue
from procedures.models import Procedure
from procedures.tests.helpers import workbook

HEADER = [
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Thời hạn giải quyết",
    "Đơn vị tính",
    "Phí, lệ phí",
    "Dịch vụ công trực tuyến",
    "Áp dụng mốc 15 giờ",
]


def test_catalogue_import_previews_then_commits_all_rows(org):
    data = workbook(
        [
            HEADER,
            ["2.001", "Cấp giấy phép lao động", "Lao động", 5, "ngày làm việc", "600.000 đồng", "một phần", "Có"],
            ["2.002", "Cấp phép xây dựng", "Xây dựng", 20, "ngày", "Không", "toàn trình", "Không"],
        ]
    )
    parsed = catalogue.preview(agency=org.agency, data=data)
    assert not parsed.errors and [r["code"] for r in parsed.rows] == ["2.001", "2.002"]
    assert not Procedure.objects.exists()  # preview writes nothing
    catalogue.commit(actor=org.office, agency=org.agency, data=data)
    labour, building = Procedure.objects.order_by("code")
    assert (labour.limit, labour.limit_unit, labour.fee_bearing, labour.online_level) == (
        5,
        "working_days",
        True,
        "partial",
    )
    assert (building.limit_unit, building.fee_bearing, building.apply_cutoff) == ("days", False, False)
    assert AuditEntry.objects.filter(action="procedure.created").count() == 2
    # re-import with one change: one update, audited with before and after
    changed = workbook(
        [HEADER, ["2.001", "Cấp giấy phép lao động", "Lao động", 3, "ngày làm việc", "600.000 đồng", "một phần", "Có"]]
    )
    catalogue.commit(actor=org.office, agency=org.agency, data=changed)
    entry = AuditEntry.objects.get(action="procedure.updated")
    assert entry.changes["limit"] == [5, 3]


def test_a_bad_catalogue_is_refused_whole_with_row_errors(org):
    data = workbook(
        [
            HEADER,
            ["2.001", "Một", "", 5, "ngày làm việc", "", "", ""],
            ["2.001", "", "", "năm", "tuần", "", "trực tuyến", "có lẽ"],
        ]
    )
    parsed = catalogue.commit(actor=org.office, agency=org.agency, data=data)
    found = {(e.row, e.column) for e in parsed.errors}
    assert {
        (3, "Mã TTHC"),
        (3, "Tên thủ tục hành chính"),
        (3, "Thời hạn giải quyết"),
        (3, "Đơn vị tính"),
        (3, "Dịch vụ công trực tuyến"),
        (3, "Áp dụng mốc 15 giờ"),
    } <= found
    assert not Procedure.objects.exists()
    missing = catalogue.parse(workbook([["Mã TTHC", "Lĩnh vực"], ["1", "x"]]))
    assert {e.column for e in missing.errors} == {"Tên thủ tục hành chính", "Thời hạn giải quyết"}
    assert catalogue.parse(b"not a workbook").errors[0].row == 0


def test_values_are_checked_and_defaults_filled_in(org):
    parsed = catalogue.parse(
        workbook(
            [
                ["mã tthc", "TÊN THỦ TỤC HÀNH CHÍNH", "Thời hạn giải quyết", "Phí, lệ phí", "Có thu phí, lệ phí"],
                ["3.001", "Thủ tục A", 7, "Miễn phí", ""],
                ["3.002", "Thủ tục B", 3651, "", "x"],
                ["3.003", "T" * 501, 2, "", "có"],
            ]
        )
    )
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "Thời hạn giải quyết"), (4, "Tên thủ tục hành chính")]
    (first,) = parsed.rows
    assert (first["limit"], first["limit_unit"], first["online_level"]) == (7, "working_days", "none")
    assert (first["fee_bearing"], first["apply_cutoff"], first["paper_result"]) == (False, True, True)
    assert [(e.row, e.column) for e in catalogue.parse(workbook([])).errors] == [(1, "")]  # an empty sheet
    assert catalogue.parse(workbook([HEADER])).errors[0].row == 2  # a header and no rows


def test_catalogue_export_reimports_unchanged(org, procedure):
    data = catalogue.export(Procedure.objects.all())
    parsed = catalogue.preview(agency=org.agency, data=data)
    assert not parsed.errors and parsed.rows[0]["exists"] and parsed.rows[0]["limit"] == 10
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Danh mục TTHC" and sheet["A1"].value == "Mã TTHC" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]][:6] == [
        "1.001",
        "Cấp giấy chứng nhận đăng ký đầu tư",
        None,
        None,
        10,
        "ngày làm việc",
    ]
    assert sheet["G2"].value == "Có" and sheet.column_dimensions["B"].width == 50
