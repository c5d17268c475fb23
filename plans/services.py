"""Workflows over plans and tasks. Each writes its audit entry inside one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import notifications, notify
from core.models import Document, Role, Unit, User
from core.services import StepRefused, diff, log_action
from core.text import fold
from plans import monitoring
from plans.models import (
    CLOSED_STATUSES,
    Comment,
    Finding,
    Inspection,
    Obstacle,
    Occurrence,
    Plan,
    ProgressUpdate,
    Task,
    TaskContribution,
    TaskEvidence,
    TaskStatus,
)

TRACKED = ("status", "progress", "deadline", "next_due", "completed_on", "needs_evidence", "evidence_waiver")


class WorkflowError(StepRefused):
    """A step that the task's current state does not allow (checked under the row lock);
    the message is for the user."""


def rules() -> monitoring.Rules:
    return monitoring.Rules(
        due_soon_days=settings.DUE_SOON_WORKING_DAYS,
        stale_days=settings.STALE_AFTER_WORKING_DAYS,
        reminder_days=tuple(settings.REMINDER_DAYS_BEFORE),
    )


def snapshot(
    task: Task, *, unit_names: dict[int, str] | None = None, coordinating: Iterable[int] = ()
) -> dict[str, Any]:
    """The audited fields of a task, with units and people by name. For a task just created in
    bulk (no people yet), `unit_names` and the `coordinating` unit ids spare the queries."""
    values = {name: getattr(task, name) for name in TRACKED}
    if unit_names is not None:
        values["lead_unit"] = unit_names[task.lead_unit_id]
        values["coordinating_units"] = ", ".join(sorted(unit_names[pk] for pk in coordinating))
        values["assignees"] = ""
    elif task.pk:
        values["lead_unit"] = task.lead_unit.name
        values["coordinating_units"] = ", ".join(sorted(u.name for u in task.coordinating_units.all()))
        values["assignees"] = ", ".join(sorted(u.display_name for u in task.assignees.all()))
    return values


def task_search_text(task: Task) -> str:
    return fold(" ".join([task.code, task.title, task.description, task.expected_product, task.target]))


def facts_of(task: Task) -> monitoring.TaskFacts:
    last = timezone.localtime(task.last_update_at).date() if task.last_update_at else None
    return monitoring.TaskFacts(
        start=task.start_date,
        due=task.next_due,
        progress=task.progress,
        closed=task.status in CLOSED_STATUSES,
        last_update=last,
        evidence_count=task.evidence_count,
        recurring=task.is_recurring,
    )


def apply_risk(task: Task, *, today: dt.date, cal: WorkingCalendar, r: monitoring.Rules) -> None:
    """Sets the stored risk flags from the pure rules (overdue is its own state, not "at risk")."""
    assessment = monitoring.assess(facts_of(task), today, cal, r)
    task.at_risk = assessment.at_risk and not assessment.overdue
    task.risk_reasons = ",".join(assessment.reasons)


def refresh_task(
    task: Task, *, today: dt.date, cal: WorkingCalendar, save: bool = True, open_dues: Iterable[dt.date] | None = None
) -> Task:
    """Recomputes the derived fields: next due date, evidence count, risk flags. `open_dues`: the
    due dates of a recurring task's open periods when the caller has them (a task not stored yet,
    created in bulk with its periods); otherwise they are read from the database."""
    if task.is_recurring:
        if open_dues is not None:
            task.next_due = min(open_dues, default=None)
        else:
            task.next_due = (
                task.occurrences.filter(done_on__isnull=True).aggregate(d=Min("due_date"))["d"] if task.pk else None
            )
    else:
        task.next_due = task.deadline
    if task.pk:
        task.evidence_count = task.evidence_links.count()
    apply_risk(task, today=today, cal=cal, r=rules())
    task.search_text = task_search_text(task)
    if save:
        task.save(update_fields=["next_due", "evidence_count", "at_risk", "risk_reasons", "search_text"])
    return task


def refresh_open_tasks(*, today: dt.date, cal: WorkingCalendar, agency_ids: Iterable[int] | None = None) -> int:
    """Daily refresh of the derived fields of every open task (run by the worker).

    Each write is conditional on the task being as it was read: if a request changed it in
    the meantime (and refreshed it itself), the worker leaves it alone."""
    qs = Task.objects.exclude(status__in=CLOSED_STATUSES).annotate(
        n_evidence=Count("evidence_links", distinct=True),
        open_due=Min("occurrences__due_date", filter=Q(occurrences__done_on__isnull=True)),
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    changed, r = 0, rules()
    for task in qs.order_by("pk").iterator(chunk_size=2000):
        read = {
            "status": task.status,
            "progress": task.progress,
            "last_update_at": task.last_update_at,
            "deadline": task.deadline,
            "start_date": task.start_date,
            "evidence_count": task.evidence_count,
            "next_due": task.next_due,
        }
        before = (task.next_due, task.evidence_count, task.at_risk, task.risk_reasons)
        task.next_due = task.open_due if task.is_recurring else task.deadline
        task.evidence_count = task.n_evidence
        apply_risk(task, today=today, cal=cal, r=r)
        if before != (task.next_due, task.evidence_count, task.at_risk, task.risk_reasons):
            changed += Task.objects.filter(pk=task.pk, **read).update(
                next_due=task.next_due,
                evidence_count=task.evidence_count,
                at_risk=task.at_risk,
                risk_reasons=task.risk_reasons,
            )
    return changed


def _record(actor: User | None, task: Task, before: dict[str, Any], action: str, note: str = "") -> None:
    changes = diff(before, snapshot(task))
    log_action(actor=actor, agency=task.agency, action=action, obj=task, changes=changes, note=note)


def occurrence_schedule(task: Task) -> dict[str, dt.date]:
    """The periods of a recurring task in its plan's year: label -> due date (empty if one-off)."""
    schedule: dict[str, dt.date] = {}
    if task.is_recurring:
        year_end = dt.date(task.plan.year, 12, 31)
        start = task.start_date or dt.date(task.plan.year, 1, 1)
        for label, due in monitoring.occurrence_dates(task.recurrence, task.recurrence_day or 28, start, year_end):
            schedule[label] = due
    return schedule


def ensure_occurrences(task: Task) -> None:
    """Makes the periods of a task match its recurrence, period by period: a period already done
    is kept as it is, an open one follows the new due date, an open one no longer in the
    schedule is removed (all of them when the task becomes one-off)."""
    schedule = occurrence_schedule(task)
    task.occurrences.filter(done_on__isnull=True).exclude(period_label__in=list(schedule)).delete()
    existing = {o.period_label: o for o in task.occurrences.all()}
    taken = {o.due_date for o in existing.values()}
    for label, due in schedule.items():
        occurrence = existing.get(label)
        if occurrence is None:
            if due not in taken:  # a period already done on that date covers it
                Occurrence.objects.create(task=task, due_date=due, period_label=label)
                taken.add(due)
        elif occurrence.done_on is None and occurrence.due_date != due and due not in taken:
            taken.discard(occurrence.due_date)
            occurrence.due_date = due
            occurrence.save(update_fields=["due_date"])
            taken.add(due)
    if task.is_recurring and task.pk:
        recount_periods(task)


def recount_periods(task: Task) -> None:
    """Progress and status of a recurring task follow its periods."""
    if task.status == TaskStatus.CANCELLED:
        return
    total = task.occurrences.count()
    done = task.occurrences.filter(done_on__isnull=False).count()
    task.progress = (100 * done) // total if total else 0
    if total and done == total:
        late = task.occurrences.filter(done_on__gt=F("due_date")).exists()
        task.status = TaskStatus.DONE_LATE if late else TaskStatus.DONE
        task.completed_on = task.occurrences.aggregate(d=Max("done_on"))["d"]
    elif done:
        task.status, task.completed_on = TaskStatus.IN_PROGRESS, None
    elif task.status in CLOSED_STATUSES:
        task.status, task.completed_on = TaskStatus.NOT_STARTED, None
    task.save(update_fields=["progress", "status", "completed_on"])


def locked(task: Task) -> Task:
    """Takes the task's row lock and re-reads it in place, so that two requests cannot interleave
    their writes (the caller's object sees the fresh state)."""
    list(Task.objects.select_for_update().filter(pk=task.pk).values_list("pk"))
    task.refresh_from_db()
    return task


def lacks_evidence(task: Task) -> bool:
    """The task needs evidence to be complete (D11) and has none linked."""
    return task.needs_evidence and not (task.pk and task.evidence_links.exists())


def evidence_refusal(task: Task, *, approver: bool = False) -> str:
    """Why a task cannot reach 100 % yet, naming the evidence its plan requires."""
    if approver:
        text = _("No evidence document is linked: link it, or give the reason for completing without it.")
    else:
        text = _("Link an evidence document before reporting the task complete.")
    required = "; ".join(line.strip(" -•;.") for line in task.evidence_required.splitlines() if line.strip(" -•;."))
    if required:
        text += " " + _("Evidence required: %(evidence)s") % {"evidence": required} + "."
    return text


@transaction.atomic
def post_progress(
    *,
    actor: User,
    task: Task,
    progress: int,
    text: str,
    today: dt.date,
    cal: WorkingCalendar,
    can_approve: bool = False,
    no_evidence_reason: str = "",
) -> ProgressUpdate:
    """An officer of the lead unit reports progress. 100 % asks the unit head to approve
    completion (or completes the task when the author may approve). A task that needs evidence
    reaches 100 % only with evidence linked, or when the author may approve and says why
    (`no_evidence_reason`, kept on the task and audited)."""
    if not 0 <= progress <= 100:
        raise ValueError("progress must be between 0 and 100")
    task = locked(task)
    if task.status in CLOSED_STATUSES:
        raise WorkflowError(_("This task is closed."))
    if task.is_recurring:
        raise WorkflowError(_("A recurring task progresses by its periods: mark each period done."))
    if progress == 100 and lacks_evidence(task) and not (can_approve and no_evidence_reason.strip()):
        raise WorkflowError(evidence_refusal(task, approver=can_approve))
    before = snapshot(task)
    update = ProgressUpdate.objects.create(task=task, author=actor, progress=progress, text=text)
    task.progress = progress
    task.last_update_at = update.created_at
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    # 100 % asks for approval; a lower figure withdraws a pending request.
    task.completion_requested_at = update.created_at if progress == 100 else None
    task.save(update_fields=["progress", "last_update_at", "status", "completion_requested_at"])
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.progress", note=text[:500])
    if progress == 100:
        if can_approve:  # the approver reports it done: done today, no request to wait on
            Task.objects.filter(pk=task.pk).update(completion_requested_at=None)
            approve_completion(
                actor=actor, task=task, today=today, cal=cal, requested=False, no_evidence_reason=no_evidence_reason
            )
        else:
            title = _("Completion to approve: %(task)s") % {"task": task}
            url = task.get_absolute_url()
            notify(
                notifications(
                    approvers(task), key=f"approval:{update.pk}", kind="approval", title=title, url=url, day=today
                )
            )
    return update


def approvers(task: Task) -> set[int]:
    """Who is asked to approve a task's completion: the head of its lead unit, else (no head) the
    agency's leaders."""
    heads = members_with(task.agency_id, [Role.UNIT_HEAD], unit_id=task.lead_unit_id)
    return heads or members_with(task.agency_id, [Role.LEADER])


@transaction.atomic
def approve_completion(
    *,
    actor: User,
    task: Task,
    today: dt.date,
    cal: WorkingCalendar,
    requested: bool = True,
    no_evidence_reason: str = "",
) -> Task:
    """The task is done on the day the unit reported it complete (not the day of approval).
    `requested=False` when the approver reports it done themself. A task that needs evidence and
    has none is approved only with the reason (D11), kept on the task and audited."""
    task = locked(task)
    if task.status in CLOSED_STATUSES or (requested and task.completion_requested_at is None):
        raise WorkflowError(_("There is no completion to approve."))
    waiver = no_evidence_reason.strip()
    if lacks_evidence(task) and not waiver:
        raise WorkflowError(evidence_refusal(task, approver=True))
    before = snapshot(task)
    missing = lacks_evidence(task)
    task.evidence_waiver = waiver if missing else ""  # no reason left over from an earlier approval
    reported = task.completion_requested_at
    task.completed_on = timezone.localtime(reported).date() if reported else today
    task.status = monitoring.completion_status(task.deadline, task.completed_on)
    task.progress = 100
    task.completion_requested_at = None
    task.save(update_fields=["completed_on", "status", "progress", "completion_requested_at", "evidence_waiver"])
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.approved", note=task.evidence_waiver if missing else "")
    return task


@transaction.atomic
def return_for_rework(*, actor: User, task: Task, reason: str, today: dt.date, cal: WorkingCalendar) -> Task:
    task = locked(task)
    if task.status in CLOSED_STATUSES or task.completion_requested_at is None:
        raise WorkflowError(_("There is no completion to return."))
    before = snapshot(task)
    task.completion_requested_at = None
    task.progress = min(task.progress, 90)
    task.save(update_fields=["completion_requested_at", "progress"])
    Comment.objects.create(task=task, author=actor, text=reason)
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.returned", note=reason)
    return task


@transaction.atomic
def complete_occurrence(
    *, actor: User, occurrence: Occurrence, today: dt.date, cal: WorkingCalendar, note: str = ""
) -> Occurrence:
    task = locked(occurrence.task)
    occurrence.refresh_from_db()
    if task.status in CLOSED_STATUSES:
        raise WorkflowError(_("This task is closed."))
    if occurrence.done_on is not None:
        raise WorkflowError(_("This period is already done."))
    before = snapshot(task)
    occurrence.done_on = today
    occurrence.done_by = actor
    occurrence.save(update_fields=["done_on", "done_by"])
    task.last_update_at = timezone.now()
    task.save(update_fields=["last_update_at"])
    recount_periods(task)
    ProgressUpdate.objects.create(
        task=task,
        occurrence=occurrence,
        author=actor,
        progress=task.progress,
        text=note or f"{occurrence.period_label}: ✓",
    )
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.occurrence_done", note=occurrence.period_label)
    return occurrence


@transaction.atomic
def create_task(*, actor: User, plan: Plan, data: dict[str, Any], today: dt.date, cal: WorkingCalendar) -> Task:
    """A new task added to a plan by the Office (outside the Excel import)."""
    units = data.pop("coordinating_units", [])
    assignees = data.pop("assignees", [])
    task = Task.objects.create(plan=plan, agency=plan.agency, **data)
    task.coordinating_units.set(units)
    task.assignees.set(assignees)
    ensure_occurrences(task)
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, {}, "task.created")
    return task


@transaction.atomic
def update_task(
    *, actor: User, task: Task, data: dict[str, Any], today: dt.date, cal: WorkingCalendar, reason: str = ""
) -> Task:
    """Edits planning fields (manager only). A deadline change needs a reason."""
    task = locked(task)
    if task.status in CLOSED_STATUSES:
        raise WorkflowError(_("This task is closed."))
    before = snapshot(task)
    units = data.pop("coordinating_units", None)
    assignees = data.pop("assignees", None)
    if "deadline" in data and data["deadline"] != task.deadline and task.deadline and not reason:
        raise ValueError("a deadline change needs a reason")
    for key, value in data.items():
        setattr(task, key, value)
    task.save()
    if units is not None:
        task.coordinating_units.set(units)
    if assignees is not None:
        task.assignees.set(assignees)
    ensure_occurrences(task)
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.updated", note=reason)
    return task


@transaction.atomic
def cancel_task(*, actor: User, task: Task, reason: str, today: dt.date, cal: WorkingCalendar) -> Task:
    if not reason.strip():
        raise ValueError("a cancellation needs a reason")
    task = locked(task)
    if task.status in CLOSED_STATUSES:
        raise WorkflowError(_("This task is closed."))
    before = snapshot(task)
    task.status = TaskStatus.CANCELLED
    task.save(update_fields=["status"])
    refresh_task(task, today=today, cal=cal)
    _record(actor, task, before, "task.cancelled", note=reason)
    return task


@transaction.atomic
def report_obstacle(*, actor: User, task: Task, text: str, proposal: str = "") -> Obstacle:
    """The unit head reports a difficulty; the agency's leaders and the Office are notified."""
    obstacle = Obstacle.objects.create(task=task, reported_by=actor, text=text, proposal=proposal)
    log_action(actor=actor, agency=task.agency, action="task.obstacle", obj=task, note=text[:500])
    leaders = members_with(task.agency_id, [Role.LEADER, Role.FOCAL_POINT]) - {actor.pk}
    title = _("Obstacle reported on %(task)s: %(text)s") % {"task": task.code, "text": text}
    key, url, day = f"obstacle:{obstacle.pk}", task.get_absolute_url(), timezone.localdate()
    notify(notifications(leaders, key=key, kind="obstacle", title=title, url=url, day=day))
    return obstacle


@transaction.atomic
def resolve_obstacle(*, actor: User, obstacle: Obstacle, response: str) -> Obstacle:
    obstacle = Obstacle.objects.select_for_update().select_related("task__agency").get(pk=obstacle.pk)
    if obstacle.status != Obstacle.Status.OPEN:
        raise WorkflowError(_("A direction was already recorded."))
    obstacle.status = Obstacle.Status.RESOLVED
    obstacle.response = response
    obstacle.resolved_by = actor
    obstacle.resolved_at = timezone.now()
    obstacle.save()
    log_action(
        actor=actor,
        agency=obstacle.task.agency,
        action="task.obstacle_resolved",
        obj=obstacle.task,
        note=response[:500],
    )
    return obstacle


def add_comment(*, actor: User, task: Task, text: str) -> Comment:
    return Comment.objects.create(task=task, author=actor, text=text)


@transaction.atomic
def report_contribution(
    *,
    actor: User,
    task: Task,
    unit: Unit,
    progress: int,
    text: str,
    documents: Iterable[Document] = (),
) -> TaskContribution:
    """A coordinating unit reports its own part of a task (D10): its progress, what it did, and
    evidence documents (added to those it gave before). Never the task's overall progress, which
    is the lead unit's. Audited on the task."""
    if not 0 <= progress <= 100:
        raise ValueError("progress must be between 0 and 100")
    task = locked(task)
    if task.status in CLOSED_STATUSES:
        raise WorkflowError(_("This task is closed."))
    if not task.coordinating_units.filter(pk=unit.pk).exists():
        raise ValueError("not a coordinating unit of the task")
    part, created = TaskContribution.objects.get_or_create(task=task, unit=unit, defaults={"text": text})
    before = {"contribution": f"{unit.name}: {part.progress}%" if not created else None}
    part.progress, part.text, part.updated_by = progress, text, actor
    part.save()
    added = [d for d in documents if d.agency_id == task.agency_id and not part.documents.filter(pk=d.pk).exists()]
    part.documents.add(*added)
    changes = diff(before, {"contribution": f"{unit.name}: {progress}%"})
    if added:
        changes["evidence"] = [None, ", ".join(str(d) for d in added)]
    log_action(actor=actor, agency=task.agency, action="task.contribution", obj=task, changes=changes, note=text[:500])
    return part


@transaction.atomic
def link_evidence(*, actor: User, task: Task, document: Document, today: dt.date, cal: WorkingCalendar) -> TaskEvidence:
    if document.agency_id != task.agency_id:
        raise ValueError("evidence of another agency")
    link, created = TaskEvidence.objects.get_or_create(task=task, document=document, defaults={"linked_by": actor})
    if created:
        _evidence_changed(actor, task, "task.evidence_linked", [None, str(document)], today=today, cal=cal)
    return link


@transaction.atomic
def unlink_evidence(*, actor: User, task: Task, document: Document, today: dt.date, cal: WorkingCalendar) -> None:
    deleted, _ = TaskEvidence.objects.filter(task=task, document=document).delete()
    if deleted:
        _evidence_changed(actor, task, "task.evidence_unlinked", [str(document), None], today=today, cal=cal)


def _evidence_changed(
    actor: User, task: Task, action: str, change: list[str | None], *, today: dt.date, cal: WorkingCalendar
) -> None:
    refresh_task(task, today=today, cal=cal)
    log_action(actor=actor, agency=task.agency, action=action, obj=task, changes={"evidence": change})


@transaction.atomic
def create_inspection(*, actor: User, inspection: Inspection) -> Inspection:
    inspection.created_by = actor
    inspection.save()
    log_action(
        actor=actor, agency=inspection.agency, action="inspection.created", obj=inspection, note=inspection.title
    )
    return inspection


def remediation_plan(agency_id: int) -> Plan | None:
    """The plan that holds an agency's remediation tasks: its latest."""
    return Plan.objects.filter(agency_id=agency_id).order_by("-year").first()


@transaction.atomic
def add_finding(
    *,
    actor: User,
    inspection: Inspection,
    text: str,
    deadline: dt.date,
    today: dt.date,
    cal: WorkingCalendar,
    plan: Plan | None = None,
) -> Finding:
    """Every inspection finding becomes a remediation task of the inspected unit, in `plan` (by
    default the agency's latest plan; refused when the agency has none)."""
    plan = plan or remediation_plan(inspection.agency_id)
    if plan is None:
        raise WorkflowError(_("The agency has no plan to hold remediation tasks."))
    finding = Finding.objects.create(inspection=inspection, text=text)
    section = plan.sections.filter(par_domain=1).order_by("order").first()
    code = f"KT{inspection.pk}.{finding.pk}"
    task = Task.objects.create(
        plan=plan,
        agency=plan.agency,
        section=section,
        code=code,
        title=(_("Remedy: %(finding)s") % {"finding": text})[:300],
        description=f"{inspection.title}\n{text}",
        par_domain=1,
        lead_unit=inspection.inspected_unit,
        start_date=today,
        deadline=deadline,
        expected_product=_("Report on the remedy of the finding of the CCHC inspection"),
    )
    refresh_task(task, today=today, cal=cal)
    finding.remediation_task = task
    finding.save(update_fields=["remediation_task"])
    log_action(actor=actor, agency=plan.agency, action="task.created", obj=task, note=inspection.title)
    log_action(actor=actor, agency=plan.agency, action="inspection.finding", obj=inspection, note=text[:500])
    return finding
