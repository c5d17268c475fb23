"""targets.services: a target saved only when it makes sense (a clear message naming the field),
every change audited with before and after; values entered only for manual targets."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditEntry, Document
from core.services import history_for
from plans.models import Plan
from targets import selectors, services
from targets.models import Target, TargetReading
from targets.tests.conftest import DAY, FAKE_KEY


def new_target(plan, **fields):
    values = {
        "plan": plan,
        "code": "CT99",
        "name": "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "direction": Target.Direction.AT_LEAST,
        "target_value": Decimal(95),
        "due_date": dt.date(2026, 12, 31),
        "measure": Target.Measure.MANUAL,
    }
    values.update(fields)
    return Target(**values)


def refused(plan, org, field, **fields):
    with pytest.raises(services.TargetError) as caught:
        services.save_target(actor=org.office, target=new_target(plan, **fields))
    assert caught.value.field == field
    assert not Target.objects.filter(code=fields.get("code", "CT99")).exists()
    return str(caught.value)


# --- save_target ----------------------------------------------------------------------------------


def test_create_is_audited_with_the_agency_of_the_plan(plan, org, make_task, fake_metric):
    task = make_task(code="PL1.05")
    target = services.save_target(
        actor=org.office,
        target=new_target(plan, measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY, owner_unit=org.unit_a),
        tasks=[task],
    )
    assert target.pk and target.agency == org.agency
    assert list(target.tasks.all()) == [task]
    entry = history_for(target).get()
    assert (entry.action, entry.actor, entry.agency) == ("target.created", org.office, org.agency)
    assert entry.changes["target_value"] == [None, "95.00"]
    assert entry.changes["owner_unit"] == [None, org.unit_a.name]
    assert entry.changes["tasks"] == [None, "PL1.05"]


def test_update_logs_only_what_changed(plan, org, make_task):
    target = services.save_target(actor=org.office, target=new_target(plan))
    target.target_value = Decimal(98)
    target.name = "Tỷ lệ hồ sơ đúng hạn"
    services.save_target(actor=org.leader, target=target, tasks=[make_task(code="PL2.01")])
    entry = history_for(target).get(action="target.updated")
    assert entry.actor == org.leader
    assert entry.changes["target_value"] == ["95.00", "98.00"]
    assert entry.changes["tasks"] == ["", "PL2.01"]
    assert set(entry.changes) == {"target_value", "name", "tasks"}
    services.save_target(actor=org.leader, target=target)  # nothing changed: no entry
    assert history_for(target).count() == 2


def test_target_value_required_unless_none_or_done(plan, org):
    message = refused(plan, org, "target_value", target_value=None)
    assert message
    for direction in (Target.Direction.ZERO, Target.Direction.YES):
        target = new_target(plan, code=f"CT-{direction}", direction=direction, target_value=None)
        assert services.save_target(actor=org.office, target=target).pk


def test_computed_measure_must_be_registered(plan, org, fake_metric):
    refused(plan, org, "measure_key", measure=Target.Measure.COMPUTED, measure_key="not_registered")
    ok = new_target(plan, code="A", measure=Target.Measure.COMPUTED, measure_key=FAKE_KEY)
    linked = new_target(plan, code="B", measure=Target.Measure.COMPUTED, measure_key=selectors.LINKED_TASKS)
    assert services.save_target(actor=org.office, target=ok).pk
    assert services.save_target(actor=org.office, target=linked).pk


def test_series_must_be_one_of_the_agency(plan, org, series):
    refused(plan, org, "measure_key", measure=Target.Measure.SERIES, measure_key="someone_elses")
    ok = new_target(plan, measure=Target.Measure.SERIES, measure_key=series.key)
    assert services.save_target(actor=org.office, target=ok).measure_key == series.key


def test_owner_unit_of_the_same_agency(plan, org, foreign_unit):
    refused(plan, org, "owner_unit", owner_unit=foreign_unit)


def test_tasks_of_the_same_plan(plan, org, make_task):
    other_plan = Plan.objects.create(agency=org.agency, year=2025, number="9/KH", title="Kế hoạch 2025")
    stranger = make_task(code="OLD.01", plan=other_plan, section=None)
    with pytest.raises(services.TargetError) as caught:
        services.save_target(actor=org.office, target=new_target(plan), tasks=[make_task(), stranger])
    assert caught.value.field == "tasks" and "OLD.01" in str(caught.value)


def test_code_unique_in_the_plan(plan, org, make_target):
    make_target(code="CT99")
    with pytest.raises(services.TargetError) as caught:
        services.save_target(actor=org.office, target=new_target(plan))
    assert caught.value.field == "code" and "CT99" in str(caught.value)


def test_agency_must_be_the_plans(plan, org):
    refused(plan, org, "plan", agency=org.other)


def test_parent_is_a_province_target_of_the_same_province(plan, org, province_target, make_target):
    saved = services.save_target(actor=org.office, target=new_target(plan, parent=province_target))
    assert saved.parent == province_target
    assert history_for(saved).get().changes["parent"] == [None, "T01"]
    sibling = make_target()  # a target of an ordinary agency
    refused(plan, org, "parent", code="CT98", parent=sibling)


def test_parent_of_another_province_is_refused(plan, org, other_province_agency):
    far_plan = Plan.objects.create(agency=other_province_agency, year=2026, number="1/KH", title="Kế hoạch tỉnh khác")
    far = Target.objects.create(
        plan=far_plan, agency=other_province_agency, code="T1", name="x", due_date=dt.date(2026, 12, 31)
    )
    refused(plan, org, "parent", parent=far)


# --- enter_reading --------------------------------------------------------------------------------


def test_reading_of_a_done_target_with_evidence(org, targets_of_each_kind):
    target = targets_of_each_kind.manual
    document = Document.objects.create(agency=org.agency, abstract="Quyết định phê duyệt đề án")
    reading = services.enter_reading(
        actor=org.officer, target=target, as_of=DAY, value=True, note="Đã phê duyệt", documents=[document], today=DAY
    )
    assert (reading.value, reading.entered_by, list(reading.evidence.all())) == (Decimal(1), org.officer, [document])
    entry = history_for(target).get(action="target.reading")
    assert entry.changes["value"] == [None, "1.00"] and entry.changes["as_of"] == [None, "2026-07-15"]
    assert entry.note == "Đã phê duyệt"
    assert selectors.row_for(target, today=DAY).status == "on_track"


@pytest.mark.parametrize(
    ("kind", "value", "as_of", "field"),
    [
        ("manual", Decimal(2), DAY, "value"),  # a yes/no target takes 0 or 1
        ("manual", "một", DAY, "value"),  # not a number
        ("manual", Decimal("NaN"), DAY, "value"),
        ("manual", Decimal(1), DAY + dt.timedelta(days=1), "as_of"),  # in the future
        ("computed", Decimal(50), DAY, None),  # not a manual target
        ("series", Decimal(50), DAY, None),
    ],
)
def test_reading_refused(org, targets_of_each_kind, kind, value, as_of, field):
    target = getattr(targets_of_each_kind, kind)
    with pytest.raises(services.TargetError) as caught:
        services.enter_reading(actor=org.officer, target=target, as_of=as_of, value=value, today=DAY)
    assert caught.value.field == field
    assert not TargetReading.objects.exists() and not AuditEntry.objects.filter(action="target.reading").exists()


def test_reading_evidence_of_another_agency_is_refused(org, make_target):
    target = make_target(direction=Target.Direction.AT_MOST, target_value=Decimal(0), unit="người")
    foreign = Document.objects.create(agency=org.other, abstract="Văn bản của sở khác")
    with pytest.raises(services.TargetError) as caught:
        services.enter_reading(
            actor=org.office, target=target, as_of=DAY, value=Decimal(0), documents=[foreign], today=DAY
        )
    assert caught.value.field == "documents"
    assert services.enter_reading(actor=org.office, target=target, as_of=DAY, value=3, today=DAY).value == 3


def test_a_target_needs_a_plan(org):
    target = Target(code="CT99", name="x", target_value=Decimal(1), due_date=dt.date(2026, 12, 31))
    with pytest.raises(services.TargetError) as caught:
        services.save_target(actor=org.office, target=target)
    assert caught.value.field == "plan"


def test_a_province_target_serves_no_other_target(province_target):
    """Found by the independent review: province targets could point to each other (a loop)."""
    from targets.models import Target as Model
    from targets.services import TargetError, save_target

    other = Model.objects.create(
        plan=province_target.plan,
        agency=province_target.agency,
        code="T02",
        name="0 hồ sơ quá hạn",
        direction="zero",
        due_date=province_target.due_date,
        measure="manual",
    )
    other.parent = province_target
    with pytest.raises(TargetError):
        save_target(actor=None, target=other)
