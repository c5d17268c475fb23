"""Figures the plan and the register of assigned tasks provide to other modules (core.metrics
registry): PAR criteria 1.1.2 and 1.5, and the actual values of issue 22's targets.

Every provider counts the agency's records of the year up to `today` (1 January .. min(today,
31 December)): a snapshot calls it with a past month end. The registers keep no history of a
task's status, so a task cancelled (or an evidence document unlinked) after that day is left out
of an older snapshot too: an approximation accepted by issue 22 (a snapshot is taken at each
period end, when it is current). Definitions: docs/measures.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import END_OF_DAY, LOCAL
from core.metrics import MetricValue, ratio_value, register_metric, shared, year_so_far
from plans.assigned import assigned_by_province, on_time_counts
from plans.models import AssignedTask, Finding, Occurrence, Task, TaskEvidence, TaskStatus

DONE_STATUSES = (TaskStatus.DONE, TaskStatus.DONE_LATE)


@shared
def _task_counts(agency_id: int, year: int, end: dt.date) -> dict[str, int]:
    """One-off (not recurring) tasks of the year's plans due by `end`, cancelled ones left out."""
    counts: dict[str, int] = (
        Task.objects.filter(agency_id=agency_id, plan__year=year, recurrence="", deadline__lte=end)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(
            due=Count("pk"),
            on_time=Count(
                "pk", filter=Q(status=TaskStatus.DONE) & (Q(completed_on__isnull=True) | Q(completed_on__lte=end))
            ),
        )
    )
    return counts


@shared
def _occurrence_counts(agency_id: int, year: int, end: dt.date) -> dict[str, int]:
    """Due dates of the recurring tasks of the year's plans that fell by `end` (cancelled tasks
    left out); on time: done on or before the due date."""
    counts: dict[str, int] = (
        Occurrence.objects.filter(task__agency_id=agency_id, task__plan__year=year, due_date__lte=end)
        .exclude(task__status=TaskStatus.CANCELLED)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(done_on__lte=end) & Q(done_on__lte=F("due_date"))))
    )
    return counts


def plan_completion_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """PAR 1.1.2. Over the tasks of the agency's plans of `year` that were due by `today`, cancelled
    ones left out: a one-off task counts once (due on its deadline; on time when its status is
    "done", i.e. approved by the deadline, and completed by `today`); a recurring task counts each
    of its due dates (Occurrence) that fell by `today` (on time when done on or before that date).
    Numerator: those done on time; denominator: those due."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    tasks, occurrences = _task_counts(agency.pk, year, end), _occurrence_counts(agency.pk, year, end)
    return ratio_value(
        tasks["on_time"] + occurrences["on_time"],
        tasks["due"] + occurrences["due"],
        start=start,
        end=end,
        source=_("Plan tasks and periodic due dates done on time / due"),
    )


def periodic_reports_on_time_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """The due dates (Occurrence) of the recurring tasks of the year's plans (periodic reports...)
    that fell by `today`, cancelled tasks left out: done on or before the due date / due."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    counts = _occurrence_counts(agency.pk, year, end)
    return ratio_value(
        counts["on_time"], counts["due"], start=start, end=end, source=_("Periodic due dates done on time / due")
    )


def assigned_tasks_on_time_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """PAR 1.5 and the first target of II.1.a. Over the tasks the UBND tỉnh, its Chairman or a
    Vice-Chairman assigned to the agency (AssignedTask; a ministry's are left out), not
    withdrawn, whose due date falls in [1 January, today]: numerator those done (status "done")
    with completed_on on or before the due date (hence by today); denominator all of them. A
    task without a due date is left out; one withdrawn later is left out of older snapshots too
    (no history kept). The register's one rule, plans.assigned.on_time_counts, as its pages
    count it by period."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    tasks = assigned_by_province(AssignedTask.objects.filter(agency=agency))
    on_time, due = on_time_counts(tasks, start, end)
    return ratio_value(on_time, due, start=start, end=end, source=_("Assigned tasks done on time / due"))


def inspection_findings_resolved_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Findings of the agency's CCHC inspections held in [1 January, today]: resolved when their
    remediation task is done (on time or late) with completed_on by today; a finding without a
    remediation task is unresolved."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    done = Q(remediation_task__status__in=DONE_STATUSES) & Q(remediation_task__completed_on__lte=end)
    counts = Finding.objects.filter(
        inspection__agency=agency, inspection__inspected_on__gte=start, inspection__inspected_on__lte=end
    ).aggregate(findings=Count("pk"), resolved=Count("pk", filter=done))
    return ratio_value(
        counts["resolved"],
        counts["findings"],
        start=start,
        end=end,
        source=_("Inspection findings with their remediation task done / findings"),
    )


def evidence_coverage_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Tasks of the year's plans that need evidence (needs_evidence) and were closed as done (on
    time or late, completed by today): those with at least one evidence document linked by the end
    of today / all of them."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    linked = TaskEvidence.objects.filter(
        task=OuterRef("pk"), linked_at__lte=dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL)
    )
    counts = (
        Task.objects.filter(
            agency=agency, plan__year=year, needs_evidence=True, status__in=DONE_STATUSES, completed_on__lte=end
        )
        .annotate(has_evidence=Exists(linked))
        .aggregate(closed=Count("pk"), covered=Count("pk", filter=Q(has_evidence=True)))
    )
    return ratio_value(
        counts["covered"],
        counts["closed"],
        start=start,
        end=end,
        source=_("Completed tasks needing evidence with a document linked / those tasks"),
    )


def _tasks_link(**params: str) -> Any:
    def link(agency: Any, year: int) -> str:
        return reverse("plans:task_list") + "?" + urlencode({"due": str(year), **params})

    return link


def _assigned_link(agency: Any, year: int) -> str:
    return reverse("plans:assigned_list") + "?" + urlencode({"year": year})


def _inspections_link(agency: Any, year: int) -> str:
    return reverse("plans:inspections")


PLAN_COMPLETION = gettext_lazy("Plan tasks done on time (plan completion, PAR 1.1.2)")


def register() -> None:
    register_metric("plan_completion_rate", str(PLAN_COMPLETION), plan_completion_rate, link=_tasks_link())
    # the former key, still named by criteria sets stored in databases: the same figure
    register_metric("task_completion_rate", str(PLAN_COMPLETION), plan_completion_rate, link=_tasks_link())
    register_metric(
        "assigned_tasks_on_time_rate",
        str(gettext_lazy("Tasks assigned by the province done on time (PAR 1.5)")),
        assigned_tasks_on_time_rate,
        link=_assigned_link,
    )
    register_metric(
        "inspection_findings_resolved_rate",
        str(gettext_lazy("CCHC inspection findings resolved")),
        inspection_findings_resolved_rate,
        link=_inspections_link,
    )
    register_metric(
        "evidence_coverage_rate",
        str(gettext_lazy("Completed tasks with evidence")),
        evidence_coverage_rate,
        link=_tasks_link(status=TaskStatus.DONE),
    )
    register_metric(
        "periodic_reports_on_time_rate",
        str(gettext_lazy("Periodic reports done on time")),
        periodic_reports_on_time_rate,
        link=_tasks_link(),
    )
