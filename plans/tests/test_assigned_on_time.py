"""The on-time figures of the register by period (plans.assigned.on_time_counts: the one rule of
the page, the command, the API and the metric), against a register counted by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from plans import assigned
from plans.models import AssignedTask

D = dt.date
TODAY = D(2026, 8, 10)

# (code, due date, status, completed on)
REGISTER = [
    ("A1", D(2026, 1, 20), "done", D(2026, 1, 20)),  # Q1: on time (the due day itself)
    ("A2", D(2026, 2, 10), "done", D(2026, 2, 12)),  # Q1: late
    ("A3", D(2026, 3, 31), "withdrawn", None),  # never counted
    ("A4", D(2026, 4, 5), "done", D(2026, 3, 30)),  # Q2: on time (early)
    ("A5", D(2026, 5, 15), "open", None),  # Q2: due, not done: not on time
    ("A6", D(2026, 6, 30), "done", D(2026, 6, 30)),  # Q2: on time
    ("A7", D(2026, 7, 20), "done", D(2026, 7, 18)),  # Q3 (so far): on time
    ("A8", D(2026, 8, 20), "open", None),  # Q3 but after today: not due yet
    ("A9", None, "open", None),  # no due date: never counted
    ("B1", D(2025, 12, 31), "done", D(2026, 1, 5)),  # last year
]


@pytest.fixture
def register(org):
    for code, due, status, done in REGISTER:
        AssignedTask.objects.create(
            agency=org.agency,
            code=code,
            document_number=code,
            document_date=D(2025, 12, 1),
            content=code,
            due_date=due,
            status=status,
            completed_on=done,
        )
    # another agency's task never counts in this one's figures
    AssignedTask.objects.create(
        agency=org.other,
        code="X",
        document_number="X",
        document_date=D(2026, 1, 1),
        content="X",
        due_date=D(2026, 2, 1),
    )
    return AssignedTask.objects.filter(agency=org.agency)


def test_counts_over_a_window(register):
    assert assigned.on_time_counts(register, D(2026, 1, 1), D(2026, 3, 31)) == (1, 2)
    assert assigned.on_time_counts(register, D(2026, 1, 1), TODAY) == (4, 6)
    assert assigned.on_time_counts(register, D(2026, 8, 11), D(2026, 12, 31)) == (0, 1)


def test_by_quarter_then_the_year_so_far(register):
    figures = assigned.on_time_by_period(register, year=2026, kind="quarter", today=TODAY)
    assert [(f.label, f.on_time, f.due) for f in figures] == [
        ("Q1/2026", 1, 2),
        ("Q2/2026", 2, 3),
        ("Q3/2026", 1, 1),  # counted up to today: A8 is not due yet
        ("2026", 4, 6),
    ]
    assert figures[2].end == TODAY and figures[1].rate == Decimal("66.7")  # 2 of 3, half up
    assert figures[-1].rate_text == "66,7" and figures[0].late == 1


def test_by_month_skips_the_months_to_come(register):
    figures = assigned.on_time_by_period(register, year=2026, kind="month", today=TODAY)
    months = {f.label: (f.on_time, f.due) for f in figures}
    assert months["01/2026"] == (1, 1) and months["02/2026"] == (0, 1) and months["03/2026"] == (0, 0)
    assert "09/2026" not in months and figures[-1].label == "2026"
    assert months["03/2026"] == (0, 0) and next(f for f in figures if f.label == "03/2026").rate is None


def test_the_rate_rounds_half_up():
    assert assigned.rate(1, 8) == Decimal("12.5") and assigned.rate(1, 6) == Decimal("16.7")
    assert assigned.rate(0, 0) is None
