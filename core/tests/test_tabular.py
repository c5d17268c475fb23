"""core.tabular: the one table reader of every import: headers by alias, problems by row and column."""

import pytest

from core.file_problems import FileError, ProblemLog
from core.tabular import Column, Table, csv_rows, text_of


def _day(text: str) -> int:
    if not text.isdigit():
        raise ValueError("không phải số")
    return int(text)


TABLE = Table(
    [
        Column("code", "Mã hồ sơ", aliases=("ma", "dossier_code"), required=True, unique=True),
        Column("days", "Số ngày", parse=_day),
        Column("note", "Ghi chú", present=True),
    ]
)


def _read(rows):
    problems = ProblemLog()
    return list(TABLE.read(rows, problems)), problems


def test_headers_match_by_alias_without_accents_case_or_stars():
    rows, problems = _read([["MA HO SO *", "so  ngay", "ghi chu", "Khác"], ["A1", "3", "x", "y"]])
    assert problems.total == 0
    (row,) = rows
    assert row.number == 2 and row["code"] == "A1" and row["days"] == 3 and row["note"] == "x"
    assert row.extra == {"Khác": "y"} and row.ok


def test_a_missing_required_column_stops_the_reading_at_the_header():
    rows, problems = _read([["Số ngày"], ["3"]])
    assert rows == []
    assert [(p.row, p.column) for p in problems.problems] == [(1, "Mã hồ sơ"), (1, "Ghi chú")]


def test_a_column_given_twice_is_a_problem():
    _rows, problems = _read([["ma", "dossier_code", "ghi chu"]])
    assert problems.total == 1 and problems.problems[0].row == 1


def test_problems_name_row_column_and_value_and_blank_rows_are_skipped():
    rows, problems = _read(
        [["Mã hồ sơ", "Số ngày", "Ghi chú"], ["A1", "x", ""], ["", "", ""], ["A1", "2", ""], ["", "4", ""]]
    )
    assert [(p.row, p.column, p.value) for p in problems.problems] == [
        (2, "Số ngày", "x"),
        (4, "Mã hồ sơ", "A1"),
        (5, "Mã hồ sơ", ""),
    ]
    assert "không phải số" in problems.problems[0].reason
    assert [r.ok for r in rows] == [False, False, False]
    assert rows[0]["days"] is None


def test_max_rows_is_a_problem_and_stops():
    rows, problems = [], ProblemLog()
    rows = list(TABLE.read([["ma", "ghi chu"], ["a", ""], ["b", ""], ["c", ""]], problems, max_rows=2))
    assert len(rows) == 2 and problems.total == 1 and problems.problems[0].row == 4


def test_cells_read_as_typed():
    assert text_of(None) == "" and text_of(3.0) == "3" and text_of(" x ") == "x" and text_of("'=1") == "=1"


def test_csv_rows_reads_excel_csv_and_refuses_other_encodings():
    assert list(csv_rows("\ufeffa;b\n1;2\n".encode())) == [["a", "b"], ["1", "2"]]
    assert list(csv_rows("a,b\n1,2\n")) == [["a", "b"], ["1", "2"]]
    with pytest.raises(FileError) as caught:
        csv_rows("Mã".encode("utf-16"))
    assert caught.value.problems[0].row == 1
