"""The status rules of targets/status.py (docs/targets.md), one test per rule R1..R10 and the
edge cases of each direction; pure: no database, `today` passed in."""

import datetime as dt
from decimal import Decimal as D

import pytest

from targets import status as rules
from targets.status import AT_LEAST, AT_MOST, AT_RISK, EXACTLY, NO_DATA, OFF_TRACK, ON_TRACK, YES, ZERO, Goal, judge

START, DUE = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
MIDYEAR = dt.date(2026, 7, 2)  # 182 of 364 days: half the time elapsed


def goal(direction=AT_LEAST, target=D(90), **fields):
    return Goal(direction=direction, target=target, due=DUE, start=START, **fields)


# --- one test per rule ----------------------------------------------------------------------------


def test_r1_no_actual_value_is_no_data():
    verdict = judge(goal(), None, today=MIDYEAR)
    assert (verdict.status, verdict.rule) == (NO_DATA, "R1")


def test_r2_a_value_too_old_is_no_data_even_when_met():
    verdict = judge(goal(), D(95), today=MIDYEAR, stale_after=dt.date(2026, 6, 30))
    assert (verdict.status, verdict.rule) == (NO_DATA, "R2")
    fresh = judge(goal(), D(95), today=MIDYEAR, stale_after=MIDYEAR)  # the last day still counts
    assert fresh.rule == "R3"


def test_r3_met_is_on_track():
    verdict = judge(goal(), D(90), today=MIDYEAR)  # exactly the target: "at least" is met
    assert (verdict.status, verdict.rule) == (ON_TRACK, "R3")


def test_r4_not_met_after_the_due_date_is_off_track_with_the_gap():
    verdict = judge(goal(), D("89.5"), today=DUE + dt.timedelta(days=1))  # within tolerance, but too late
    assert (verdict.status, verdict.rule, verdict.gap) == (OFF_TRACK, "R4", D("0.50"))
    on_the_day = judge(goal(), D("89.5"), today=DUE)
    assert on_the_day.rule == "R8"


def test_r5_a_none_target_with_a_count_is_off_track_at_once():
    verdict = judge(goal(ZERO, None), D(1), today=dt.date(2026, 2, 1))
    assert (verdict.status, verdict.rule, verdict.gap) == (OFF_TRACK, "R5", D(1))


def test_r6_a_done_target_not_done_is_at_risk_only_in_its_last_quarter():
    early = judge(goal(YES, None), D(0), today=dt.date(2026, 9, 1))  # 4 months left of 12
    late = judge(goal(YES, None), D(0), today=dt.date(2026, 10, 15))  # 2.5 months left
    assert (early.status, early.rule) == (ON_TRACK, "R6")
    assert (late.status, late.rule) == (AT_RISK, "R6")


def test_r7_on_pace_from_the_baseline_is_on_track_with_where_it_should_be():
    # baseline 70 -> 90 over the year: half-way through, 80 is expected
    verdict = judge(goal(baseline=D(70)), D(81), today=MIDYEAR)
    assert (verdict.status, verdict.rule, verdict.expected) == (ON_TRACK, "R7", D("80.00"))
    behind = judge(goal(baseline=D(70)), D(79), today=MIDYEAR)
    assert behind.status == OFF_TRACK and behind.rule == "R10"


def test_r8_within_the_tolerance_is_at_risk():
    verdict = judge(goal(), D(85), today=MIDYEAR)  # 5 percentage points short: the default tolerance
    assert (verdict.status, verdict.rule, verdict.gap) == (AT_RISK, "R8", D("5.00"))
    assert judge(goal(), D("84.99"), today=MIDYEAR).rule == "R10"


def test_r9_a_trend_reaching_the_target_by_the_due_date_is_at_risk():
    history = [(dt.date(2026, 3, 31), D(40)), (dt.date(2026, 4, 30), D(50)), (dt.date(2026, 5, 31), D(60))]
    verdict = judge(goal(), D(70), today=dt.date(2026, 6, 30), history=history)
    assert (verdict.status, verdict.rule) == (AT_RISK, "R9")
    assert verdict.projected is not None and verdict.projected >= D(90)


def test_r10_otherwise_off_track():
    flat = [(dt.date(2026, 3, 31), D(50)), (dt.date(2026, 4, 30), D(50))]
    verdict = judge(goal(), D(50), today=dt.date(2026, 5, 31), history=flat)
    assert (verdict.status, verdict.rule, verdict.projected) == (OFF_TRACK, "R10", D("50.00"))
    alone = judge(goal(), D(50), today=MIDYEAR)  # no history: no trend to follow
    assert (alone.rule, alone.projected) == ("R10", None)


# --- directions and tolerances ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "target", "actual", "met"),
    [
        (AT_LEAST, D(90), D(90), True),
        (AT_LEAST, D(90), D("89.99"), False),
        (AT_MOST, D(5), D(5), True),
        (AT_MOST, D(5), D("5.01"), False),
        (EXACTLY, D(100), D(100), True),
        (EXACTLY, D(100), D(101), False),
        (ZERO, None, D(0), True),
        (ZERO, None, D(1), False),
        (YES, None, D(1), True),
        (YES, None, D(0), False),
        (AT_LEAST, None, D(100), False),  # no target value: never met
    ],
)
def test_met_by_direction(direction, target, actual, met):
    assert rules.met(direction, actual, target) is met


def test_at_most_on_pace_going_down_from_the_baseline():
    # 10 late dossiers last year, at most 4 this year: half-way, 7 is the pace
    g = goal(AT_MOST, D(4), baseline=D(10), percent=False)
    assert judge(g, D(7), today=MIDYEAR).rule == "R7"
    assert judge(g, D(4), today=MIDYEAR).rule == "R3"
    assert judge(g, D(8), today=MIDYEAR).status == OFF_TRACK  # behind the pace, 4 above (tolerance 1)


def test_at_most_trend_going_down_reaches_the_target():
    g = goal(AT_MOST, D(10), percent=False)
    history = [(dt.date(2026, 4, 30), D(40)), (dt.date(2026, 5, 31), D(35))]
    assert judge(g, D(30), today=dt.date(2026, 6, 30), history=history).rule == "R9"


def test_exactly_is_close_or_off():
    g = goal(EXACTLY, D(100))
    assert judge(g, D(97), today=MIDYEAR).rule == "R8"
    assert judge(g, D(103), today=MIDYEAR).rule == "R8"  # either side
    assert judge(g, D(80), today=MIDYEAR).rule == "R10"
    assert judge(goal(EXACTLY, D(100), baseline=D(50)), D(80), today=MIDYEAR).rule == "R10"  # no pace for "exactly"


def test_zero_met_stays_on_track_and_a_count_after_the_due_date_is_r4():
    assert judge(goal(ZERO, None), D(0), today=MIDYEAR).status == ON_TRACK
    assert judge(goal(ZERO, None), D(2), today=DUE + dt.timedelta(days=3)).rule == "R4"


def test_yes_done_is_on_track_and_not_done_after_the_due_date_is_off_track():
    assert judge(goal(YES, None), D(1), today=dt.date(2026, 12, 20)).rule == "R3"
    assert judge(goal(YES, None), D(0), today=dt.date(2027, 1, 2)).rule == "R4"


def test_tolerance_defaults_and_override():
    assert rules.tolerance(goal()) == D(5)  # percentage points
    assert rules.tolerance(goal(target=D(200), percent=False)) == D(20)  # 10 % of the target
    assert rules.tolerance(goal(target=D(3), percent=False)) == D(1)  # at least 1
    assert rules.tolerance(goal(tolerance=D(2))) == D(2)
    assert judge(goal(tolerance=D(2)), D(87), today=MIDYEAR).rule == "R10"
    assert judge(goal(target=D(200), percent=False), D(181), today=MIDYEAR).rule == "R8"


def test_projection_is_the_least_squares_line_read_at_the_due_date():
    points = [(dt.date(2026, 1, 1), D(0)), (dt.date(2026, 1, 11), D(10))]
    assert rules.projection(points, dt.date(2026, 1, 21)) == D("20.00")
    assert rules.projection(points[:1], DUE) is None
    assert rules.projection([points[0], points[0]], DUE) is None  # one distinct day
