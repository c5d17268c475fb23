"""Fixtures for the targets tests (others may reuse them): the demo agency and its units come
from the root conftest (`org`, `plan`, `make_task`); here a registered fake computed measure,
a periodic series, a target factory and one target of each measure kind.

The plan is of 2026 (root conftest); tests pass their own `today` (e.g. DAY) rather than the
clock, so they read the same whenever they run."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from core.metrics import METRICS, Metric, MetricValue
from core.models import Agency, Province, Unit
from plans.models import Plan
from scorecards.models import MetricEntry, MetricSeries
from targets import selectors
from targets.models import Target

DAY = dt.date(2026, 7, 15)  # mid-year: the default "today" of these tests
FAKE_KEY = "test_fake_rate"


@pytest.fixture
def fake_metric(monkeypatch):
    """A computed measure registered under FAKE_KEY for the test: `state.data` is what it returns
    (None: no data), `state.calls` lists the `today` of each call."""
    state = SimpleNamespace(data={"numerator": 9, "denominator": 10}, calls=[])

    def provider(*, agency, year, today):
        state.calls.append(today)
        if state.data is None:
            return None
        return MetricValue(dict(state.data), period=f"01/01/{year} – {today:%d/%m/%Y}", source="Sổ kiểm thử")

    monkeypatch.setitem(
        METRICS, FAKE_KEY, Metric(FAKE_KEY, "Tỷ lệ kiểm thử", provider, link=lambda agency, year: f"/fake/{year}/")
    )
    return state


@pytest.fixture
def make_target(org, plan):
    """A target of the 2026 plan; any field can be given (tasks=[...] sets its tasks)."""
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        tasks = fields.pop("tasks", None)
        defaults = {
            "plan": plan,
            "agency": plan.agency,
            "code": f"CT{counter['n']:02d}",
            "name": f"Chỉ tiêu số {counter['n']}",
            "section": "II.1.a",
            "unit": "%",
            "direction": Target.Direction.AT_LEAST,
            "target_value": Decimal(90),
            "due_date": dt.date(plan.year, 12, 31),
            "owner_unit": org.unit_a,
            "measure": Target.Measure.MANUAL,
            "order": counter["n"],
        }
        defaults.update(fields)
        target = Target.objects.create(**defaults)
        if tasks is not None:
            target.tasks.set(tasks)
        return target

    return make


@pytest.fixture
def series(org):
    """A quarterly ratio series of the agency (entered by unit KHTH): Q1 40/100, Q2 60/100."""
    found = MetricSeries.objects.create(
        agency=org.agency,
        key="disbursement_test",
        name="Tỷ lệ giải ngân (kiểm thử)",
        kind=MetricSeries.Kind.RATIO,
        frequency=MetricSeries.Frequency.QUARTERLY,
        owner_unit=org.unit_b,
    )
    for start, end, label, numerator in (
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý 1/2026", 40),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "Quý 2/2026", 60),
    ):
        MetricEntry.objects.create(
            series=found,
            period_start=start,
            period_end=end,
            period_label=label,
            numerator=Decimal(numerator),
            denominator=Decimal(100),
        )
    return found


@pytest.fixture
def targets_of_each_kind(make_target, make_task, fake_metric, series, today):
    """One target of each measure kind: computed (the fake measure), linked tasks, series, manual."""
    done = make_task(code="PL1.01", deadline=dt.date(2026, 3, 31))
    done.status, done.completed_on = "done", dt.date(2026, 3, 20)
    done.save(update_fields=["status", "completed_on"])
    late = make_task(code="PL1.02", deadline=dt.date(2026, 5, 31))
    return SimpleNamespace(
        computed=make_target(measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY),
        linked=make_target(measure=Target.Measure.COMPUTED, measure_key=selectors.LINKED_TASKS, tasks=[done, late]),
        series=make_target(measure=Target.Measure.SERIES, measure_key=series.key, target_value=Decimal(95)),
        manual=make_target(measure=Target.Measure.MANUAL, direction=Target.Direction.YES, target_value=None),
        tasks=SimpleNamespace(done=done, late=late),
    )


@pytest.fixture
def province_target(org):
    """A target of the province's Sở Nội vụ plan (a home_affairs agency of the agency's province)."""
    snv = Agency.objects.get(code="SNV")
    assert snv.kind == Agency.Kind.HOME_AFFAIRS and snv.province_id == org.agency.province_id
    plan = Plan.objects.create(agency=snv, year=2026, number="252/KH-UBND", title="Kế hoạch CCHC tỉnh", status="issued")
    return Target.objects.create(
        plan=plan,
        agency=snv,
        code="T01",
        name="100% nhiệm vụ được giao hoàn thành đúng hạn",
        target_value=Decimal(100),
        due_date=dt.date(2026, 12, 31),
        measure=Target.Measure.MANUAL,
    )


@pytest.fixture
def foreign_unit(org):
    return Unit.objects.filter(agency=org.other).first() or Unit.objects.create(
        agency=org.other, code="XTEST", name="Phòng khác"
    )


@pytest.fixture
def other_province_agency():
    province = Province.objects.create(code="TEST-P", name="Tỉnh kiểm thử")
    return Agency.objects.create(province=province, code="SNV-X", name="Sở Nội vụ khác", kind="home_affairs")


@pytest.fixture
def token_for(org):
    """An API token (read and write) of a person, as api/tests/conftest.py makes them."""

    def make(user):
        out = StringIO()
        call_command("create_api_token", user.username, "--scope", "read_write", stdout=out)
        return out.getvalue().strip()

    return make
