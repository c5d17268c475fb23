"""Criteria sets to and from Excel (scorecards.criteria_export and criteria_import): the round trip
of the illustrative set, the layout written for the people who edit it, and the problems an edited
workbook can have, each located on its sheet, row and column. Pure: no database."""

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
import yaml
from django.utils import translation
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.file_problems import FileProblem
from scorecards.criteria import CriteriaError, parse_criteria
from scorecards.criteria_export import ADJ_SHEET, CLASS_SHEET, INFO_SHEET, NODE_SHEET, export_workbook
from scorecards.criteria_import import CriteriaFileError, read_workbook
from scorecards.files import read_yaml
from scorecards.scoring import parse_declared, score

DATA = Path(__file__).resolve().parents[2] / "data" / "criteria"
SAMPLE = DATA / "ls-dept-2026-illustrative.yaml"
DECLARED = DATA / "ls-dept-2026-declared-example.yaml"
SOURCE = "tieu-chi.xlsx"


def sample_data() -> dict:
    return read_yaml(SAMPLE)


def read(content: bytes) -> dict:
    return read_workbook(io.BytesIO(content), source=SOURCE)


@pytest.fixture(autouse=True)
def _english():
    """The reasons are checked in their source language (the page shows them in Vietnamese)."""
    with translation.override("en"):
        yield


@dataclass(frozen=True)
class Shown:
    """A problem as these tests compare it: where ((row, "sheet › column")) and what is said
    (the cell's value, quoted, then the reason, as the page shows it after the place)."""

    where: tuple[int, str]
    message: str
    problem: FileProblem


def shown(problem: FileProblem) -> Shown:
    return Shown((problem.row, problem.column), str(problem).split(": ", 1)[1], problem)


def problems_of(content: bytes) -> list[Shown]:
    with pytest.raises(CriteriaFileError) as exc:
        read(content)
    assert exc.value.total == len(exc.value.problems)  # fewer than MAX_PROBLEMS: all are kept
    return [shown(p) for p in exc.value.problems]


def edited(edit: Callable[[Workbook], None], data: dict | None = None) -> bytes:
    """The export of `data` (the illustrative set by default) after an edit made as a user would."""
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(data or sample_data())))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def column_of(ws: Worksheet, label: str) -> int:
    for cell in ws[1]:
        if cell.value == label:
            return cell.column
    raise AssertionError(f"no column {label} on {ws.title}")


def row_of(ws: Worksheet, code: str, column: str = "Mã") -> int:
    col = column_of(ws, column)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=col).value == code:
            return row
    raise AssertionError(f"no row {code} on {ws.title}")


def where(sheet: str, row: int | None = None, column: str = "") -> tuple[int, str]:
    """A cell, a column (on the header row) or a whole sheet (on its header row too)."""
    return (row or 1, f"{sheet} › {column}" if column else sheet)


def set_cell(wb: Workbook, sheet: str, locate: str | int, column: str, value) -> int:
    """Writes `value` on the row of code `locate` (or row number `locate`); returns the row."""
    ws = wb[sheet]
    row = locate if isinstance(locate, int) else row_of(ws, locate)
    ws.cell(row=row, column=column_of(ws, column)).value = value
    return row


def node_row(code: str) -> int:
    """The row of a node of the illustrative set on the exported sheet Tiêu chí."""
    ws = openpyxl.load_workbook(io.BytesIO(export_workbook(sample_data())))[NODE_SHEET]
    return row_of(ws, code)


def small_set(**changes) -> dict:
    """A definition in exactly the plain shape read_workbook returns (ints and exact decimal text)."""
    data = {
        "code": "T-2026",
        "name": "Bộ thử",
        "year": 2026,
        "scale": 10,
        "rescale_missing_survey": False,
        "total_cap": "10.5",
        "description": "Mô tả\nhai dòng",
        "legal_basis": "Quyết định 1/QĐ-UBND",
        "unit_group": "Sở, ban, ngành",
        "classification": [{"label": "Tốt", "min": "85.5"}, {"label": "Khác", "min": 0}],
        "nodes": [
            {
                "code": "1",
                "name": "Nhóm một",
                "max": 6,
                "guidance": "Nhóm có hướng dẫn",
                "children": [
                    {
                        "code": "1.1",
                        "name": "Mức có dấu chấm phẩy",
                        "max": "1.25",
                        "source": "self",
                        "rule": {
                            "type": "levels",
                            "levels": [
                                {"label": "Đủ; đúng hạn", "points": "1.25"},
                                {"label": "a=b", "factor": "0.5"},
                                {"label": "Không", "factor": 0},
                            ],
                        },
                        "na": "full",
                        "evidence": ["Văn bản 1", "Văn bản 2"],
                        "guidance": "=SUM(A1:A2) không phải công thức\ndòng hai",
                    },
                    {
                        "code": "1.10",
                        "name": "Mã 1.10 khác 1.1",
                        "max": "4.75",
                        "source": "survey",
                        "rule": {"type": "per_item", "points_per_item": "0.25"},
                        "metric": "sipas_index",
                    },
                ],
            },
            {
                "code": "2",
                "name": "Lá cấp một",
                "max": 4,
                "source": "external",
                "rule": {"type": "proportional", "target": "0.8"},
                "na": "exclude",
                "metric": "online_rate",
            },
        ],
        "adjustments": {"penalty": {"cap": 2, "items": [{"code": "P1", "name": "Chậm báo cáo", "max": "0.5"}]}},
    }
    data.update(changes)
    return data


# --- round trip -------------------------------------------------------------------------------------


def test_round_trip_of_the_illustrative_set_scores_identically():
    original = sample_data()
    back = read(export_workbook(original))
    before, after = parse_criteria(original, source="x"), parse_criteria(back, source="x")
    declared = read_yaml(DECLARED)
    result_before = score(before, parse_declared(before, declared))
    result_after = score(after, parse_declared(after, declared))
    assert result_after.as_data(after) == result_before.as_data(before)
    assert result_after.total == D("87.90") and result_after.classification == "A"

    def described(cset):
        return [
            (n.code, n.name, n.max, n.rule, n.evidence, n.guidance, n.source, n.na, n.metric, depth)
            for n, depth in cset.walk()
        ]

    assert described(after) == described(before)
    assert len(described(after)) == 45
    assert after == before  # every other field too: classification, adjustments, rescale, warnings


def test_round_trip_gives_plain_exact_data():
    back = read(export_workbook(sample_data()))
    json.dumps(back)  # storable as JSON
    assert yaml.safe_load(yaml.safe_dump(back, allow_unicode=True)) == back
    node = {n.code: n for n, _ in parse_criteria(back).walk()}
    assert back["nodes"][0]["children"][3]["max"] == "1.5"  # 1.4: exact text, not a float
    assert back["nodes"][0]["children"][1]["rule"] == {"type": "deduction", "per_violation": "0.5"}
    assert node["3.5"].rule.target == D("0.5")
    assert back["adjustments"]["bonus"]["cap"] == 3
    assert [item["code"] for item in back["adjustments"]["penalty"]["items"]] == ["P1", "P2"]


def test_round_trip_keeps_every_optional_field_exactly():
    data = small_set()
    back = read(export_workbook(deepcopy(data)))
    assert back == data


def test_export_layout_is_made_for_people():
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(sample_data())))
    assert wb.sheetnames == [INFO_SHEET, CLASS_SHEET, NODE_SHEET, ADJ_SHEET]
    ws = wb[NODE_SHEET]
    headers = [cell.value for cell in ws[1]]
    assert headers[:5] == ["Mã", "Tên tiêu chí", "Điểm tối đa", "Nguồn số liệu", "Cách chấm"]
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "C2"
    assert all(wb[name].freeze_panes in ("A2", "C2") for name in wb.sheetnames)
    assert ws.column_dimensions["B"].width >= 40
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    letters = {headers.index(label) + 1 for label in ("Nguồn số liệu", "Cách chấm", "Khi không áp dụng")}
    assert validated == {f"{openpyxl.utils.get_column_letter(col)}2" for col in letters}
    # codes are text cells in a text column, so "1.10" stays "1.10"
    code = ws.cell(row=row_of(ws, "1.1"), column=1)
    assert code.data_type == "s" and code.number_format == "@"
    texts = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    col = {label: headers.index(label) for label in headers}
    assert (
        texts["1.3"][col["Các mức"]].value
        == "Đủ kế hoạch, xử lý 100%=2; Có kiểm tra, xử lý chưa đủ=1; Không kiểm tra=0"
    )
    assert texts["1.4"][col["Các mức"]].value == "Đầy đủ=x1; Chưa đầy đủ=x0.5; Không=x0"
    assert texts["1.1.2"][col["Các khoảng"]].value == "100:2; 80:1; 0:0"
    assert texts["1.2"][col["Cách chấm"]].value == "Trừ theo vi phạm"
    assert texts["1.2"][col["Điểm trừ mỗi lỗi"]].value == 0.5
    assert texts["3.4"][col["Khi không áp dụng"]].value == "Tính đủ điểm"
    assert texts["1"][col["Nguồn số liệu"]].value is None  # groups carry no leaf fields
    info = {row[0].value: row[1].value for row in wb[INFO_SHEET].iter_rows(min_row=2)}
    assert info["Mã bộ tiêu chí"] == "LS-DEPT-2026-ILLUSTRATIVE"
    assert info["Chưa điều tra thì loại khỏi mẫu số"] == "có"
    assert (info["Điểm thưởng tối đa"], info["Điểm trừ tối đa"]) == (3, 5)
    assert "Giới hạn tổng điểm" not in info  # only the fields the set has


def test_export_writes_text_never_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(small_set())))
    ws = wb[NODE_SHEET]
    cell = ws.cell(row=row_of(ws, "1.1"), column=column_of(ws, "Hướng dẫn chấm"))
    assert cell.data_type == "s" and cell.value.startswith("=SUM")


def test_export_refuses_a_tree_its_codes_cannot_hold():
    data = small_set()
    data["nodes"][0]["children"][0]["code"] = "A"
    with pytest.raises(CriteriaError, match="node A: cannot be written to Excel: its code must start with 1."):
        export_workbook(data)


def test_english_headers_and_values_are_accepted():
    def english(wb):
        for sheet, names in (
            (NODE_SHEET, {"Mã": "code", "Tên tiêu chí": "name", "Điểm tối đa": "max", "Cách chấm": "rule type"}),
            (INFO_SHEET, {"Mục": "field", "Giá trị": "value"}),
            (CLASS_SHEET, {"Xếp loại": "label", "Chỉ số từ (%)": "min"}),
        ):
            for cell in wb[sheet][1]:
                cell.value = names.get(cell.value, cell.value)
        ws = wb[NODE_SHEET]
        for row in range(2, ws.max_row + 1):
            source, rule = ws.cell(row=row, column=4), ws.cell(row=row, column=5)
            source.value = {"Tự đánh giá": "self", "Nguồn bên ngoài": "EXTERNAL"}.get(source.value, source.value)
            rule.value = {"Đạt/Không đạt": "binary", "Theo mức": "levels"}.get(rule.value, rule.value)
        wb[INFO_SHEET]["A2"] = "code"
        wb[ADJ_SHEET]["A2"] = "bonus"
        wb[NODE_SHEET].title = "Tieu chi"  # sheet names match without diacritics

    back = read(edited(english))
    assert parse_criteria(back) == parse_criteria(sample_data())


def test_read_accepts_bytes():
    assert read_workbook(export_workbook(small_set()), source=SOURCE) == small_set()


# --- codes typed as numbers -----------------------------------------------------------------------


def test_codes_typed_as_numbers_come_back_as_text():
    def as_numbers(wb):
        ws = wb[NODE_SHEET]
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=1)
            if cell.value.count(".") <= 1:  # "1.1.1" cannot be a number
                cell.value = float(cell.value) if "." in cell.value else int(cell.value)
                cell.number_format = "General"
        wb[INFO_SHEET]["B2"] = 2026.0  # a set code typed as a number too

    content = edited(as_numbers)
    raw = openpyxl.load_workbook(io.BytesIO(content))[NODE_SHEET]
    assert {type(raw.cell(row=row, column=1).value) for row in range(2, raw.max_row + 1)} == {int, float, str}
    back = read(content)
    assert back["code"] == "2026"
    top = back["nodes"][0]
    assert (top["code"], top["children"][0]["code"], top["children"][1]["code"]) == ("1", "1.1", "1.2")
    before, after = parse_criteria(sample_data()), parse_criteria(back)
    assert [n.code for n, _ in after.walk()] == [n.code for n, _ in before.walk()]
    assert after.nodes == before.nodes


def test_code_1_10_typed_as_a_number_is_reported():
    content = edited(lambda wb: set_cell(wb, NODE_SHEET, "1.10", "Mã", 1.10), small_set())
    problems = problems_of(content)
    assert [p.where for p in problems] == [where(NODE_SHEET, 4, "Mã")]
    assert problems[0].message.startswith("duplicate code 1.1 (first on row 3); the cell holds the number 1.1")
    assert "type codes as text" in problems[0].message


def test_code_turned_into_a_date_is_reported():
    content = edited(lambda wb: set_cell(wb, NODE_SHEET, "1.2", "Mã", dt.datetime(2026, 2, 1)))
    problems = problems_of(content)
    assert problems[0].where == where(NODE_SHEET, node_row("1.2"), "Mã")
    assert "date" in problems[0].message


# --- problems ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"code;name\n1;Tieu chi\n",
        b"",
        b"PK\x03\x04 not really a zip",
    ],
)
def test_a_file_that_is_not_xlsx(content):
    problems = problems_of(content)
    assert [p.problem for p in problems] == [
        FileProblem(1, "", "", "not an Excel workbook (.xlsx): save the file as Excel Workbook")
    ]


def test_a_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in problems_of(buf.getvalue())[0].message


def test_missing_sheet():
    problems = problems_of(edited(lambda wb: wb.remove(wb[CLASS_SHEET])))
    assert [p.where for p in problems] == [where(CLASS_SHEET)]
    assert problems[0].message.startswith("the sheet is missing")


def test_missing_required_header():
    def rename(wb):
        wb[NODE_SHEET]["C1"] = "Điểm"
        wb[ADJ_SHEET]["A1"] = None

    problems = problems_of(edited(rename))
    assert [(p.where, p.message) for p in problems] == [
        (where(NODE_SHEET, 1, "Điểm tối đa"), "the required column is missing"),
        (where(ADJ_SHEET, 1, "Loại"), "the required column is missing"),
    ]


@pytest.mark.parametrize(
    ("sheet", "locate", "column", "value", "message"),
    [
        (NODE_SHEET, "1.2", "Tên tiêu chí", "  ", "the cell is empty"),
        (NODE_SHEET, "1.2", "Điểm tối đa", "hai", "'hai' is not a number"),
        (NODE_SHEET, "1.2", "Điểm tối đa", 0, "must be greater than 0, got 0"),
        (NODE_SHEET, "1.2", "Nguồn số liệu", "Tự làm", "unknown value 'Tự làm'; expected one of: Tự đánh giá,"),
        (NODE_SHEET, "1.2", "Nguồn số liệu", None, "the cell is empty; choose one of"),
        (NODE_SHEET, "1.2", "Cách chấm", "Cảm tính", "unknown value 'Cảm tính'; expected one of: Đạt/Không đạt,"),
        (NODE_SHEET, "1.2", "Khi không áp dụng", "Bỏ qua", "unknown value 'Bỏ qua'; expected one of: Loại khỏi"),
        (NODE_SHEET, "1.2", "Điểm trừ mỗi lỗi", None, "the cell is empty; a number is needed"),
        (NODE_SHEET, "1.2", "Tỷ lệ mục tiêu", 0.5, "only used with the rule 'Tỷ lệ so với mục tiêu'"),
        (NODE_SHEET, "1.2", "Các khoảng", "100:2", "only used with the rule 'Theo khoảng tỷ lệ'"),
        (NODE_SHEET, "1.3", "Các mức", None, "the rule 'Theo mức' needs its levels here"),
        (NODE_SHEET, "1.3", "Các mức", "Đủ=2; Có kiểm tra 1; Không=0", "part 2 'Có kiểm tra 1' is not label=points"),
        (NODE_SHEET, "1.4", "Các mức", "Đầy đủ=x1; Chưa đủ=xnửa", "part 2 'Chưa đủ=xnửa': 'nửa' is not a number"),
        (NODE_SHEET, "1.1.2", "Các khoảng", "100:2; 80-1; 0:0", "part 2 '80-1' is not min:points"),
        (NODE_SHEET, "1.1.2", "Các khoảng", "100:2; 80:một", "part 2 '80:một': min and points must be numbers"),
        (NODE_SHEET, "1.1", "Nguồn số liệu", "Tự đánh giá", "1.1 has sub-criteria (such as 1.1.1), so this cell"),
        (NODE_SHEET, "1", "Tài liệu kiểm chứng", "Báo cáo", "1 has sub-criteria (such as 1.1), so this cell"),
        (CLASS_SHEET, 3, "Chỉ số từ (%)", "tám mươi", "'tám mươi' is not a number"),
        (CLASS_SHEET, 3, "Xếp loại", None, "the cell is empty"),
        (ADJ_SHEET, 2, "Loại", "cộng trừ", "unknown value 'cộng trừ'; expected one of: thưởng, trừ"),
        (ADJ_SHEET, 2, "Điểm tối đa", "một", "'một' is not a number"),
        (ADJ_SHEET, 2, "Nội dung", None, "the cell is empty"),
        (INFO_SHEET, 4, "Giá trị", 2026.5, "'2026.5' is not a year such as 2026"),
        (INFO_SHEET, 5, "Giá trị", "-100", "must be greater than 0, got -100"),
        (INFO_SHEET, 6, "Giá trị", "chưa rõ", "'chưa rõ' is not có or không"),
        (INFO_SHEET, 6, "Mục", "Thang đo", "unknown field 'Thang đo'; expected one of: Mã bộ tiêu chí;"),
    ],
)
def test_a_bad_cell_is_reported_on_its_sheet_row_and_column(sheet, locate, column, value, message):
    rows = []
    content = edited(lambda wb: rows.append(set_cell(wb, sheet, locate, column, value)))
    problems = problems_of(content)
    assert [p.where for p in problems] == [where(sheet, rows[0], column)]
    assert message in problems[0].message
    assert str(problems[0].problem) == f"row {rows[0]}, column {sheet} › {column}: {problems[0].message}"


def test_empty_code():
    problems = problems_of(edited(lambda wb: set_cell(wb, NODE_SHEET, "1.2", "Mã", None)))
    assert [(p.where, p.message) for p in problems] == [(where(NODE_SHEET, node_row("1.2"), "Mã"), "the code is empty")]


def test_duplicate_code():
    problems = problems_of(edited(lambda wb: set_cell(wb, NODE_SHEET, "1.3", "Mã", "1.2")))
    assert [(p.where, p.message) for p in problems] == [
        (where(NODE_SHEET, node_row("1.3"), "Mã"), f"duplicate code 1.2 (first on row {node_row('1.2')})")
    ]


def test_duplicate_adjustment_code():
    problems = problems_of(edited(lambda wb: set_cell(wb, ADJ_SHEET, "B2", "Mã", "B1")))
    assert [(p.where, p.message) for p in problems] == [
        (where(ADJ_SHEET, 3, "Mã"), "duplicate code B1 (first on row 2)")
    ]


def test_parent_without_a_row():
    problems = problems_of(edited(lambda wb: set_cell(wb, NODE_SHEET, "1.6", "Mã", "9.1")))
    assert [(p.where, p.message) for p in problems] == [
        (where(NODE_SHEET, node_row("1.6"), "Mã"), "the parent 9 has no row: add it above this row")
    ]


def test_parent_below_its_child():
    def swap(wb):
        ws = wb[NODE_SHEET]
        first, second = row_of(ws, "1.1"), row_of(ws, "1.1.1")
        for col in range(1, ws.max_column + 1):
            a, b = ws.cell(row=first, column=col), ws.cell(row=second, column=col)
            a.value, b.value = b.value, a.value

    problems = problems_of(edited(swap))
    assert [(p.where, p.message) for p in problems] == [
        (where(NODE_SHEET, 3, "Mã"), "the parent 1.1 is below, on row 4: move it up")
    ]


def test_skipped_level_takes_the_longest_existing_prefix():
    def renumber(wb):
        set_cell(wb, NODE_SHEET, "1.6", "Mã", "1.9.1")  # no 1.9 row: the parent is 1

    back = read(edited(renumber))
    assert [child["code"] for child in back["nodes"][0]["children"]][-1] == "1.9.1"


def test_every_problem_is_reported_at_once():
    def break_many(wb):
        set_cell(wb, NODE_SHEET, "1.2", "Điểm tối đa", "hai")
        set_cell(wb, NODE_SHEET, "2.1", "Nguồn số liệu", "?")
        set_cell(wb, NODE_SHEET, "3.3", "Các khoảng", "100:4; 98")
        set_cell(wb, CLASS_SHEET, 2, "Chỉ số từ (%)", "chín mươi")
        set_cell(wb, ADJ_SHEET, 4, "Loại", "phạt")
        wb[INFO_SHEET].delete_rows(4)  # the year

    problems = problems_of(edited(break_many))
    wheres = [p.where for p in problems]
    assert wheres == [
        where(INFO_SHEET, None, "Mục"),
        where(CLASS_SHEET, 2, "Chỉ số từ (%)"),
        where(NODE_SHEET, node_row("1.2"), "Điểm tối đa"),
        where(NODE_SHEET, node_row("2.1"), "Nguồn số liệu"),
        where(NODE_SHEET, node_row("3.3"), "Các khoảng"),
        where(ADJ_SHEET, 4, "Loại"),
    ]
    assert problems[0].message == "the row 'Năm' (year) is missing"
    assert "part 2 '98' is not min:points" in problems[4].message
    lines = CriteriaFileError([p.problem for p in problems], len(problems)).lines(SOURCE)
    said = f"{SOURCE}: row 2, column {CLASS_SHEET} › Chỉ số từ (%): 'chín mươi' is not a number"
    assert len(lines) == 6 and lines[1] == said


def test_bonus_items_need_their_cap():
    problems = problems_of(edited(lambda wb: wb[INFO_SHEET].delete_rows(7)))  # Điểm thưởng tối đa
    assert [(p.where, p.message) for p in problems] == [
        (
            where(INFO_SHEET, None, "Mục"),
            f"the row 'Điểm thưởng tối đa' is missing: the sheet {ADJ_SHEET} lists thưởng items",
        )
    ]


def test_rule_problems_found_by_parse_criteria_are_located_too():
    def edit(wb):
        set_cell(wb, NODE_SHEET, "1.3", "Các mức", "Tốt=5; Đạt=1")  # 5 points on a max of 2
        set_cell(wb, CLASS_SHEET, 3, "Chỉ số từ (%)", 95)  # thresholds out of order
        set_cell(wb, ADJ_SHEET, "B1", "Mã", "1.2")  # an item code that is also a node code

    problems = problems_of(edited(edit))
    assert [(p.where, p.message) for p in problems] == [
        (where(CLASS_SHEET, 3), "thresholds must be listed highest first (95 after 90)"),
        (where(NODE_SHEET, node_row("1.3")), "rule: levels[1]: `points` 5 exceed the node's max 2"),
        (where(ADJ_SHEET, 2), "duplicate code 1.2"),
    ]


def test_info_rows_are_checked():
    def edit(wb):
        ws = wb[INFO_SHEET]
        ws.append(["Mô tả", "một"])
        ws.append(["Mô tả", "hai"])
        ws.append([None, "giá trị không có tên"])

    rows = openpyxl.load_workbook(io.BytesIO(export_workbook(sample_data())))[INFO_SHEET].max_row
    problems = problems_of(edited(edit))
    assert [(p.where, p.message) for p in problems] == [
        (where(INFO_SHEET, rows + 2, "Mục"), f"Mô tả is given twice (first on row {rows + 1})"),
        (where(INFO_SHEET, rows + 3, "Mục"), "the field name is empty"),
    ]
