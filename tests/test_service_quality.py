"""Decision 766 indicators on small hand-checked data (service_quality_766.md, one_stop.md §8)."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.reference import shipped_calendar
from procedures.dossier_file import DossierFileError, parse_moment, read_dossiers
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


HEADER = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Thời hạn giải quyết,Đơn vị tính,Trạng thái,Ngày kết thúc xử lý,"
    "Kết quả bản giấy,Kết quả điện tử"
)
CSV = (
    HEADER
    + """
H1,1.001,2,09/03/2026 09:00,10,ngày làm việc,Đã xử lý xong,20/03/2026 10:00,1,1
H2,1.001,1,2026-03-09T09:00,10,working_days,finished,2026-03-24T09:00,0,0
H3,1.002,direct,13/02/2026 15:30,3,working_days,Đang giải quyết,,0,0
"""
)


def test_file_with_vietnamese_headers_and_computed_due_dates():
    records = read_dossiers(("\ufeff" + CSV).encode(), shipped_calendar())
    assert [(r.code, r.due_date, r.channel, r.status) for r in records] == [
        ("H1", D(2026, 3, 23), "online", "finished"),
        ("H2", D(2026, 3, 23), "direct", "finished"),
        ("H3", D(2026, 2, 26), "direct", "processing"),  # after 15:00 on the eve of Tết
    ]


def test_a_bad_file_is_refused_whole_with_located_problems():
    bad = CSV.replace("09/03/2026 09:00", "31/02/2026", 1).replace(",ngày làm việc,", ",tuần,", 1)
    bad += "H2,1.001,4,2026-03-10T09:00,x,working_days,done,,2,0\n"
    with pytest.raises(DossierFileError) as error:
        read_dossiers(bad, shipped_calendar())
    found = {(p.row, p.column) for p in error.value.problems}
    assert {
        (2, "received_at"),
        (5, "dossier_code"),
        (5, "channel"),
        (5, "limit"),
        (5, "status"),
        (5, "paper_result"),
    } <= found
    with pytest.raises(DossierFileError) as error:
        read_dossiers("code,when\nA,1\n", shipped_calendar())
    assert {p.column for p in error.value.problems} == {"dossier_code", "received_at", "status", "due_at"}


def test_first_100_problems_only():
    rows = "".join(f"X{n},1.001,9,2026-03-09T09:00,10,working_days,finished,2026-03-10T09:00,0,0\n" for n in range(150))
    with pytest.raises(DossierFileError) as error:
        read_dossiers(CSV.splitlines()[0] + "\n" + rows, shipped_calendar())
    assert len(error.value.problems) == 100 and error.value.total == 150


def test_service_quality_command(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text(CSV, encoding="utf-8")
    out = StringIO()
    call_command(
        "service_quality",
        "--dossiers",
        str(path),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["counts"] == {"in_scope": 3, "early": 1, "on_time": 0, "late": 2, "received": 3}
    assert data["indicators"]["on_time_rate"]["rate"] == "33.33"
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("Đã xử lý xong", "xong"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "service_quality", "--dossiers", str(bad), "--from", "2026-01-01", "--to", "2026-03-31", stderr=err
        )
    assert exit_.value.code == 2 and "row 2, column status: 'xong' unknown status" in err.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09/03/2026 09:05:07", T(2026, 3, 9, 9, 5, 7)),
        ("09/03/2026T09:05:07", T(2026, 3, 9, 9, 5, 7)),
        (" 09/03/2026 23:59:59 ", T(2026, 3, 9, 23, 59, 59)),
        (" 9/3/2026 09:05:07 ", T(2026, 3, 9, 9, 5, 7)),
        ("9/3/2026 9:05", T(2026, 3, 9, 9, 5)),
        ("09/03/2026", T(2026, 3, 9)),
        ("31/04/2026", None),
        ("0a/03/2026", None),
        ("2026-03-09T09:05:07+07:00", T(2026, 3, 9, 9, 5, 7)),
        ("2026-03-09T02:05:07Z", T(2026, 3, 9, 9, 5, 7)),
        ("31/02/2026 10:00:00", None),
        ("09/03/2026 24:00:00", None),
        ("+9/03/2026 09:05:07", None),
        ("09/03/2026-09:05:07", None),
        ("hôm qua", None),
        ("09/03/2026 09:05+07", None),
        ("09/03/2026 9:5:07Z", None),
    ],
)
def test_moments_in_every_accepted_form(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="dd/mm/yyyy"):
            parse_moment(text)
    else:
        assert parse_moment(text) == expected


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
    import random

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


def test_dates_outside_plausible_years_are_row_problems():
    text = (
        "dossier_code,received_at,due_at,status\n"
        "A,09/03/1900 09:00,,processing\n"
        "B,09/03/2026 09:00,31/12/9999,processing\n"
    )
    with pytest.raises(DossierFileError) as refused:
        read_dossiers(text, shipped_calendar())
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "received_at"), (3, "due_at")]
    assert "1990" in refused.value.problems[0].reason
