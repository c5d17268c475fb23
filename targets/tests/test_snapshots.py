"""Period-end values: taken once per month end before today, never overwritten (so the history
survives a later correction of the registers), corrected only with a reason and audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.jobs import DAILY_JOBS
from core.models import AuditEntry
from core.services import history_for
from plans.models import Plan
from targets import selectors, services
from targets import status as rules
from targets.models import Target, TargetReading, TargetSnapshot
from targets.tests.conftest import FAKE_KEY

AUGUST = dt.date(2026, 8, 1)


def values(target):
    return {s.period_end: (s.value, s.status) for s in target.snapshots.all()}


def test_every_month_end_before_today_once(targets_of_each_kind, org):
    made = services.take_snapshots(today=AUGUST)
    assert made == 4 * 7  # four targets, January to July
    ends = sorted({s.period_end for s in TargetSnapshot.objects.all()})
    assert ends[0] == dt.date(2026, 1, 31) and ends[-1] == dt.date(2026, 7, 31) and len(ends) == 7
    assert (
        TargetSnapshot.objects.get(target=targets_of_each_kind.series, period_end=dt.date(2026, 6, 30)).period_label
        == "06/2026"
    )
    assert services.take_snapshots(today=AUGUST) == 0  # nothing missing any more
    assert services.take_snapshots(today=dt.date(2026, 8, 31)) == 0  # 31/08 is not before the 31st
    assert services.take_snapshots(today=dt.date(2026, 9, 1)) == 4


def test_values_and_status_are_those_of_the_month_end(targets_of_each_kind):
    services.take_snapshots(today=AUGUST)
    series = values(targets_of_each_kind.series)
    assert series[dt.date(2026, 1, 31)] == (None, "no_data")  # no quarter ended yet
    assert series[dt.date(2026, 4, 30)] == (Decimal("40.00"), "off_track")
    assert series[dt.date(2026, 7, 31)] == (Decimal("60.00"), "off_track")
    snap = TargetSnapshot.objects.get(target=targets_of_each_kind.series, period_end=dt.date(2026, 7, 31))
    assert (snap.numerator, snap.denominator) == (Decimal(60), Decimal(100))
    linked = values(targets_of_each_kind.linked)
    assert linked[dt.date(2026, 4, 30)] == (Decimal("100.00"), "on_track")
    assert linked[dt.date(2026, 6, 30)] == (Decimal("50.00"), "off_track")


def test_a_snapshot_survives_a_later_correction_of_the_registers(targets_of_each_kind):
    linked = targets_of_each_kind.linked
    services.take_snapshots(today=AUGUST)
    june = TargetSnapshot.objects.get(target=linked, period_end=dt.date(2026, 6, 30))
    assert june.value == Decimal("50.00")
    # the register is corrected afterwards: PL1.02 was in fact done on 30/05, on time
    late = targets_of_each_kind.tasks.late
    late.status, late.completed_on = "done", dt.date(2026, 5, 30)
    late.save(update_fields=["status", "completed_on"])
    live = selectors.row_for(linked, today=dt.date(2026, 6, 30))
    assert live.actual.value == Decimal("100.00")  # the live figure changes...
    services.take_snapshots(today=dt.date(2026, 9, 1))
    june.refresh_from_db()
    assert (june.value, june.status) == (Decimal("50.00"), "off_track")  # ...the period-end value does not
    assert TargetSnapshot.objects.get(target=linked, period_end=dt.date(2026, 8, 31)).value == Decimal("100.00")


def test_the_trend_of_the_month_ends_taken_feeds_the_later_ones(make_target, fake_metric):
    """Month ends are taken in order, so each one's status sees the earlier ones as its trend."""
    target = make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY, target_value=Decimal(90))
    fake_metric.data = {"percent": 80}
    services.take_snapshots(today=dt.date(2026, 3, 1))
    fake_metric.data = {"percent": 83}
    services.take_snapshots(today=dt.date(2026, 4, 1))  # one month end: 31/03
    row = selectors.row_for(target, today=dt.date(2026, 4, 1))
    assert [value for _day, value in row.history] == [Decimal(80), Decimal(80), Decimal(83)]
    # 83 against 90 is off track alone (R10); rising from 80 it reaches 90 by December (R9)
    assert TargetSnapshot.objects.get(target=target, period_end=dt.date(2026, 3, 31)).status == "at_risk"
    alone = rules.judge(selectors.goal_of(target), Decimal(83), today=dt.date(2026, 3, 31))
    assert alone.rule == "R10"


def test_past_plans_get_their_twelve_month_ends_and_future_plans_none(org, make_target):
    past = Plan.objects.create(agency=org.agency, year=2025, number="1/KH", title="Kế hoạch 2025", status="issued")
    future = Plan.objects.create(agency=org.agency, year=2027, number="1/KH", title="Kế hoạch 2027", status="issued")
    old = make_target(plan=past, due_date=dt.date(2025, 12, 31))
    new = make_target(plan=future, due_date=dt.date(2027, 12, 31))
    services.take_snapshots(today=dt.date(2026, 2, 15))
    assert old.snapshots.count() == 12 and new.snapshots.count() == 0
    assert old.snapshots.last().period_end == dt.date(2025, 12, 31)


def test_agency_filter(make_target, province_target):
    mine = make_target()
    services.take_snapshots(today=dt.date(2026, 3, 1), agency=mine.agency)
    assert mine.snapshots.count() == 2 and province_target.snapshots.count() == 0


def test_a_fixed_number_of_queries_per_month_end(make_target, fake_metric):
    def queries():
        TargetSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            made = services.take_snapshots(today=dt.date(2026, 4, 1))
        return made, len(ctx.captured_queries)

    for _ in range(3):
        make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY)
    few = queries()
    for _ in range(27):
        make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY)
    many = queries()
    assert (few[0], many[0]) == (9, 90)
    assert many[1] == few[1]


def test_the_daily_job_takes_them(targets_of_each_kind):
    assert DAILY_JOBS["targets.snapshots"](today=AUGUST, cal=None) == {"snapshots": 28}


# --- corrections ----------------------------------------------------------------------------------


@pytest.fixture
def taken(targets_of_each_kind):
    services.take_snapshots(today=AUGUST)
    return TargetSnapshot.objects.get(target=targets_of_each_kind.series, period_end=dt.date(2026, 7, 31))


def test_correction_is_audited_with_the_value_before_and_after(taken, org):
    corrected = services.correct_snapshot(
        actor=org.office, snapshot=taken, value=Decimal("88"), reason="Số giải ngân quý 2 báo cáo lại"
    )
    assert (corrected.value, corrected.status, corrected.corrected_by) == (Decimal("88.00"), "at_risk", org.office)
    assert corrected.corrected_at is not None and corrected.correction_reason == "Số giải ngân quý 2 báo cáo lại"
    assert (corrected.numerator, corrected.denominator) == (None, None)  # they no longer add up to the value
    entry = history_for(taken.target).get(action="target.snapshot_corrected")
    assert entry.actor == org.office and entry.agency == org.agency
    assert entry.changes["value"] == ["60.00", "88.00"]
    assert entry.changes["status"] == ["off_track", "at_risk"]
    assert "07/2026" in entry.note and "báo cáo lại" in entry.note
    taken.refresh_from_db()
    assert taken.value == Decimal("88.00")


def test_correction_needs_a_reason(taken, org):
    with pytest.raises(services.TargetError) as refused:
        services.correct_snapshot(actor=org.office, snapshot=taken, value=Decimal(88), reason="  ")
    assert refused.value.field == "reason"
    taken.refresh_from_db()
    assert taken.value == Decimal("60.00") and not AuditEntry.objects.filter(action="target.snapshot_corrected")


def test_correction_to_no_value_is_no_data(taken, org):
    corrected = services.correct_snapshot(actor=org.leader, snapshot=taken, value=None, reason="Số liệu sai nguồn")
    assert (corrected.value, corrected.status) == (None, "no_data")


def test_a_corrected_snapshot_is_kept_by_later_runs(taken, org):
    services.correct_snapshot(actor=org.office, snapshot=taken, value=Decimal(70), reason="Điều chỉnh")
    TargetReading.objects.all().delete()
    services.take_snapshots(today=dt.date(2026, 9, 1))
    taken.refresh_from_db()
    assert taken.value == Decimal("70.00")


@pytest.mark.parametrize("value", [Decimal("Infinity"), Decimal("1e13"), "nhiều"])
def test_correction_must_be_a_number(taken, org, value):
    with pytest.raises(services.TargetError) as refused:
        services.correct_snapshot(actor=org.office, snapshot=taken, value=value, reason="Điều chỉnh")
    assert refused.value.field == "value"
    taken.refresh_from_db()
    assert taken.value == Decimal("60.00") and taken.corrected_at is None
