"""procedures.quality, the pure Decision 766 rule: worked cases, rates, points and satisfaction on
small hand-checked data (service_quality_766.md, one_stop.md §8), and the stored facts against
the rule written out moment by moment."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from procedures.quality import Dossier, compute, progress

D = dt.date
T = dt.datetime
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


def dossier(code="X", **fields):
    """Example 14 of one_stop.md §8: received Mon 09/03 09:00, 10 working days, due Mon 23/03."""
    base = {"received_at": T(2026, 3, 9, 9), "due_date": D(2026, 3, 23), "status": "processing"}
    return Dossier(code=code, **{**base, **fields})


SUPPLEMENT = {
    "supplement_count": 1,
    "supplement_requested_at": T(2026, 3, 12, 10),
    "supplement_completed_at": T(2026, 3, 18, 10),
}


@pytest.mark.parametrize(
    ("case", "fields", "expected"),
    [
        ("A", {"status": "finished", "finished_at": T(2026, 3, 20, 10)}, "early"),
        ("B", {"status": "finished", "finished_at": T(2026, 3, 23, 16, 30)}, "on_time"),
        ("C", {"status": "finished", "finished_at": T(2026, 3, 24, 9)}, "late"),
        ("D", {**SUPPLEMENT, "status": "finished", "finished_at": T(2026, 3, 31, 9)}, "late"),
        ("E", {**SUPPLEMENT, "status": "finished", "finished_at": T(2026, 3, 27, 10)}, "early"),
        ("F", {"supplement_count": 2, "status": "finished", "finished_at": T(2026, 3, 20, 10)}, "late"),
        ("G", {"status": "processing"}, "late"),  # no result at the end of Q1
        ("returned ends at finished_at", {"status": "returned", "finished_at": T(2026, 3, 23, 17)}, "on_time"),
        (
            "waiting on its one request",
            {"status": "supplement_requested", "supplement_count": 1, "supplement_requested_at": T(2026, 3, 13, 8)},
            "early",
        ),
    ],
)
def test_progress_of_the_worked_cases(case, fields, expected):
    assert progress(dossier(**fields), *Q1) == expected


def test_pending_dossiers_within_time_and_the_scope():
    pending = dossier(status="processing")
    assert progress(pending, D(2026, 3, 1), D(2026, 3, 20)) == "early"  # due after the period
    assert progress(pending, D(2026, 3, 1), D(2026, 3, 23)) == "on_time"  # due on its last day
    assert progress(pending, D(2026, 2, 1), D(2026, 2, 28)) is None  # received after the period
    ended_before = dossier(status="finished", finished_at=T(2026, 3, 20, 10))
    assert progress(ended_before, D(2026, 4, 1), D(2026, 4, 30)) is None  # ended before it
    carried = dossier(status="finished", finished_at=T(2026, 4, 2, 10))
    assert progress(carried, D(2026, 4, 1), D(2026, 4, 30)) == "late"  # carried over from Q1


def test_rates_points_and_satisfaction_on_a_hand_checked_set():
    dossiers = [
        dossier(
            "1",
            channel="online",
            status="finished",
            finished_at=T(2026, 3, 20, 10),
            fee_bearing=True,
            paid_online=True,
            digitized=True,
            paper_result=True,
            e_result=True,
        ),
        dossier(
            "2",
            channel="online",
            status="finished",
            finished_at=T(2026, 3, 24, 9),
            paper_result=True,
            fee_bearing=True,
            complaint=True,
        ),
        dossier("3", channel="direct", status="finished", finished_at=T(2026, 3, 23, 9), reused_data=True),
        dossier("4", channel="postal", status="processing", digitized=True),
    ]
    result = compute(dossiers, *Q1)
    assert result.counts == {"in_scope": 4, "early": 1, "on_time": 1, "late": 2, "received": 4}
    assert result.codes["late"] == ["2", "4"]
    data = result.as_data()["indicators"]
    assert data["on_time_rate"] == {
        "numerator": "2",
        "denominator": "4",
        "rate": "50.00",
        "points": "10.00",
        "max_points": "20",
        "threshold": "100",
    }
    # online and (no paper result or e-result): only dossier 1 (2 has a paper result without e-result)
    assert data["online_rate"]["rate"] == "25.00" and data["online_rate"]["points"] == "2.00"  # 4 x 25/50
    assert data["online_payment_rate"]["numerator"] == "1" and data["online_payment_rate"]["denominator"] == "2"
    assert data["e_result_rate"]["rate"] == "50.00"  # 1 of the 2 with a paper result
    assert data["digitization_rate"]["rate"] == "50.00"  # 1 and 4 (4 has no paper result)
    assert data["digitization_rate"]["points"] == "2.75"  # 4.4 x 50/80
    assert data["reuse_rate"]["rate"] == "25.00"
    assert data["complaint_rate"]["rate"] == "25.00"
    # 100 - (100 - 50) - 25 = 25; points 6 x 25/90 = 1.67
    assert data["tthc_satisfaction"]["rate"] == "25.00" and data["tthc_satisfaction"]["points"] == "1.67"


def test_zero_denominators_give_null():
    result = compute(
        [dossier(status="processing", received_at=T(2026, 1, 5, 9), due_date=D(2026, 1, 12))],
        D(2026, 1, 1),
        D(2026, 1, 31),
    )
    data = result.as_data()["indicators"]
    assert data["online_payment_rate"]["rate"] is None and data["online_payment_rate"]["points"] is None
    assert data["e_result_rate"]["rate"] is None
    empty = compute([], *Q1).as_data()
    assert empty["indicators"]["on_time_rate"]["rate"] is None and empty["total_points"] == "0.00"
    assert empty["indicators"]["tthc_satisfaction"]["rate"] is None


def test_satisfaction_is_floored_at_zero():
    late = [dossier(str(n), status="processing", complaint=True) for n in range(3)]
    assert compute(late, *Q1).figures["tthc_satisfaction"].rate == Decimal(0)


def reference_progress(d, start, end):
    """service_quality_766.md §3 written out directly, moment by moment: the oracle for the
    stored facts (quality.facts), which turn it into dates."""
    first, last = T.combine(start, dt.time.min), T.combine(end, dt.time(23, 59, 59))
    if d.status in ("finished", "returned", "rejected", "stopped", "withdrawn") and d.finished_at:
        finish = d.finished_at
    elif d.status == "supplement_requested" and d.supplement_count == 1 and not d.supplement_completed_at:
        finish = d.supplement_requested_at
    else:
        finish = last
    if d.received_at > last or finish < first:
        return None
    pause = dt.timedelta(0)
    if d.supplement_requested_at and d.supplement_completed_at:
        pause = d.supplement_completed_at - d.supplement_requested_at
    adjusted = finish - pause
    if d.supplement_count > 1 or adjusted > T.combine(d.due_date, dt.time(23, 59, 59)):
        return "late"
    return "early" if adjusted.date() < d.due_date else "on_time"


def test_the_stored_facts_give_the_rule_for_any_period():
    rng = random.Random(148)
    seen = set()
    for n in range(3000):
        received = T(2026, 3, 1) + dt.timedelta(
            seconds=rng.randrange(0, 40 * 86400), microseconds=rng.randrange(0, 10**6)
        )
        fields = {"received_at": received, "due_date": received.date() + dt.timedelta(days=rng.randrange(0, 15))}
        fields["status"] = rng.choice(["processing", "supplement_requested", "finished", "withdrawn"])
        fields["supplement_count"] = rng.choice([0, 1, 1, 2])
        if fields["supplement_count"]:
            fields["supplement_requested_at"] = received + dt.timedelta(seconds=rng.randrange(0, 10 * 86400))
            if rng.random() < 0.6:  # whole days, half days and odd seconds of pause
                pause = rng.choice([86400, 43200, 86399, rng.randrange(1, 20 * 86400)])
                fields["supplement_completed_at"] = fields["supplement_requested_at"] + dt.timedelta(seconds=pause)
        if fields["status"] in ("finished", "withdrawn"):
            fields["finished_at"] = received + dt.timedelta(seconds=rng.randrange(0, 30 * 86400))
        d = dossier(f"F{n}", **fields)
        start = D(2026, 3, 1) + dt.timedelta(days=rng.randrange(0, 60))
        end = start + dt.timedelta(days=rng.randrange(0, 40))
        expected = reference_progress(d, start, end)
        assert progress(d, start, end) == expected, (fields, start, end)
        seen.add(expected)
    assert seen == {None, "early", "on_time", "late"}
