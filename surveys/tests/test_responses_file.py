"""The exchange file reader (surveys.responses_file, through core.tabular): what a row becomes, the
problems of a bad one, and the file as Excel saves it."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from core.file_problems import ProblemLog
from surveys import columns
from surveys.questionnaire import load
from surveys.responses_file import ResponsesFileError, read_responses, read_rows

QUESTIONNAIRE = load().questionnaire
ITEMS = list(QUESTIONNAIRE.items)


def named(key):
    """How problems name a column: its Vietnamese header (surveys.columns)."""
    return columns.names(QUESTIONNAIRE)[key][0]


def csv(header, *rows, sep=","):
    return "\n".join(sep.join(values) for values in [header, *rows]) + "\n"


def test_a_row_becomes_a_response_with_its_other_columns_kept():
    header = ["response_id", *ITEMS, "e2", "unit", "procedure_code", "channel", "date", "gender", "comment"]
    values = ["R1", "5", "", *["4"] * (len(ITEMS) - 2), "3", "QLDN", "1.001", "paper", "09/03/2026", "female", "Tốt"]
    (response,) = read_responses(csv(header, values), QUESTIONNAIRE)
    assert (response.response_id, response.unit, response.procedure_code, response.channel) == (
        "R1",
        "QLDN",
        "1.001",
        "paper",
    )
    assert response.date == dt.date(2026, 3, 9) and response.row == 2 and response.valid
    assert response.answers["q15"] == 5 and response.answers["q16"] is None and response.answers["e2"] == 3
    assert "e1" not in response.answers  # an expectation column the file does not have
    assert response.extra == {"gender": "female", "comment": "Tốt"}


def test_headers_are_read_as_people_type_them_and_semicolons_as_excel_saves_them():
    header = ["\ufeffResponse_ID", *(code.upper() for code in ITEMS), "Date"]
    text = csv(header, ["R1", *["4"] * len(ITEMS), "2026-03-09"], sep=";")
    (response,) = read_responses(text.encode("utf-8"), QUESTIONNAIRE)
    assert response.response_id == "R1" and response.answers["q33"] == 4 and response.date == dt.date(2026, 3, 9)


def test_every_problem_with_its_row_column_and_value():
    header = ["response_id", *ITEMS, "e1", "channel", "date"]
    rows = [
        ["A", "0", *["4"] * (len(ITEMS) - 1), "4", "zalo", "2026-02-30"],
        ["", *["4"] * len(ITEMS), "", "", ""],
        ["B", *["4"] * len(ITEMS), "", "", ""],
        ["B", *["x"] * len(ITEMS), "", "", ""],
    ]
    with pytest.raises(ResponsesFileError) as refused:
        read_responses(csv(header, *rows), QUESTIONNAIRE)
    found = {(p.row, p.column, p.value, p.reason) for p in refused.value.problems}
    assert (2, named("q15"), "0", _("an answer from 1 to %(top)s, or blank") % {"top": 5}) in found
    assert (2, named("e1"), "4", _("an answer from 1 to %(top)s, or blank") % {"top": 3}) in found
    channels = _("write one of: %(list)s") % {"list": "trực tuyến, tại quầy, phiếu giấy"}
    assert (2, named("channel"), "zalo", channels) in found
    assert (2, named("date"), "2026-02-30", _("not a date: write it as dd/mm/yyyy")) in found
    assert (3, named("response_id"), "", _("required")) in found
    assert (5, named("response_id"), "B", _("duplicate of row %(row)s") % {"row": 4}) in found
    assert not any(p.row == 4 for p in refused.value.problems)


def test_given_a_log_the_rows_with_problems_come_back_marked():
    problems = ProblemLog()
    header = ["response_id", *ITEMS]
    table = [header, ["A", *["4"] * len(ITEMS)], ["B", "9", *["4"] * (len(ITEMS) - 1)]]
    rows = read_rows(table, QUESTIONNAIRE, problems)
    assert [(r.response_id, r.valid) for r in rows] == [("A", True), ("B", False)] and problems.total == 1


def test_a_wrong_header_or_a_file_that_is_not_utf8_is_refused_whole():
    with pytest.raises(ResponsesFileError) as refused:
        read_rows([["response_id", "q15"], ["A", "4"]], QUESTIONNAIRE, ProblemLog())  # even given a log
    assert {p.column for p in refused.value.problems} == {named(code) for code in ITEMS[1:]}
    assert {p.reason for p in refused.value.problems} == {_("required column missing (header row)")}
    with pytest.raises(ResponsesFileError) as refused:
        read_responses(csv(["response_id", *ITEMS], ["Đ", *["4"] * len(ITEMS)]).encode("cp1258"), QUESTIONNAIRE)
    assert refused.value.problems[0].row == 1 and "UTF-8" in refused.value.problems[0].reason


def test_the_vietnamese_headers_and_channel_words_are_read_as_the_codes():
    """The template's and the exports' headers ("Mã phiếu", "Tiêu chí 15", "Kênh"...), typed
    with or without accents, and a channel as people write it ("phiếu giấy", "tại quầy")."""
    header = ["Mã phiếu", *(f"Tieu chi {columns.item_number(c)}" for c in ITEMS), "MĐ1", "Đơn vị", "Kênh", "Ngày"]
    rows = [
        ["R1", *["4"] * len(ITEMS), "3", "QLDN", "Phiếu giấy", "09/03/2026"],
        ["R2", *["5"] * len(ITEMS), "", "", "tai quay", "10/03/2026"],
    ]
    first, second = read_responses(csv(header, *rows), QUESTIONNAIRE)
    assert (first.response_id, first.unit, first.channel, first.answers["q33"], first.answers["e1"]) == (
        "R1",
        "QLDN",
        "paper",
        4,
        3,
    )
    assert (second.channel, second.date) == ("direct", dt.date(2026, 3, 10))
