"""The Decision 766 feedback indicators on hand-checked data (feedback_pakn.md §4 and §6,
service_quality_766.md §3); pure: no database."""

import datetime as dt
from decimal import Decimal

from core.deadlines import day_zero
from core.reference import shipped_calendar
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
