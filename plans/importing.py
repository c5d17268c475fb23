"""Plan import from Excel: preview with row-level errors, then an all-or-nothing commit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.calendar import WorkingCalendar
from core.models import AuditEntry, Unit
from core.services import audit_entry, diff, log_action
from core.text import fold
from plans import excel
from plans.models import CLOSED_STATUSES, Occurrence, Plan, Task
from plans.services import ensure_occurrences, occurrence_schedule, refresh_task, snapshot


def _lookups(plan: Plan) -> tuple[dict[str, int], set[str]]:
    units: dict[str, int] = {}
    for unit in Unit.objects.filter(agency=plan.agency):
        units[fold(unit.code)] = unit.pk
        units[fold(unit.name)] = unit.pk
    sections = set(plan.sections.values_list("code", flat=True))
    return units, sections


def preview(*, plan: Plan, data: bytes) -> excel.ParsedPlan:
    """Parses the file and checks it against the plan: closed tasks are not changed by import,
    and moving the deadline of an existing task needs a reason (as on the edit page)."""
    units, sections = _lookups(plan)
    parsed = excel.parse_plan_workbook(data, units=units, sections=sections)
    existing = {t.code: t for t in plan.tasks.only("code", "status", "deadline")}
    for row in parsed.rows:
        task = existing.get(row["code"])
        row["exists"] = task is not None
        if task is None:
            continue
        if task.status in CLOSED_STATUSES:
            parsed.refuse(row["row"], "code", row["code"], "closed_task")
        elif task.deadline and row["deadline"] != task.deadline and not row["change_reason"]:
            value = f"{row['deadline']:%d/%m/%Y}" if row["deadline"] else ""
            parsed.refuse(row["row"], "deadline", value, "reason_required")
    parsed.errors.sort(key=lambda e: e.row)
    return parsed


BATCH = 500


@transaction.atomic
def commit_import(*, actor, plan: Plan, data: bytes, today: dt.date, cal: WorkingCalendar) -> excel.ParsedPlan:
    """Re-parses the file and writes every row or none. Existing codes are updated one by one (as
    the edit page does); new ones are created in bulk, with their audit entries, so that a file of
    5,000 tasks takes seconds rather than a minute (bench/plan_dashboard.py)."""
    parsed = preview(plan=plan, data=data)
    if parsed.errors:
        return parsed
    sections = {s.code: s for s in plan.sections.all()}
    existing = {t.code: t for t in plan.tasks.all()}
    created: list[tuple[Task, dict]] = []
    for row in parsed.rows:
        fields = {
            "appendix": row["appendix"],
            "section": sections.get(row["section"]),
            "title": row["title"],
            "description": row["description"],
            "par_domain": row["par_domain"],
            "sipas_element": row["sipas_element"],
            "lead_unit_id": row["lead_unit_id"],
            "start_date": row["start_date"],
            "deadline": row["deadline"],
            "recurrence": row["recurrence"],
            "recurrence_day": row["recurrence_day"],
            "expected_product": row["expected_product"],
            "target": row["target"],
            "evidence_required": row["evidence_required"],
        }
        task = existing.get(row["code"])
        if task is None:
            created.append((Task(plan=plan, agency=plan.agency, code=row["code"], **fields), row))
            continue
        before = snapshot(task)
        if fields["section"] is None:
            fields["section"] = task.section  # an empty cell keeps the task where it is
        for key, value in fields.items():
            setattr(task, key, value)
        task.save()
        task.coordinating_units.set(row["coordinating_unit_ids"])
        ensure_occurrences(task)
        refresh_task(task, today=today, cal=cal)
        changes = diff(before, snapshot(task))
        log_action(actor=actor, agency=plan.agency, action="task.imported", obj=task, changes=changes, note=_note(row))
    _create_in_bulk(actor, plan, created, today=today, cal=cal)
    return parsed


def _note(row: dict) -> str:
    return " · ".join(filter(None, ["Excel", row["change_reason"]]))


def _create_in_bulk(actor, plan: Plan, created: list[tuple[Task, dict]], *, today: dt.date, cal: WorkingCalendar):
    """The new tasks of an import, with what ensure_occurrences and refresh_task would give each
    one by one: its periods (none done yet, one per due date), the next due date, no evidence,
    the risk flags and the search text; and its audit entry."""
    periods: list[dict[dt.date, str]] = []
    for task, _row in created:
        open_periods: dict[dt.date, str] = {}
        for label, due in occurrence_schedule(task).items():
            open_periods.setdefault(due, label)  # a second period on the same date is not made
        periods.append(open_periods)
        refresh_task(task, today=today, cal=cal, save=False, open_dues=open_periods)  # no evidence yet
    Task.objects.bulk_create([task for task, _row in created], batch_size=BATCH)
    Through = Task.coordinating_units.through
    Through.objects.bulk_create(
        [Through(task_id=task.pk, unit_id=unit) for task, row in created for unit in row["coordinating_unit_ids"]],
        batch_size=BATCH,
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(task_id=task.pk, due_date=due, period_label=label)
            for (task, _row), open_periods in zip(created, periods, strict=True)
            for due, label in open_periods.items()
        ],
        batch_size=BATCH,
    )
    names = dict(Unit.objects.filter(agency=plan.agency).values_list("pk", "name"))
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                agency=plan.agency,
                action="task.created",
                object_type=Task._meta.label_lower,
                object_id=task.pk,
                changes=diff({}, snapshot(task, unit_names=names, coordinating=row["coordinating_unit_ids"])),
                note=_note(row),
            )
            for task, row in created
        ],
        batch_size=BATCH,
    )
