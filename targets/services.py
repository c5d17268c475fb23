"""Changes to targets, their entered values and their period-end values, each audited (issue 22).

Contract used by the pages, the loader and the demo:
- save_target(*, actor, target, tasks=None) -> Target: create or update (a bound ModelForm's
  `save(commit=False)` instance), tasks set when given; audited with before/after.
- enter_reading(*, actor, target, as_of, value, note="", documents=(), today=None) -> TargetReading
- take_snapshots(*, today, agency=None) -> int: every month end of each target's plan year before
  `today` without a snapshot gets one (value and status as of that day); returns how many.
- correct_snapshot(*, actor, snapshot, value, reason, now=None) -> TargetSnapshot: audited, reason
  required.

A refused change raises `TargetError` (a `core.services.StepRefused`, so `core.web.refuses_politely`
shows it); its `field` names the form field at fault when there is one, for `form.add_error`.
Every audit entry is written on the target itself (`history_for(target)` lists them all); a
correction's note names the period and the reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.metrics import METRICS
from core.models import Agency, Document
from core.numbers import vi_number
from core.services import Actor, StepRefused, diff, log_action
from plans.models import Task
from scorecards.models import MetricSeries
from targets import selectors
from targets import status as rules
from targets.models import Status, Target, TargetReading, TargetSnapshot

CENT = Decimal("0.01")


class TargetError(StepRefused):
    """A target, a value or a correction refused, said in plain words; `field` is the form field
    at fault (or None)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- targets --------------------------------------------------------------------------------------


def audited(target: Target, tasks: Iterable[Task] | None = None) -> dict[str, Any]:
    """The audited fields of a target, units, tasks and the parent by code or name."""
    values: dict[str, Any] = {
        name: getattr(target, name)
        for name in (
            "code",
            "name",
            "section",
            "source_text",
            "unit",
            "direction",
            "baseline",
            "baseline_label",
            "baseline_source",
            "target_value",
            "due_date",
            "tolerance",
            "measure",
            "measure_key",
            "par_domain",
            "sipas_element",
            "criteria",
            "sipas_items",
            "indicators_766",
            "to_be_confirmed",
            "confirmation_note",
            "public",
            "order",
        )
    }
    values["plan"] = str(target.plan) if target.plan_id else None  # moved to another plan: audited too
    for name in ("baseline", "target_value", "tolerance"):  # as stored: 2 places, whatever was typed
        if values[name] is not None:
            values[name] = Decimal(values[name]).quantize(CENT, rounding=ROUND_HALF_UP)
    values["owner_unit"] = target.owner_unit.name if target.owner_unit_id and target.owner_unit else None
    values["parent"] = target.parent.code if target.parent_id and target.parent else None
    if tasks is not None:
        values["tasks"] = ", ".join(sorted(t.code for t in tasks))
    return values


def _check_target(target: Target, tasks: list[Task] | None) -> None:
    plan = target.plan
    if target.agency_id != plan.agency_id:
        raise TargetError(_("A target belongs to the agency of its plan."), field="plan")
    if not (target.code or "").strip():
        raise TargetError(_("Give the target a code."), field="code")
    if Target.objects.filter(plan_id=plan.pk, code=target.code).exclude(pk=target.pk).exists():
        raise TargetError(
            _("The plan already has a target with the code %(code)s.") % {"code": target.code}, field="code"
        )
    if target.due_date is None:
        raise TargetError(_("Give the date by which the target is due."), field="due_date")
    if target.direction not in Target.Direction.values:
        raise TargetError(_("Choose a direction for the target."), field="direction")
    if target.target_value is None and target.direction not in (Target.Direction.ZERO, Target.Direction.YES):
        raise TargetError(
            _("Give the target value (only a “none” or a “done” target goes without one)."), field="target_value"
        )
    _check_measure(target)
    unit = target.owner_unit if target.owner_unit_id is not None else None
    if unit is not None and unit.agency_id != target.agency_id:
        raise TargetError(_("The owner unit must be a unit of the plan's agency."), field="owner_unit")
    if tasks is not None:
        strangers = sorted(t.code for t in tasks if t.plan_id != plan.pk)
        if strangers:
            raise TargetError(
                _("These tasks are not tasks of the target's plan: %(codes)s.") % {"codes": ", ".join(strangers)},
                field="tasks",
            )
    _check_parent(target)


def _check_measure(target: Target) -> None:
    key = (target.measure_key or "").strip()
    if target.measure == Target.Measure.COMPUTED:
        if key != selectors.LINKED_TASKS and key not in METRICS:
            raise TargetError(
                _("“%(key)s” is not a measure computed from the registers; choose one of the list.") % {"key": key},
                field="measure_key",
            )
    elif target.measure == Target.Measure.SERIES:
        if not MetricSeries.objects.filter(agency_id=target.agency_id, key=key).exists():
            raise TargetError(
                _("The agency keeps no periodic figure with the key “%(key)s”; create the series first.")
                % {"key": key},
                field="measure_key",
            )
    elif target.measure != Target.Measure.MANUAL:
        raise TargetError(_("Choose how the target is measured."), field="measure")


def _check_parent(target: Target) -> None:
    parent = target.parent if target.parent_id else None
    if parent is None:
        return
    if target.pk is not None and parent.pk == target.pk:
        raise TargetError(_("A target cannot serve itself."), field="parent")
    agency = Agency.objects.only("kind", "province_id").get(pk=parent.agency_id)
    own_province, own_kind = Agency.objects.values_list("province_id", "kind").get(pk=target.agency_id)
    if own_kind == Agency.Kind.HOME_AFFAIRS:  # one level: no chain, no loop between province targets
        raise TargetError(_("A province target serves no other target."), field="parent")
    if agency.kind != Agency.Kind.HOME_AFFAIRS or agency.province_id != own_province:
        raise TargetError(
            _("The province target served must be a target of the plan of the province's Department of Home Affairs."),
            field="parent",
        )


@transaction.atomic
def save_target(*, actor: Actor, target: Target, tasks: Iterable[Task] | None = None) -> Target:
    """Creates or updates a target (its tasks replaced when `tasks` is given), audited with the
    fields before and after."""
    if target.plan_id is None:
        raise TargetError(_("Choose the plan the target belongs to."), field="plan")
    if target.agency_id is None:
        target.agency_id = target.plan.agency_id
    chosen = None if tasks is None else list(tasks)
    _check_target(target, chosen)
    creating = target.pk is None
    before: dict[str, Any] = {}
    if not creating:
        stored = Target.objects.select_related("owner_unit", "parent").get(pk=target.pk)
        before = audited(stored, stored.tasks.all() if chosen is not None else None)
    target.measure_key = (target.measure_key or "").strip()
    target.save()
    if chosen is not None:
        target.tasks.set(chosen)
    after = audited(target, chosen)
    changes = diff(before, after)
    if creating or changes:
        log_action(
            actor=actor,
            agency=target.agency,
            action="target.created" if creating else "target.updated",
            obj=target,
            changes=changes,
        )
    return target


# --- entered values -------------------------------------------------------------------------------


def _number(value: object) -> Decimal:
    try:
        number = Decimal(str(value)) if isinstance(value, int | float | str) else value
    except ArithmeticError:
        number = None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise TargetError(_("The value must be a number."), field="value")
    return number


@transaction.atomic
def enter_reading(
    *,
    actor: Actor,
    target: Target,
    as_of: dt.date,
    value: Decimal | int | bool,
    note: str = "",
    documents: Iterable[Document] = (),
    today: dt.date | None = None,
) -> TargetReading:
    """A value of a manual target as of a day, with its evidence; a yes/no target takes 1 (done)
    or 0 (not done)."""
    today = today or timezone.localdate()
    if target.measure != Target.Measure.MANUAL:
        raise TargetError(
            _("The value of this target comes from the registers or a periodic figure; it is not entered here.")
        )
    if as_of > today:
        raise TargetError(
            _("The date of the value (%(date)s) is in the future.") % {"date": f"{as_of:%d/%m/%Y}"}, field="as_of"
        )
    number = _number(Decimal(int(value)) if isinstance(value, bool) else value)
    if target.direction == Target.Direction.YES and number not in (Decimal(0), Decimal(1)):
        raise TargetError(_("A yes/no target takes 1 (done) or 0 (not done)."), field="value")
    if abs(number) >= Decimal("1e12"):
        raise TargetError(_("The value %(value)s is too large.") % {"value": vi_number(number)}, field="value")
    evidence = list(documents)
    foreign = [d for d in evidence if d.agency_id != target.agency_id]
    if foreign:
        raise TargetError(_("Evidence must be documents of the target's agency."), field="documents")
    reading = TargetReading.objects.create(
        target=target,
        as_of=as_of,
        value=number.quantize(CENT, rounding=ROUND_HALF_UP),
        note=note,
        entered_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
    )
    reading.evidence.set(evidence)
    log_action(
        actor=actor,
        agency=target.agency,
        action="target.reading",
        obj=target,
        changes={
            "value": [None, reading.value],
            "as_of": [None, as_of],
            "evidence": [None, ", ".join(str(d) for d in evidence)],
        },
        note=note,
    )
    return reading


# --- period-end values ----------------------------------------------------------------------------


def month_ends(year: int, before: dt.date) -> list[dt.date]:
    """The month ends of `year` strictly before `before`."""
    ends = [dt.date(year, month, calendar.monthrange(year, month)[1]) for month in range(1, 13)]
    return [end for end in ends if end < before]


def _missing(targets: QuerySet[Target], today: dt.date) -> list[dt.date]:
    """The month ends for which some target of the queryset (of a plan of that year) has no
    snapshot yet, in two queries."""
    per_year = dict(
        targets.filter(plan__year__lte=today.year).values_list("plan__year").annotate(n=Count("pk")).order_by()
    )
    taken = {
        (end, year): n
        for end, year, n in TargetSnapshot.objects.filter(target__in=targets)
        .values_list("period_end", "target__plan__year")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        end
        for year, count in sorted(per_year.items())
        for end in month_ends(year, today)
        if taken.get((end, year), 0) < count
    ]


@transaction.atomic
def take_snapshots(*, today: dt.date, agency: Agency | None = None) -> int:
    """Every month end of each target's plan year before `today` without a snapshot gets one: the
    value and status as of that day, read by `selectors.rows` (one call for all the targets of a
    month end). An existing snapshot is never overwritten: that is what keeps the history when
    the registers are corrected later. Returns how many snapshots were taken."""
    targets = Target.objects.all() if agency is None else Target.objects.filter(agency=agency)
    made = 0
    for end in _missing(targets, today):
        lacking = targets.filter(plan__year=end.year).exclude(snapshots__period_end=end)
        snapshots = [
            TargetSnapshot(
                target=row.target,
                period_end=end,
                period_label=f"{end:%m/%Y}",
                value=row.actual.value,
                numerator=row.actual.numerator,
                denominator=row.actual.denominator,
                status=row.status,
            )
            for row in selectors.rows(lacking, today=end)
        ]
        TargetSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
        made += len(snapshots)
    return made


def _status_at(snapshot: TargetSnapshot, value: Decimal | None) -> str:
    """The status of a corrected period-end value as the rules judge it on that day, with the
    earlier period-end values of the plan year as the trend."""
    target = snapshot.target
    earlier = target.snapshots.filter(period_end__lt=snapshot.period_end, period_end__year=target.due_date.year)
    history = [(s.period_end, s.value) for s in earlier.order_by("period_end") if s.value is not None]
    return rules.judge(selectors.goal_of(target), value, today=snapshot.period_end, history=history).status


@transaction.atomic
def correct_snapshot(
    *,
    actor: Actor,
    snapshot: TargetSnapshot,
    value: Decimal | None,
    reason: str,
    now: dt.datetime | None = None,
) -> TargetSnapshot:
    """Corrects a period-end value (the managers; the view checks): the reason is required, the
    status is judged again for that day, the numerator and denominator of the old value are
    dropped (they no longer add up to it), and the entry records the value before and after."""
    reason = (reason or "").strip()
    if not reason:
        raise TargetError(_("Say why the period value is corrected."), field="reason")
    if value is not None:
        value = _number(value)
        if abs(value) >= Decimal("1e12"):
            raise TargetError(_("The value %(value)s is too large.") % {"value": vi_number(value)}, field="value")
        value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    snapshot = (
        TargetSnapshot.objects.select_for_update(of=("self",))
        .select_related("target__plan", "target__agency")
        .get(pk=snapshot.pk)
    )
    fields = ("value", "numerator", "denominator", "status", "correction_reason")
    before = {name: getattr(snapshot, name) for name in fields}
    if value != snapshot.value:
        snapshot.numerator = snapshot.denominator = None
    snapshot.value = value
    snapshot.status = _status_at(snapshot, value) if value is not None else Status.NO_DATA
    snapshot.correction_reason = reason
    snapshot.corrected_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    snapshot.corrected_at = now or timezone.now()
    snapshot.save(update_fields=[*fields, "corrected_by", "corrected_at"])
    log_action(
        actor=actor,
        agency=snapshot.target.agency,
        action="target.snapshot_corrected",
        obj=snapshot.target,
        changes=diff(before, {name: getattr(snapshot, name) for name in fields}),
        note=_("Period %(period)s: %(reason)s") % {"period": snapshot.period_label, "reason": reason},
    )
    return snapshot
