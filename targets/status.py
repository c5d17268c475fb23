"""Whether a target is on track: the documented rules of docs/targets.md (issue 22), pure (no ORM,
no clock: `today` is passed in). Each rule is tested on its own (targets/tests/test_status.py).

A target has a direction (at least / at most / exactly / none / done), a target value and a due
date; its actual value comes with the date it covers (`as_of`) and the date after which it is too
old to judge (`stale_after`). The rules, first match wins:

R1 no data      no actual value                                         -> no data
R2 stale        today is after `stale_after`                            -> no data
R3 met          the actual satisfies the direction against the target  -> on track
R4 due passed   not met and the due date has passed                     -> off track
R5 none         a "none" target with a count above zero (the year's
                count does not go back)                                 -> off track
R6 not done     a "done" target not done yet: at risk in the last
                quarter of its time, else on track                      -> at risk / on track
R7 on pace      with a baseline, the actual has covered at least the
                share of the way from the baseline that the share of
                time elapsed calls for                                  -> on track
R8 close        within the tolerance of the target (default: 5
                percentage points for a percentage, else 10 % of the
                target, at least 1)                                     -> at risk
R9 trend        the straight line through the period-end values and
                the actual reaches the target by the due date           -> at risk
R10 otherwise                                                           -> off track
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
AT_LEAST, AT_MOST, EXACTLY, ZERO, YES = "at_least", "at_most", "exactly", "zero", "yes"

PERCENT_TOLERANCE = Decimal(5)  # percentage points
RELATIVE_TOLERANCE = Decimal("0.10")  # of the target, for other units
LAST_QUARTER = Decimal("0.25")  # a "done" target not done with this share of its time left is at risk


@dataclass(frozen=True)
class Goal:
    direction: str
    target: Decimal | None
    due: dt.date
    start: dt.date
    baseline: Decimal | None = None
    tolerance: Decimal | None = None
    percent: bool = True  # the unit is a percentage


@dataclass(frozen=True)
class Verdict:
    status: str
    rule: str  # "R1" ... "R10": which rule decided, for the page's explanation and the tests
    expected: Decimal | None = None  # R7: where the actual should be today
    projected: Decimal | None = None  # R9: where the trend reaches at the due date
    gap: Decimal | None = None  # distance to the target (always >= 0)


def met(direction: str, actual: Decimal, target: Decimal | None) -> bool:
    if direction == ZERO:
        return actual == 0
    if direction == YES:
        return actual >= 1
    if target is None:
        return False
    if direction == AT_LEAST:
        return actual >= target
    if direction == AT_MOST:
        return actual <= target
    return actual == target


def tolerance(goal: Goal) -> Decimal:
    if goal.tolerance is not None:
        return goal.tolerance
    if goal.percent:
        return PERCENT_TOLERANCE
    return max(abs(goal.target or Decimal(0)) * RELATIVE_TOLERANCE, Decimal(1))


def _share_elapsed(goal: Goal, today: dt.date) -> Decimal:
    span = (goal.due - goal.start).days
    if span <= 0:
        return Decimal(1)
    return min(max(Decimal((today - goal.start).days) / Decimal(span), Decimal(0)), Decimal(1))


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def projection(points: Sequence[tuple[dt.date, Decimal]], due: dt.date) -> Decimal | None:
    """Least-squares straight line through (day, value) points, read at the due date; None with
    fewer than two distinct days."""
    if len({day for day, _ in points}) < 2:
        return None
    origin = points[0][0]
    xs = [Decimal((day - origin).days) for day, _ in points]
    ys = [value for _, value in points]
    n = Decimal(len(points))
    zero = Decimal(0)
    mean_x, mean_y = sum(xs, zero) / n, sum(ys, zero) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), zero)
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), zero)
    slope = sxy / sxx
    return _q(mean_y + slope * (Decimal((due - origin).days) - mean_x))


def judge(
    goal: Goal,
    actual: Decimal | None,
    *,
    today: dt.date,
    stale_after: dt.date | None = None,
    history: Sequence[tuple[dt.date, Decimal]] = (),
) -> Verdict:
    """The status of a target today. `history` holds earlier period-end values (oldest first)."""
    if actual is None:
        return Verdict(NO_DATA, "R1")
    if stale_after is not None and today > stale_after:
        return Verdict(NO_DATA, "R2")
    if met(goal.direction, actual, goal.target):
        return Verdict(ON_TRACK, "R3")
    gap = _q(abs((goal.target if goal.target is not None else Decimal(0)) - actual))
    if today > goal.due:
        return Verdict(OFF_TRACK, "R4", gap=gap)
    if goal.direction == ZERO:
        return Verdict(OFF_TRACK, "R5", gap=gap)
    if goal.direction == YES:
        left = Decimal(1) - _share_elapsed(goal, today)
        return Verdict(AT_RISK if left <= LAST_QUARTER else ON_TRACK, "R6")
    if goal.target is None:
        return Verdict(NO_DATA, "R1")
    target = goal.target
    if goal.baseline is not None and goal.direction in (AT_LEAST, AT_MOST):
        expected = _q(goal.baseline + (target - goal.baseline) * _share_elapsed(goal, today))
        on_pace = actual >= expected if goal.direction == AT_LEAST else actual <= expected
        if on_pace:
            return Verdict(ON_TRACK, "R7", expected=expected, gap=gap)
    if gap <= tolerance(goal):
        return Verdict(AT_RISK, "R8", gap=gap)
    points = [*history, (today, actual)]
    projected = projection(points, goal.due)
    if projected is not None:
        if goal.direction == EXACTLY:
            reaches = abs(projected - target) <= tolerance(goal)
        else:
            reaches = met(goal.direction, projected, target)
        if reaches:
            return Verdict(AT_RISK, "R9", projected=projected, gap=gap)
    return Verdict(OFF_TRACK, "R10", projected=projected, gap=gap)
