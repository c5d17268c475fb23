"""Targets with their actual value and status, for the leaders' one page, a target's page, the
API, the command, the portal, the report and the period-end snapshots: one reading for all of
them (issue 22: one figure, one source).

`rows()` runs a fixed number of queries whatever the number of targets, tasks or dossiers: the
targets with their owner units, their tasks (and the due dates of the recurring ones), their
period-end values and their entered values in five queries, the series entered by the units in
two, and each register once inside `core.metrics.batch()` (the Decision 766 rates share one
pass over the dossiers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from core.metrics import METRICS, MetricValue, batch, compute_metric, metric_link
from core.models import Agency
from core.numbers import vi_number
from plans.models import CLOSED_STATUSES, Occurrence, Task, TaskStatus
from scorecards.metrics import PERIOD_DAYS
from scorecards.models import MetricEntry, MetricSeries
from targets import status as rules
from targets.models import Status, Target, TargetReading, TargetSnapshot

LINKED_TASKS = "linked_tasks_on_time_rate"  # a measure of the target's own tasks
SERIES_GRACE = dt.timedelta(days=45)  # a series value is judged until a period and 45 days after its end
MANUAL_MAX_AGE = dt.timedelta(days=366)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Actual:
    """The actual value of a target: one number (a percentage for ratios), what it covers and
    where it comes from."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    as_of: dt.date | None = None
    period: str = ""
    source: str = ""
    stale_after: dt.date | None = None
    link: str | None = None

    @property
    def display(self) -> str:
        if self.value is None:
            return _("no data")
        if self.numerator is not None and self.denominator is not None:
            return f"{_count(self.numerator)}/{_count(self.denominator)} ({vi_number(self.value, 2)} %)"
        return vi_number(self.value)


NO_ACTUAL = Actual(None)


def _count(value: Decimal) -> str:
    """A numerator or a denominator: a whole number without its decimals (60, not 60,00)."""
    return vi_number(int(value) if value == value.to_integral_value() else value)


@dataclass(frozen=True)
class TaskState:
    pk: int
    code: str
    title: str
    status: str
    status_label: str
    deadline: dt.date | None
    closed: bool


@dataclass
class Row:
    target: Target
    actual: Actual
    verdict: rules.Verdict
    history: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # period-end values, oldest first
    tasks: list[TaskState] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def status_label(self) -> str:
        return str(Status(self.verdict.status).label)

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.status in (TaskStatus.DONE, TaskStatus.DONE_LATE))


def goal_of(target: Target) -> rules.Goal:
    start = target.plan.issued_on or dt.date(target.plan.year, 1, 1)
    return rules.Goal(
        direction=target.direction,
        target=target.target_value,
        due=target.due_date,
        start=min(start, target.due_date),
        baseline=target.baseline,
        tolerance=target.tolerance,
        percent=target.unit.strip() == "%",
    )


def targets_of(agency: Agency, *, year: int | None = None, plan_id: int | None = None) -> QuerySet[Target]:
    qs = Target.objects.filter(agency=agency)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    if year is not None:
        qs = qs.filter(plan__year=year)
    return qs


def rows(
    targets: QuerySet[Target] | Iterable[Target],
    *,
    today: dt.date,
    par_domain: int | None = None,
    sipas_element: str = "",
    unit_id: int | None = None,
    status: str = "",
) -> list[Row]:
    """Every target of the queryset with its actual value and status as of `today`."""
    qs = targets if isinstance(targets, QuerySet) else Target.objects.filter(pk__in=[t.pk for t in targets])
    if par_domain is not None:
        qs = qs.filter(par_domain=par_domain)
    if sipas_element:
        qs = qs.filter(sipas_element=sipas_element)
    if unit_id is not None:
        qs = qs.filter(owner_unit_id=unit_id)
    found = list(
        qs.select_related("plan", "agency", "owner_unit", "parent")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.only(
                    "pk", "code", "title", "status", "deadline", "next_due", "completed_on", "recurrence"
                )
                .prefetch_related(
                    Prefetch("occurrences", queryset=Occurrence.objects.only("pk", "task_id", "due_date", "done_on"))
                )
                .order_by("code"),
            ),
            Prefetch("snapshots", queryset=TargetSnapshot.objects.filter(period_end__lt=today).order_by("period_end")),
            Prefetch("readings", queryset=TargetReading.objects.filter(as_of__lte=today).order_by("-as_of", "-pk")),
        )
        .order_by("plan_id", "order", "code")
    )
    series = _series_for(found, today)
    out = []
    with batch():
        for target in found:
            actual = actual_of(target, today=today, series=series)
            history = [(s.period_end, s.value) for s in target.snapshots.all() if s.value is not None]
            year_history = [(day, value) for day, value in history if day.year == target.due_date.year]
            verdict = rules.judge(
                goal_of(target), actual.value, today=today, stale_after=actual.stale_after, history=year_history
            )
            out.append(Row(target, actual, verdict, history, [_task_state(t) for t in target.tasks.all()]))
    if status:
        out = [row for row in out if row.status == status]
    return out


def row_for(target: Target, *, today: dt.date) -> Row:
    return rows(Target.objects.filter(pk=target.pk), today=today)[0]


def actual_of(target: Target, *, today: dt.date, series: dict[tuple[int, str], MetricSeries] | None = None) -> Actual:
    """The actual value of one target as of `today` (the prefetches of `rows` make it query-free
    for entered values; computed measures read their registers, shared inside a batch)."""
    if target.measure == Target.Measure.COMPUTED:
        if target.measure_key == LINKED_TASKS:
            return _linked_tasks(target, today)
        year = target.plan.year
        end = min(today, dt.date(year, 12, 31))
        if end < dt.date(year, 1, 1) or target.measure_key not in METRICS:
            return NO_ACTUAL
        value = compute_metric(target.measure_key, agency=target.agency, year=year, today=end)
        if value is None:
            return Actual(None, link=metric_link(target.measure_key, target.agency, year))
        return _from_metric(value, as_of=end, link=metric_link(target.measure_key, target.agency, year))
    if target.measure == Target.Measure.SERIES:
        found = (series or _series_for([target], today)).get((target.agency_id, target.measure_key))
        return _from_series(found, target, today) if found is not None else NO_ACTUAL
    reading = next(iter(target.readings.all()), None)
    if reading is None:
        return Actual(None, link=target.get_absolute_url())
    return Actual(
        reading.value,
        as_of=reading.as_of,
        period=f"{reading.as_of:%d/%m/%Y}",
        source=_("Entered with evidence"),
        stale_after=reading.as_of + MANUAL_MAX_AGE,
        link=target.get_absolute_url(),
    )


def _from_metric(value: MetricValue, *, as_of: dt.date, link: str | None) -> Actual:
    as_of = min(value.until, as_of) if value.until else as_of  # a survey's half-year says 30/06
    data: dict[str, Any] = value.data
    numerator = Decimal(str(data["numerator"])) if "numerator" in data else None
    denominator = Decimal(str(data["denominator"])) if "denominator" in data else None
    return Actual(
        value.number,
        numerator=numerator,
        denominator=denominator,
        as_of=as_of,
        period=value.period,
        source=value.source,
        link=link,
    )


def _series_for(targets: list[Target], today: dt.date) -> dict[tuple[int, str], MetricSeries]:
    keys = {(t.agency_id, t.measure_key) for t in targets if t.measure == Target.Measure.SERIES}
    if not keys:
        return {}
    years = {t.plan.year for t in targets}
    found = (
        MetricSeries.objects.filter(
            agency_id__in={agency for agency, _key in keys}, key__in={key for _agency, key in keys}
        )
        .select_related("owner_unit")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=MetricEntry.objects.filter(period_end__year__in=years, period_end__lte=today).order_by(
                    "-period_end"
                ),
            )
        )
    )
    return {(s.agency_id, s.key): s for s in found}


def _from_series(series: MetricSeries, target: Target, today: dt.date) -> Actual:
    link = reverse("scorecards:series_detail", args=[series.pk])
    entry = next((e for e in series.entries.all() if e.period_end.year == target.plan.year), None)
    if entry is None:
        return Actual(None, link=link)
    numerator = denominator = None
    if series.kind == MetricSeries.Kind.RATIO:
        if not entry.denominator:
            return Actual(None, link=link)
        numerator, denominator = entry.numerator or Decimal(0), entry.denominator
        value = (numerator * HUNDRED / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        value = entry.value if entry.value is not None else Decimal(0)
    months = PERIOD_DAYS[series.frequency]
    return Actual(
        value,
        numerator=numerator,
        denominator=denominator,
        as_of=entry.period_end,
        period=entry.period_label,
        source=_("Entered by %(unit)s") % {"unit": series.owner_unit},
        stale_after=entry.period_end + dt.timedelta(days=31 * months) + SERIES_GRACE,
        link=link,
    )


def _linked_tasks(target: Target, today: dt.date) -> Actual:
    """The target's own tasks due by today, cancelled ones left out, by the rule of the plan's
    completion rate (plans.metrics.plan_completion_rate): a one-off task counts once, on time
    when "done" (approved by its deadline) and completed by today; a recurring task counts each
    of its due dates (Occurrence) that fell by today, on time when done on or before it."""
    due = on_time = 0
    for task in target.tasks.all():
        if task.status == TaskStatus.CANCELLED:
            continue
        if task.recurrence:
            for occurrence in task.occurrences.all():
                if occurrence.due_date <= today:
                    due += 1
                    done = occurrence.done_on
                    on_time += done is not None and done <= min(occurrence.due_date, today)
            continue
        if task.deadline is None or task.deadline > today:
            continue
        due += 1
        if task.status == TaskStatus.DONE and (task.completed_on is None or task.completed_on <= today):
            on_time += 1
    link = target.get_absolute_url()
    if not due:
        return Actual(None, link=link)
    value = (Decimal(on_time) * HUNDRED / Decimal(due)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Actual(
        value,
        numerator=Decimal(on_time),
        denominator=Decimal(due),
        as_of=today,
        period=f"{dt.date(target.plan.year, 1, 1):%d/%m/%Y} – {today:%d/%m/%Y}",
        source=_("Tasks serving the target, done by their deadline"),
        link=link,
    )


def _task_state(task: Task) -> TaskState:
    return TaskState(
        task.pk,
        task.code,
        task.title,
        task.status,
        str(TaskStatus(task.status).label),
        task.next_due or task.deadline,
        task.status in CLOSED_STATUSES,
    )
