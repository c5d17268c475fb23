"""Read-side queries for dashboards and lists. Counts are SQL aggregates: the number of
queries does not grow with the number of tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.calendar import WorkingCalendar
from core.models import Agency
from plans.models import CLOSED_STATUSES, Finding, Inspection, Task, TaskStatus
from plans.services import rules


@dataclass(frozen=True)
class Thresholds:
    """Date bounds that turn the working-day rules of plans.monitoring into SQL filters.

    Upper bounds are exclusive: a task is "due soon" when today <= next_due < due_soon_before,
    which is exactly "at most N working days left" (monitoring.assess), weekends included.
    """

    today: dt.date
    due_soon_days: int
    due_soon_before: dt.date
    stale_before: dt.date
    evidence_before: dt.date

    @classmethod
    def compute(cls, today: dt.date, cal: WorkingCalendar) -> Thresholds:
        r = rules()
        # The last working day on or before today is the first of the N + 1 working days that
        # make a task stale (more than N working days in (last update, today]).
        base = today if cal.is_working_day(today) else cal.previous_working_day(today)
        return cls(
            today=today,
            due_soon_days=r.due_soon_days,
            due_soon_before=cal.add_working_days(today, r.due_soon_days + 1),
            stale_before=cal.add_working_days(base, -r.stale_days),
            evidence_before=cal.add_working_days(today, r.evidence_window_days + 1),
        )

    def stale_before_dt(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.stale_before, dt.time.min))


def flag_filters(t: Thresholds) -> dict[str, Q]:
    open_ = ~Q(status__in=CLOSED_STATUSES)
    started = Q(start_date__isnull=True) | Q(start_date__lte=t.today)
    return {
        "overdue": open_ & Q(next_due__lt=t.today),
        "due_soon": open_ & Q(next_due__gte=t.today, next_due__lt=t.due_soon_before),
        "at_risk": open_ & Q(at_risk=True) & Q(next_due__gte=t.today),
        "stale": open_
        & started
        & Q(next_due__gte=t.today)
        & (Q(last_update_at__lt=t.stale_before_dt()) | Q(last_update_at__isnull=True, start_date__lt=t.stale_before)),
        "missing_evidence": open_ & Q(evidence_count=0, next_due__gte=t.today, next_due__lt=t.evidence_before),
        "awaiting_approval": open_ & Q(completion_requested_at__isnull=False),
    }


FLAG_KEYS = ("overdue", "due_soon", "at_risk", "stale", "missing_evidence", "awaiting_approval")
FLAG_LABELS: dict[str, Promise] = {
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "at_risk": _("At risk"),
    "stale": _("No recent update"),
    "missing_evidence": _("Missing evidence"),
    "awaiting_approval": _("Awaiting approval"),
}
STATUS_KEYS = [s.value for s in TaskStatus]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def aggregates(t: Thresholds) -> dict[str, Count]:
    filters = flag_filters(t)
    out = {"total": Count("id")}
    for key in STATUS_KEYS:
        out[f"s_{key}"] = Count("id", filter=Q(status=key))
    for key in FLAG_KEYS:
        out[key] = Count("id", filter=filters[key])
    return out


def summary(tasks: QuerySet[Task], t: Thresholds) -> dict[str, int]:
    return tasks.aggregate(**aggregates(t))


def grouped(tasks: QuerySet[Task], t: Thresholds, by: str) -> list[dict[str, Any]]:
    """One row per group (e.g. lead_unit or agency) with status and flag counts."""
    return list(tasks.order_by().values(by).annotate(**aggregates(t)).order_by(by))


def filter_flag(tasks: QuerySet[Task], flag: str, t: Thresholds) -> QuerySet[Task]:
    filters = flag_filters(t)
    if flag not in filters:
        return tasks
    return tasks.filter(filters[flag])


def due_periods(tasks: QuerySet[Task]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The choices of the "due in" filter of the task list for the years of the tasks' plans:
    per year, its quarters ("2026-Q3") and months ("2026-07"), as (value, label)."""
    years = sorted(set(tasks.order_by().values_list("plan__year", flat=True).distinct()))
    out = []
    for year in years:
        quarters = [
            (f"{year}-Q{q}", str(_("Quarter %(q)s/%(year)s") % {"q": ROMAN[q], "year": year})) for q in range(1, 5)
        ]
        months = [
            (f"{year}-{m:02d}", str(_("Month %(month)s/%(year)s") % {"month": m, "year": year})) for m in range(1, 13)
        ]
        out.append((str(year), quarters + months))
    return out


def due_range(value: str) -> tuple[dt.date, dt.date] | None:
    """The dates [first, last] of a "due in" choice ("2026", "2026-Q3", "2026-07"); None when not one."""
    year, _sep, part = value.partition("-")
    if not year.isdigit() or not 1900 < int(year) < 3000:
        return None
    y = int(year)
    if not _sep:
        first_month, last_month = 1, 12
    elif part.startswith("Q") and part[1:] in {"1", "2", "3", "4"}:
        first_month, last_month = 3 * int(part[1:]) - 2, 3 * int(part[1:])
    elif part.isdigit() and 1 <= int(part) <= 12:
        first_month = last_month = int(part)
    else:
        return None
    last = dt.date(y + 1, 1, 1) if last_month == 12 else dt.date(y, last_month + 1, 1)
    return dt.date(y, first_month, 1), last - dt.timedelta(days=1)


def filter_due(tasks: QuerySet[Task], value: str) -> QuerySet[Task]:
    """The tasks whose due date (the next one of a recurring task) falls in a quarter or a month."""
    bounds = due_range(value)
    return tasks if bounds is None else tasks.filter(next_due__range=bounds)


def task_flags(task: Task, t: Thresholds) -> list[str]:
    """The same flags as flag_filters for one loaded task, for badges in lists (no query)."""
    if task.status in CLOSED_STATUSES or task.next_due is None:
        return []
    if task.next_due < t.today:
        return ["overdue"]
    flags = []
    if task.next_due < t.due_soon_before:
        flags.append("due_soon")
    if task.at_risk:
        flags.append("at_risk")
    started = task.start_date is None or task.start_date <= t.today
    since = timezone.localtime(task.last_update_at).date() if task.last_update_at else task.start_date
    if started and since is not None and since < t.stale_before:
        flags.append("stale")
    if task.evidence_count == 0 and task.next_due < t.evidence_before:
        flags.append("missing_evidence")
    return flags


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The summary of grouped rows, added up in Python (saves a second query)."""
    out: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            if isinstance(value, int) and (key == "total" or key.startswith("s_") or key in FLAG_KEYS):
                out[key] = out.get(key, 0) + value
    for key in ["total", *(f"s_{k}" for k in STATUS_KEYS), *FLAG_KEYS]:
        out.setdefault(key, 0)
    return out


def year_end(tasks: QuerySet[Task], by: str) -> list[dict[str, Any]]:
    """Tasks done on time, done late, open, cancelled and done without evidence, per group."""
    done = Q(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE])
    return list(
        tasks.order_by()
        .values(by)
        .annotate(
            total=Count("id", distinct=True),
            on_time=Count("id", filter=Q(status=TaskStatus.DONE), distinct=True),
            late=Count("id", filter=Q(status=TaskStatus.DONE_LATE), distinct=True),
            open=Count("id", filter=~Q(status__in=CLOSED_STATUSES), distinct=True),
            cancelled=Count("id", filter=Q(status=TaskStatus.CANCELLED), distinct=True),
            no_evidence=Count("id", filter=done & Q(evidence_count=0), distinct=True),
        )
        .order_by(by)
    )


def register_rows(tasks: QuerySet[Task], t: Thresholds) -> Iterator[list[Any]]:
    """The task register, one row per task in the order of `excel.EXPORT_HEADERS`: dates as
    dates, numbers as numbers, the flags in words. Read once (the export streams it)."""
    labels = dict(TaskStatus.choices)
    for task in tasks.prefetch_related("coordinating_units"):
        yield [
            task.code,
            task.section.code if task.section else "",
            task.title,
            task.lead_unit.name,
            ", ".join(u.code for u in task.coordinating_units.all()),
            task.start_date,
            task.deadline,
            task.get_recurrence_display() if task.recurrence else "",
            task.expected_product,
            task.target,
            str(labels[task.status]),
            task.progress,
            task.next_due,
            task.evidence_count,
            ", ".join(str(FLAG_LABELS[f]) for f in task_flags(task, t)),
            timezone.localtime(task.last_update_at) if task.last_update_at else None,
        ]


def inspection_resolution(inspection_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(resolved, total) findings per inspection: resolved = remediation task done."""
    rows = (
        Finding.objects.filter(inspection_id__in=list(inspection_ids))
        .values("inspection_id")
        .annotate(
            total=Count("id"),
            resolved=Count("id", filter=Q(remediation_task__status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE])),
        )
    )
    return {r["inspection_id"]: (r["resolved"], r["total"]) for r in rows}


def inspections_of(agency: Agency) -> QuerySet[Inspection]:
    """The agency's inspections, each with `resolved` and `total` findings (resolved = its
    remediation task done)."""
    done = Q(findings__remediation_task__status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE])
    return (
        Inspection.objects.filter(agency=agency)
        .select_related("inspected_unit")
        .annotate(total=Count("findings"), resolved=Count("findings", filter=done))
    )


def remediation_links(inspection: Inspection, visible: QuerySet[Task]) -> tuple[QuerySet[Finding], int, int]:
    """The inspection's findings, each with `task_visible` (whether its remediation task is among
    `visible`: other units' tasks show as a status only, without a link), and the resolved and
    total counts."""
    shown = visible.filter(pk=OuterRef("remediation_task_id"))
    findings = inspection.findings.select_related("remediation_task__lead_unit").annotate(task_visible=Exists(shown))
    resolved, total = inspection_resolution([inspection.pk]).get(inspection.pk, (0, 0))
    return findings, resolved, total
