"""The deadlines of a feedback item's steps (feedback.deadlines, pure: no database) on the worked
example of feedback_pakn.md §4: received Thu 27/08/2026, with 31/08-02/09 days off."""

import datetime as dt

import pytest

from core.reference import shipped_calendar
from feedback.deadlines import IntakeDeadlines, StepDays, intake_deadlines, publish_by, urgency

CAL = shipped_calendar()
T = dt.datetime


def test_the_default_days_are_the_national_portals():
    assert StepDays().as_data() == {"reject": 2, "info": 5, "forward": 5, "answer": 15, "publish": 2}


def test_the_worked_example():
    due = intake_deadlines(T(2026, 8, 27, 9, 0), CAL, StepDays())
    assert due == IntakeDeadlines(
        reject=dt.date(2026, 9, 3), info=dt.date(2026, 9, 8), forward=dt.date(2026, 9, 8), answer=dt.date(2026, 9, 22)
    )
    assert due.as_fields() == {
        "due_reject": dt.date(2026, 9, 3),
        "due_info": dt.date(2026, 9, 8),
        "due_forward": dt.date(2026, 9, 8),
        "due_answer": dt.date(2026, 9, 22),
    }


def test_after_the_cut_off_day_zero_is_the_next_working_day():
    assert intake_deadlines(T(2026, 8, 27, 15, 30), CAL, StepDays()).answer == dt.date(2026, 9, 23)
    aware = dt.datetime(2026, 8, 27, 9, 0, tzinfo=dt.UTC)  # 16:00 in Hanoi
    assert intake_deadlines(aware, CAL, StepDays()).answer == dt.date(2026, 9, 23)


def test_other_days_per_step():
    days = StepDays(reject=1, info=3, forward=4, answer=10, publish=5)
    due = intake_deadlines(T(2026, 8, 27, 9, 0), CAL, days)
    assert (due.reject, due.info, due.forward, due.answer) == (
        dt.date(2026, 8, 28),
        dt.date(2026, 9, 4),
        dt.date(2026, 9, 7),
        dt.date(2026, 9, 15),
    )
    assert publish_by(dt.date(2026, 9, 22), CAL, days) == dt.date(2026, 9, 29)


def test_publication_is_due_two_working_days_after_the_approval():
    assert publish_by(dt.date(2026, 9, 22), CAL, StepDays()) == dt.date(2026, 9, 24)
    assert publish_by(dt.date(2026, 8, 28), CAL, StepDays()) == dt.date(2026, 9, 4)  # over the days off


@pytest.mark.parametrize(
    ("due", "flag"),
    [
        (None, ""),
        (dt.date(2026, 9, 9), "overdue"),
        (dt.date(2026, 9, 10), "due_soon"),
        (dt.date(2026, 9, 13), "due_soon"),
        (dt.date(2026, 9, 14), ""),
    ],
)
def test_urgency_on_the_desk(due, flag):
    assert urgency(due, dt.date(2026, 9, 10)) == flag
