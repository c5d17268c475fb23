"""`load_demo` loads the seed plan's targets and the province's, with values and history: every
seed target shows a status, and a target without an actual value says "no data"."""

import yaml
from django.core.management import call_command

from core.models import Agency
from core.reference import DATA_DIR
from demo.targets import READINGS
from plans.models import Plan
from scorecards.models import MetricEntry
from targets.models import Status, Target, TargetReading, TargetSnapshot
from targets.selectors import rows, targets_of

SEED_CODES = [
    t["code"] for t in yaml.safe_load((DATA_DIR / "targets" / "plan_2026_bqlkktck.yaml").read_text())["targets"]
]


def test_every_seed_target_appears_with_a_status(db, today):
    call_command("load_demo", quiet=True)
    agency = Agency.objects.get(code="BQLKKTCK")
    found = rows(targets_of(agency, year=2026), today=today)
    assert [row.target.code for row in found] == SEED_CODES
    for row in found:
        assert row.status in Status.values, row.target.code
        if row.actual.value is None:
            assert row.status == Status.NO_DATA, row.target.code
    statuses = {row.status for row in found}
    assert {Status.ON_TRACK, Status.OFF_TRACK} <= statuses  # an honest demo: not all green, not all red
    with_values = sum(1 for row in found if row.actual.value is not None)
    assert with_values >= len(found) * 3 // 4


def test_the_demo_cascades_to_the_provinces_plan(db):
    call_command("load_demo", quiet=True)
    seed = Plan.objects.get(agency__code="BQLKKTCK", source_key="plan_2026_bqlkktck")
    assert seed.parent is not None and seed.parent.agency.kind == Agency.Kind.HOME_AFFAIRS
    assert seed.parent.targets.count() >= 3
    served = Target.objects.filter(plan=seed, parent__isnull=False)
    assert served.exists() and all(t.parent.plan_id == seed.parent_id for t in served)


def test_the_demo_has_entered_values_and_history_and_loads_once(db, today):
    call_command("load_demo", quiet=True)
    seed = Target.objects.filter(plan__source_key="plan_2026_bqlkktck")
    entered = {code for code, as_of, _value, _note in READINGS if as_of <= today}
    assert entered and entered <= set(seed.filter(measure=Target.Measure.MANUAL).values_list("code", flat=True))
    assert set(TargetReading.objects.filter(target__in=seed).values_list("target__code", flat=True)) == entered
    assert MetricEntry.objects.filter(series__key="electronic_documents_rate", period_end__lt=today).exists()
    if today.year == 2026 and today.month > 1:
        assert TargetSnapshot.objects.filter(target__in=seed).exists()
    counts = [m.objects.count() for m in (Target, TargetReading, TargetSnapshot, MetricEntry)]
    call_command("load_demo", quiet=True)
    assert [m.objects.count() for m in (Target, TargetReading, TargetSnapshot, MetricEntry)] == counts
