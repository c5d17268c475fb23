"""The feedback file of the 766 indicators (feedback.file, feedback_pakn.md §6): every problem
located by row and column, and `service_quality --feedback` reading it."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from feedback.file import FeedbackFileError, read_feedback

T = dt.datetime


HEADER = "feedback_code,received_at,status,answered_at,published_at,rated_unsatisfied,repeated\n"


def test_the_file_reader_locates_every_problem():
    text = HEADER + (
        "F1,27/08/2026 09:00,published,10/09/2026 10:00,11/09/2026 08:00,0,0\n"
        "F2,2026-08-28,lost,,,0,0\n"
        "F1,31/02/2026,published,,,2,yes\n"
        "F4,2026-08-28T09:00,published,2026-08-27T09:00,,0,0\n"
    )
    with pytest.raises(FeedbackFileError) as refused:
        read_feedback(text)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (3, "status"),
        (4, "feedback_code"),
        (4, "received_at"),
        (4, "rated_unsatisfied"),
        (4, "repeated"),
        (5, "answered_at"),
    }
    good = read_feedback(HEADER + "F1,27/08/2026 09:00,answered,10/09/2026 10:00,,1,0\n")
    assert good[0].rated_unsatisfied and good[0].answered_at == T(2026, 9, 10, 10)


def test_the_command_adds_the_feedback_indicators(tmp_path):
    path = tmp_path / "pakn.csv"
    path.write_text(
        HEADER
        + "A,2026-06-01 09:00,published,2026-06-10 09:00,2026-06-11 09:00,0,0\n"
        + "B,2026-06-01 09:00,published,2026-06-30 09:00,,1,0\n",
        encoding="utf-8-sig",
    )
    out = io.StringIO()
    call_command(
        "service_quality",
        "--feedback",
        str(path),
        "--from",
        "2026-04-01",
        "--to",
        "2026-06-30",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["indicators"]["feedback_on_time_rate"]["rate"] == "50.00"
    assert data["indicators"]["feedback_satisfaction"]["rate"] == "50.00"
    assert data["feedback_counts"]["overdue"] == 1 and "on_time_rate" not in data["indicators"]


def test_the_command_refuses_a_bad_feedback_file(tmp_path, capsys):
    path = tmp_path / "pakn.csv"
    path.write_text(HEADER + "A,hôm qua,published,,,0,0\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        call_command("service_quality", "--feedback", str(path), "--from", "2026-04-01", "--to", "2026-06-30")
    assert stopped.value.code == 2
    assert "row 2, column received_at: 'hôm qua'" in capsys.readouterr().err


def test_excel_csv_with_a_byte_order_mark_semicolons_and_capitalised_headers():
    text = "\ufeffFeedback_Code;Received_At;STATUS;answered_at;published_at;rated_unsatisfied;repeated\n"
    text += "F1;27/08/2026 09:00;Published;10/09/2026 10:00;;;\n\n"
    (read,) = read_feedback(text.encode("utf-8"))
    assert (read.code, read.status, read.received_at) == ("F1", "published", T(2026, 8, 27, 9))
    assert (read.rated_unsatisfied, read.repeated, read.published_at) == (False, False, None)


def test_an_answered_status_needs_the_answer_time_and_messages_are_vietnamese():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(FeedbackFileError) as refused:
        read_feedback(HEADER + "F1,27/08/2026 09:00,closed,,,0,0\nF2,27/08/2026 09:00,lost,,,0,0\n")
    reasons = {(p.row, p.column): p.reason for p in refused.value.problems}
    assert reasons == {(2, "answered_at"): "bắt buộc với trạng thái closed", (3, "status"): reasons[(3, "status")]}
    assert reasons[(3, "status")].startswith("dùng một trong: received, not_accepted")


def test_a_missing_column_or_a_file_that_is_not_utf8_is_refused_whole():
    with pytest.raises(FeedbackFileError) as missing:
        read_feedback("feedback_code,status\nF1,published\n")
    assert {(p.row, p.column) for p in missing.value.problems} == {(1, "received_at")}
    with pytest.raises(FeedbackFileError) as latin:
        read_feedback((HEADER + "F1,27/08/2026 09:00,received,,,0,0\ncafé").encode("latin-1"))
    assert [p.row for p in latin.value.problems] == [1] and "UTF-8" in latin.value.problems[0].reason
