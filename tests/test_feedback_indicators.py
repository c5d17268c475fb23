"""The Decision 766 feedback indicators on hand-checked data (feedback_pakn.md §4 and §6,
service_quality_766.md §3), and `service_quality --feedback` from a file."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.deadlines import day_zero
from core.reference import shipped_calendar
from feedback.file import FeedbackFileError, read_feedback
from feedback.indicators import Feedback, answer_due, count, figures, overdue_at

T = dt.datetime
CAL = shipped_calendar()


def test_the_worked_example_of_the_deadlines():
    # received Thu 27/08/2026 (31/08-02/09 are days off): reject by 03/09, request information or
    # forward by 08/09, answer by 22/09; published 2 working days after 22/09: 24/09
    received = T(2026, 8, 27, 9, 0)
    day0 = day_zero(received, CAL)
    assert day0 == dt.date(2026, 8, 27)
    assert CAL.add_working_days(day0, 2) == dt.date(2026, 9, 3)
    assert CAL.add_working_days(day0, 5) == dt.date(2026, 9, 8)
    assert answer_due(received, CAL) == T(2026, 9, 22, 23, 59, 59)
    assert CAL.add_working_days(dt.date(2026, 9, 22), 2) == dt.date(2026, 9, 24)
    # after the 15:00 cut-off day 0 is the next working day, so the answer is due a day later
    assert answer_due(T(2026, 8, 27, 15, 30), CAL) == T(2026, 9, 23, 23, 59, 59)


def item(code, received, status="published", answered=None, **flags):
    return Feedback(code=code, received_at=received, status=status, answered_at=answered, **flags)


Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_satisfaction_of_the_domain_example():
    # 20 received in Q2, all answered on time; one rated unsatisfied, one overdue -> 18 / 20 = 90 %
    base = [item(f"F{n}", T(2026, 4, 6, 9), answered=T(2026, 4, 10, 9)) for n in range(18)]
    unsatisfied = item("U", T(2026, 4, 6, 9), answered=T(2026, 4, 10, 9), rated_unsatisfied=True)
    late = item("L", T(2026, 4, 6, 9), answered=T(2026, 5, 20, 9))
    result = figures(count([*base, unsatisfied, late], *Q2, CAL))
    assert result["feedback_satisfaction"].rate == 90
    # the unsatisfied item is also the overdue one -> 19 / 20 = 95 %
    both = item("B", T(2026, 4, 6, 9), answered=T(2026, 5, 20, 9), rated_unsatisfied=True)
    extra = item("E", T(2026, 4, 6, 9), answered=T(2026, 4, 10, 9))
    assert figures(count([*base, both, extra], *Q2, CAL))["feedback_satisfaction"].rate == 95


def test_on_time_rate_counts_what_the_period_can_see():
    # received Mon 01/06/2026: due at the end of the 15th working day, Mon 22/06
    received = T(2026, 6, 1, 9)
    assert answer_due(received, CAL) == T(2026, 6, 22, 23, 59, 59)
    items = [
        item("on-time", received, answered=T(2026, 6, 22, 16)),
        item("late", received, answered=T(2026, 6, 23, 8)),
        item("open, not due", T(2026, 6, 25, 9), status="processing"),  # due in July
        item("open, overdue", received, status="processing"),
        item("answered in July, late", received, answered=T(2026, 7, 2, 9)),  # overdue at 30/06 already
        item("answered in July, due in July", T(2026, 6, 20, 9), answered=T(2026, 7, 10, 9)),
        item("answered before the period", T(2026, 3, 2, 9), answered=T(2026, 3, 20, 9)),
        item("received after the period", T(2026, 7, 1, 9), status="received"),
        item("not accepted", received, status="not_accepted"),
        item("forwarded", received, status="forwarded"),
    ]
    counts = count(items, *Q2, CAL)
    assert (counts.on_time, counts.in_scope) == (3, 6)
    result = figures(counts)
    assert result["feedback_on_time_rate"].rate == 50
    assert result["feedback_on_time_rate"].points == Decimal("2.5")  # 5 points x 50 %
    # received in Q2: all but the March and the July ones (8); none of unsatisfied, overdue,
    # repeated: on-time, open-not-due, due-in-July, not accepted, forwarded
    assert (counts.received, counts.satisfied, counts.overdue) == (8, 5, 3)
    assert result["feedback_satisfaction"].rate == Decimal("62.5")


def test_nothing_received_is_no_data_not_zero():
    result = figures(count([], *Q2, CAL))
    assert result["feedback_on_time_rate"].rate is None and result["feedback_satisfaction"].points is None


def test_repeated_items_are_not_satisfied():
    items = [item("R", T(2026, 4, 6, 9), answered=T(2026, 4, 8, 9), repeated=True)]
    assert figures(count(items, *Q2, CAL))["feedback_satisfaction"].rate == 0
    assert not overdue_at(items[0], Q2[1], CAL)


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
