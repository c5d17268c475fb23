"""targets.selectors: the actual value of each measure kind and its status, as of a given day,
in a fixed number of queries whatever the number of targets."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecards.models import MetricEntry
from targets import selectors
from targets.models import Target, TargetReading
from targets.tests.conftest import DAY, FAKE_KEY


def test_computed_measure_reads_the_registered_metric_as_of_the_day(targets_of_each_kind, fake_metric):
    row = selectors.row_for(targets_of_each_kind.computed, today=DAY)
    assert row.actual.value == Decimal("90.00")
    assert (row.actual.numerator, row.actual.denominator) == (Decimal(9), Decimal(10))
    assert row.actual.link == "/fake/2026/"
    assert fake_metric.calls == [DAY]
    assert row.status == "on_track"  # 90 % against "at least 90"


def test_computed_measure_after_the_year_reads_to_the_31st_of_december(targets_of_each_kind, fake_metric):
    selectors.row_for(targets_of_each_kind.computed, today=dt.date(2027, 2, 1))
    assert fake_metric.calls == [dt.date(2026, 12, 31)]


def test_computed_measure_without_data_is_no_data_with_its_link(targets_of_each_kind, fake_metric):
    fake_metric.data = None
    row = selectors.row_for(targets_of_each_kind.computed, today=DAY)
    assert (row.actual.value, row.status, row.actual.link) == (None, "no_data", "/fake/2026/")


def test_unregistered_key_is_no_data(make_target):
    target = make_target(measure=Target.Measure.COMPUTED, measure_key="no_such_measure")
    assert selectors.row_for(target, today=DAY).status == "no_data"


def test_linked_tasks_count_the_tasks_due_by_the_day_done_by_their_deadline(targets_of_each_kind):
    linked = targets_of_each_kind.linked
    before = selectors.row_for(linked, today=dt.date(2026, 4, 30))  # only PL1.01 due: done on time
    assert (before.actual.numerator, before.actual.denominator, before.actual.value) == (1, 1, Decimal("100.00"))
    after = selectors.row_for(linked, today=DAY)  # PL1.02 due on 31/05, still open
    assert (after.actual.numerator, after.actual.denominator, after.actual.value) == (1, 2, Decimal("50.00"))
    assert [t.code for t in after.tasks] == ["PL1.01", "PL1.02"]
    assert after.tasks_done == 1


def test_series_reads_the_latest_period_entered_by_the_day(targets_of_each_kind, series):
    target = targets_of_each_kind.series
    may = selectors.row_for(target, today=dt.date(2026, 5, 15))
    assert (may.actual.value, may.actual.period) == (Decimal("40.00"), "Quý 1/2026")
    july = selectors.row_for(target, today=DAY)
    assert (july.actual.value, july.actual.as_of) == (Decimal("60.00"), dt.date(2026, 6, 30))
    assert july.actual.link.endswith(f"/{series.pk}/")
    # a quarter's value is judged until three months and 45 days after its end, then no data
    stale = selectors.row_for(target, today=dt.date(2026, 11, 30))
    assert (stale.status, stale.verdict.rule) == ("no_data", "R2")


def test_series_of_a_ratio_with_no_denominator_is_no_data(targets_of_each_kind, series):
    MetricEntry.objects.filter(series=series, period_end=dt.date(2026, 6, 30)).update(denominator=0)
    assert selectors.row_for(targets_of_each_kind.series, today=DAY).actual.value is None


def test_manual_reads_the_latest_value_entered_by_the_day(targets_of_each_kind):
    target = targets_of_each_kind.manual
    assert selectors.row_for(target, today=DAY).status == "no_data"
    TargetReading.objects.create(target=target, as_of=dt.date(2026, 3, 1), value=Decimal(0))
    TargetReading.objects.create(target=target, as_of=dt.date(2026, 8, 1), value=Decimal(1))
    july = selectors.row_for(target, today=DAY)
    assert (july.actual.value, july.actual.as_of, july.status) == (Decimal(0), dt.date(2026, 3, 1), "on_track")
    august = selectors.row_for(target, today=dt.date(2026, 8, 2))
    assert (august.actual.value, august.verdict.rule) == (Decimal(1), "R3")


def test_filters(targets_of_each_kind, org):
    targets = Target.objects.filter(agency=org.agency)
    Target.objects.filter(pk=targets_of_each_kind.series.pk).update(owner_unit=org.unit_b, par_domain=3)
    assert [r.target.pk for r in selectors.rows(targets, today=DAY, unit_id=org.unit_b.pk)] == [
        targets_of_each_kind.series.pk
    ]
    assert [r.target.pk for r in selectors.rows(targets, today=DAY, par_domain=3)] == [targets_of_each_kind.series.pk]
    on_track = selectors.rows(targets, today=DAY, status="on_track")
    assert on_track and all(r.status == "on_track" for r in on_track)


def _make(make_target, make_task, series, n):
    for i in range(n):
        kind = i % 4
        if kind == 0:
            make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY)
        elif kind == 1:
            make_target(
                measure=Target.Measure.COMPUTED,
                measure_key=selectors.LINKED_TASKS,
                tasks=[make_task(deadline=dt.date(2026, 3, 1)), make_task(deadline=dt.date(2026, 6, 1))],
            )
        elif kind == 2:
            make_target(measure=Target.Measure.SERIES, measure_key=series.key)
        else:
            target = make_target(measure=Target.Measure.MANUAL)
            TargetReading.objects.create(target=target, as_of=dt.date(2026, 5, 1), value=Decimal(88))


def _queries(org):
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.rows(selectors.targets_of(org.agency, year=2026), today=DAY)
    return len(found), len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_targets(make_target, make_task, series, fake_metric, org):
    _make(make_target, make_task, series, 3)
    few, few_queries = _queries(org)
    _make(make_target, make_task, series, 27)
    many, many_queries = _queries(org)
    assert (few, many) == (3, 30)
    assert many_queries == few_queries
    # inside a page's batch, one figure is computed once however many targets read it
    assert len(fake_metric.calls) == 2


def test_linked_recurring_tasks_count_each_due_date(make_target, make_task):
    """A recurring task counts each of its due dates that fell by the day (as the plan's
    completion rate does), not once, nor never for want of a deadline."""
    report = make_task(
        code="PL1.10", recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 1, 1)
    )
    dues = list(report.occurrences.order_by("due_date"))
    passed = [o for o in dues if o.due_date <= DAY]
    assert len(passed) >= 2
    first, second = passed[0], passed[1]
    first.done_on = first.due_date  # on time
    second.done_on = second.due_date + dt.timedelta(days=3)  # late
    first.save(update_fields=["done_on"])
    second.save(update_fields=["done_on"])
    cancelled = make_task(code="PL1.11", deadline=dt.date(2026, 2, 1), status="cancelled")
    target = make_target(measure=Target.Measure.COMPUTED, measure_key=selectors.LINKED_TASKS, tasks=[report, cancelled])
    row = selectors.row_for(target, today=DAY)
    assert (row.actual.numerator, row.actual.denominator) == (1, len(passed))
    before_the_first = selectors.row_for(target, today=first.due_date - dt.timedelta(days=1))
    assert before_the_first.actual.value is None  # nothing due yet


def test_a_measure_over_an_earlier_period_says_the_day_it_covers():
    """Found by the new user's walk: the SIPAS figure of the first half read "as of today"."""
    from core.metrics import MetricValue
    from targets.selectors import _from_metric

    today = dt.date(2026, 12, 8)

    def covered(until):
        value = MetricValue(data={"percent": "80"}, period="", source="", until=until)
        return _from_metric(value, as_of=today, link=None).as_of

    assert covered(dt.date(2026, 6, 30)) == dt.date(2026, 6, 30)
    assert covered(today) == today
    assert covered(None) == today  # a round's name says no day
