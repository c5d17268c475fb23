"""A workbook that declares a huge range (security review M7): `<dimension ref="A1:XFD1048576"/>`
makes openpyxl's read-only mode give rows of 16,384 empty cells, and an empty `<row r="1048576"/>`
a million of them; a 1.6 KB file kept the import worker busy for 48 minutes. Every workbook
reader reads it in bounded work: the work is counted (rows and cells openpyxl hands out), never
timed."""

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _read_only

from plans.excel import COLUMNS as PLAN_COLUMNS
from plans.excel import parse_plan_workbook
from procedures import catalogue
from procedures.dossier_file import DossierReader, xlsx_records
from scorecards.criteria_export import export_workbook
from scorecards.criteria_import import read_workbook
from surveys.importing import workbook_rows

ROW_BUDGET = 1_100  # per sheet: the header, the data rows and the blank rows before the reader stops
FAR_ROW = b'<row r="1048576"/>'  # an empty row at the sheet's end: a million rows in between


def dimension_bomb(data: bytes, *, far_row: bool) -> bytes:
    """`data` with every sheet declaring A1:XFD1048576 (and, with far_row, an empty last row)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb"<dimension ref=\"[^\"]*\"/>", b'<dimension ref="A1:XFD1048576"/>', content)
                assert b"A1:XFD1048576" in content
                if far_row:
                    content = content.replace(b"</sheetData>", FAR_ROW + b"</sheetData>")
            bomb.writestr(info.filename, content)
    return out.getvalue()


def sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    for values in rows:
        wb.active.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Visits:
    """Counts what openpyxl's read-only sheets hand out, and stops the reader (AssertionError)
    as soon as a row is wider than its sheet's header or a sheet gives more than ROW_BUDGET rows."""

    def __init__(self, monkeypatch, widths: dict[str, int]):
        self.rows: dict[str, int] = {}
        self.cells = 0
        self.widths = widths
        original = _read_only.ReadOnlyWorksheet._cells_by_row
        visits = self

        def counted(ws, *args, **kwargs):
            for values in original(ws, *args, **kwargs):
                visits.rows[ws.title] = visits.rows.get(ws.title, 0) + 1
                visits.cells += len(values)
                width = visits.widths.get(ws.title, max(visits.widths.values()))
                assert len(values) <= width, f"{ws.title}: a row of {len(values)} cells (header: {width})"
                assert visits.rows[ws.title] <= ROW_BUDGET, f"{ws.title}: more than {ROW_BUDGET} rows read"
                yield values

        monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", counted)


@pytest.fixture(params=[False, True], ids=["declared-range", "declared-range-and-far-row"])
def far_row(request):
    return request.param


def test_the_bomb_is_tiny_and_declares_the_whole_sheet(far_row):
    bomb = dimension_bomb(sheet([["a", "b"], [1, 2], [3, 4]]), far_row=far_row)
    assert len(bomb) < 6 * 1024
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(bomb), read_only=True).worksheets[0].max_column == 16384


def test_the_dossier_import_reads_the_bomb_in_bounded_work(monkeypatch, far_row, cal):
    header = ["dossier_code", "received_at", "status", "due_at"]
    data = [["HS-1", "02/03/2026 09:00", "received", "10/03/2026"], ["HS-2", "03/03/2026 09:00", "received", ""]]
    bomb = dimension_bomb(sheet([header, *data]), far_row=far_row)
    visits = Visits(monkeypatch, {"Sheet": len(header)})
    reader = DossierReader(cal)
    rows = list(reader.rows(xlsx_records(io.BytesIO(bomb))))
    assert [row.code for row in rows] == ["HS-1"]
    assert reader.rows_read == 2 and [p.row for p in reader.problems] == [3]  # (HS-2 has no due date)
    assert visits.rows["Sheet"] <= ROW_BUDGET and visits.cells <= ROW_BUDGET * len(header)


def test_the_plan_import_reads_the_bomb_in_bounded_work(monkeypatch, far_row):
    header = [vi for _key, vi, _required, _width in PLAN_COLUMNS]
    row = {key: "" for key, *_rest in PLAN_COLUMNS} | {
        "title": "Nhiệm vụ",
        "lead_unit": "VP",
        "expected_product": "Báo cáo",
        "deadline": dt.date(2026, 9, 30),
    }
    rows = [[row[key] if key != "code" else f"T{n}" for key, *_rest in PLAN_COLUMNS] for n in (1, 2)]
    bomb = dimension_bomb(sheet([header, *rows]), far_row=far_row)
    visits = Visits(monkeypatch, {"Sheet": len(header)})
    parsed = parse_plan_workbook(bomb, units={"vp": 1}, sections=set())
    assert [r["code"] for r in parsed.rows] == ["T1", "T2"] and not parsed.errors
    assert visits.rows["Sheet"] <= ROW_BUDGET


def test_the_sipas_import_reads_the_bomb_in_bounded_work(monkeypatch, far_row):
    header = ["response_id", "q15", "date"]
    bomb = dimension_bomb(sheet([header, ["P1", 4, "2026-03-02"], ["P2", 5, "2026-03-03"]]), far_row=far_row)
    visits = Visits(monkeypatch, {"Sheet": len(header)})
    rows = workbook_rows(bomb)
    assert rows == [header, ["P1", "4", "2026-03-02"], ["P2", "5", "2026-03-03"]]
    assert visits.rows["Sheet"] <= ROW_BUDGET


def test_the_catalogue_import_reads_the_bomb_in_bounded_work(monkeypatch, far_row):
    header = ["Mã TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết"]
    bomb = dimension_bomb(sheet([header, ["1.001", "Cấp phép", 5], ["1.002", "Đăng ký", 10]]), far_row=far_row)
    visits = Visits(monkeypatch, {"Sheet": len(header)})
    parsed = catalogue.parse(bomb)
    assert not parsed.errors and [r["code"] for r in parsed.rows] == ["1.001", "1.002"]
    assert visits.rows["Sheet"] <= ROW_BUDGET


def test_the_criteria_import_reads_the_bomb_in_bounded_work(monkeypatch, far_row):
    from openpyxl import load_workbook

    from scorecards.files import read_yaml
    from scorecards.loader import DEMO_SET

    definition = read_yaml(DEMO_SET)
    data = export_workbook(definition)
    widths = {ws.title: ws.max_column for ws in load_workbook(io.BytesIO(data)).worksheets}
    bomb = dimension_bomb(data, far_row=far_row)
    visits = Visits(monkeypatch, widths)
    read = read_workbook(bomb, source="bomb.xlsx")
    assert read["code"] == definition["code"] and len(read["nodes"]) == len(definition["nodes"])
    assert all(count <= ROW_BUDGET for count in visits.rows.values()) and set(visits.rows) == set(widths)


def test_blank_rows_keep_row_numbers_and_a_long_run_of_them_ends_the_sheet():
    from openpyxl import load_workbook

    from core import sheets

    wb = Workbook()
    ws = wb.active
    ws.append(["a", "b", None])
    ws["A2"], ws["B6"], ws["D6"] = 1, 2, "no header: not read"
    ws.cell(row=6 + sheets.MAX_BLANK_ROWS + 1, column=1, value="after the run of blank rows")
    out = io.BytesIO()
    wb.save(out)
    read = list(sheets.rows(load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0]))
    assert read == [("a", "b"), (1, None), (None, None), (None, None), (None, None), (None, 2)]
