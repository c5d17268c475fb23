"""The register of tasks assigned to the agency by the UBND tỉnh, its Chairman and Vice-Chairmen
(and ministries) (issue 22): its workflows (enter, change, report done, reopen, withdraw, import
or push by code), each audited with its before and after, and its reads (the register with its
filters, the on-time figures by month, quarter or year).

The on-time rule (docs/assigned-tasks.md), one source for this page, the command, the API and the
metric `assigned_tasks_on_time_rate`: over a window [start, end], the tasks DUE are those not
withdrawn whose due date falls in the window; of them, ON TIME are those done with a completion
date on or before the due date. A task done late, or still open after its due date, is due and
not on time; a task without a due date is never counted."""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from core.models import Agency, Document, Unit, User
from core.numbers import vi_number
from core.services import StepRefused, diff, log_action
from core.text import fold
from plans.models import AssignedTask

Status = AssignedTask.Status
FIELDS = (
    "code",
    "document_number",
    "document_date",
    "issuer",
    "issuer_name",
    "excerpt",
    "content",
    "due_date",
    "lead_unit",
    "coordinating_units",
    "status",
    "completed_on",
    "report_number",
    "report_date",
    "note",
    "evidence",
)
# What an import or a push may set (the code finds the task; evidence is linked on the page)
DATA_FIELDS = tuple(f for f in FIELDS if f not in ("code", "evidence"))
PERCENT = Decimal("0.1")
_MANY = ("lead_unit", "coordinating_units", "evidence")


class AssignedError(StepRefused):
    """A step on an assigned task that its state does not allow, said to the user."""


# --- workflows ---------------------------------------------------------------------------------


def snapshot(task: AssignedTask) -> dict[str, Any]:
    """The audited fields of a task (units and evidence as sorted ids)."""
    values: dict[str, Any] = {name: getattr(task, name) for name in FIELDS if name not in _MANY}
    values["lead_unit"] = task.lead_unit_id
    if task.pk:
        values["coordinating_units"] = sorted(u.pk for u in task.coordinating_units.all())
        values["evidence"] = sorted(d.pk for d in task.evidence.all())
    else:
        values["coordinating_units"] = values["evidence"] = []
    return values


def _check(agency: Agency, data: dict[str, Any], *, today: dt.date | None = None) -> None:
    """The rules between fields, whoever enters the task (form, file, API)."""
    units = [data.get("lead_unit"), *data.get("coordinating_units", [])]
    if any(u is not None and u.agency_id != agency.pk for u in units):
        raise AssignedError(_("A unit is not one of the agency's units."))
    status = data.get("status", Status.OPEN)
    completed = data.get("completed_on")
    if status == Status.DONE and completed is None:
        raise AssignedError(_("A task done needs the date it was completed."))
    if status != Status.DONE and completed is not None:
        raise AssignedError(_("Only a task done has a completion date."))
    if completed is not None and completed < data["document_date"]:
        raise AssignedError(_("The task is completed before the date of the assigning document."))
    if today is not None and completed is not None and completed > today:
        raise AssignedError(_("The completion date is in the future."))
    due = data.get("due_date")
    if due is not None and due < data["document_date"]:
        raise AssignedError(_("The due date is before the date of the assigning document."))


def _set(task: AssignedTask, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name in ("coordinating_units", "evidence"):
            continue
        setattr(task, name, value)
    task.save()
    if "coordinating_units" in data:
        task.coordinating_units.set(data["coordinating_units"])
    if "evidence" in data:
        task.evidence.set(data["evidence"])


def _record(actor: User | None, task: AssignedTask, before: dict[str, Any], *, action: str, note: str = "") -> bool:
    """One audit entry for a change (none when nothing changed); whether something changed."""
    changes = diff(before, snapshot(task))
    if not changes and not note:
        return False
    log_action(actor=actor, agency=task.agency, action=action, obj=task, changes=changes, note=note)
    return bool(changes)


@transaction.atomic
def create_assigned(
    *, actor: User | None, agency: Agency, data: dict[str, Any], source: str = "manual", today: dt.date | None = None
) -> AssignedTask:
    """A new task of the register; its code must be new in the agency."""
    code = str(data.get("code", "")).strip()
    if not code:
        raise AssignedError(_("The tracking code is required."))
    if AssignedTask.objects.filter(agency=agency, code=code).exists():
        raise AssignedError(_("The register already has a task with the code %(code)s.") % {"code": code})
    _check(agency, data, today=today)
    task = AssignedTask(agency=agency, code=code, source=source)
    before: dict[str, Any] = {}  # a new task: every value it is given is a change
    _set(task, {k: v for k, v in data.items() if k != "code"})
    _record(actor, task, before, action="assigned.created")
    return task


@transaction.atomic
def update_assigned(
    *, actor: User | None, task: AssignedTask, data: dict[str, Any], today: dt.date | None = None, note: str = ""
) -> AssignedTask:
    """Changes what the form gives (never the code); audited with its before and after."""
    task = AssignedTask.objects.select_for_update().get(pk=task.pk)
    current = {name: getattr(task, name) for name in ("document_date", "status", "completed_on", "due_date")}
    _check(task.agency, current | {"lead_unit": task.lead_unit} | data, today=today)
    before = snapshot(task)
    _set(task, {k: v for k, v in data.items() if k != "code"})
    _record(actor, task, before, action="assigned.updated", note=note)
    return task


@transaction.atomic
def complete_assigned(
    *,
    actor: User | None,
    task: AssignedTask,
    completed_on: dt.date,
    today: dt.date,
    report_number: str = "",
    report_date: dt.date | None = None,
    documents: Iterable[Document] = (),
    note: str = "",
) -> AssignedTask:
    """Reports the task done: the completion date, the report sent (number, date) and evidence.
    Again on a task done, it corrects those (audited); a withdrawn task is refused."""
    task = AssignedTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
    if task.status == Status.WITHDRAWN:
        raise AssignedError(_("This task was withdrawn by the issuer: reopen it first."))
    if report_date is not None and report_date > today:
        raise AssignedError(_("The report date is in the future."))
    documents = list(documents)
    if not (report_number or task.report_number or documents or task.evidence.exists()):
        # the register feeds PAR 1.5: a task is done with its proof (the report sent, or evidence)
        raise AssignedError(_("Give the number of the report sent or attach evidence of the work done."))
    data = {"status": Status.DONE, "completed_on": completed_on, "document_date": task.document_date}
    _check(task.agency, data, today=today)
    before = snapshot(task)
    task.status, task.completed_on = Status.DONE, completed_on
    task.report_number = report_number or task.report_number
    task.report_date = report_date or task.report_date
    if note:
        task.note = note
    task.save()
    for document in documents:
        if document.agency_id != task.agency_id:
            raise AssignedError(_("The evidence belongs to another agency."))
        task.evidence.add(document)
    _record(actor, task, before, action="assigned.completed")
    return task


@transaction.atomic
def reopen_assigned(*, actor: User | None, task: AssignedTask, reason: str) -> AssignedTask:
    """A task done or withdrawn goes back to in progress (the reason is kept in the audit)."""
    task = AssignedTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
    if task.status == Status.OPEN:
        raise AssignedError(_("This task is already in progress."))
    before = snapshot(task)
    task.status, task.completed_on = Status.OPEN, None
    task.save(update_fields=["status", "completed_on", "updated_at"])
    _record(actor, task, before, action="assigned.reopened", note=reason)
    return task


@transaction.atomic
def withdraw_assigned(*, actor: User | None, task: AssignedTask, reason: str) -> AssignedTask:
    """The issuer withdrew the task: it leaves the on-time figures (the reason is audited)."""
    task = AssignedTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
    if task.status != Status.OPEN:
        raise AssignedError(_("Only a task in progress can be withdrawn."))
    before = snapshot(task)
    task.status, task.completed_on = Status.WITHDRAWN, None
    task.save(update_fields=["status", "completed_on", "updated_at"])
    _record(actor, task, before, action="assigned.withdrawn", note=reason)
    return task


@dataclass(frozen=True)
class Upserted:
    task: AssignedTask
    created: bool
    changed: bool


def upsert_assigned(
    *, actor: User | None, agency: Agency, code: str, data: dict[str, Any], source: str, today: dt.date | None = None
) -> Upserted:
    """The task with this code made to say `data` (a file row, an API push): created when new,
    changed (one audit entry) when different, left alone when the same: sending it again is no
    change. What `data` leaves out or leaves empty keeps its value: the Government Office's
    export carries no completion, and a monthly re-import must not reopen the tasks the units
    reported done nor wipe their report. Run inside the caller's transaction."""
    existing = AssignedTask.objects.select_for_update().filter(agency=agency, code=code).first()
    if existing is None:
        task = create_assigned(actor=actor, agency=agency, data={"code": code, **data}, source=source, today=today)
        return Upserted(task, True, True)
    data = {name: value for name, value in data.items() if value not in ("", None, [])}
    current = {name: getattr(existing, name) for name in ("document_date", "status", "completed_on", "due_date")}
    _check(agency, current | {"lead_unit": existing.lead_unit} | data, today=today)
    before = snapshot(existing)
    _set(existing, data)
    action = "assigned.imported" if source == "import" else "assigned.updated"
    changed = _record(actor, existing, before, action=action)
    return Upserted(existing, False, changed)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def import_assigned(
    *, actor: User | None, agency: Agency, rows: Sequence[tuple[str, dict[str, Any]]], today: dt.date
) -> ImportResult:
    """Writes the rows of a checked file (code, data), all or none: one audit entry per task
    created or changed."""
    created = updated = unchanged = 0
    for code, data in rows:
        result = upsert_assigned(actor=actor, agency=agency, code=code, data=data, source="import", today=today)
        if result.created:
            created += 1
        elif result.changed:
            updated += 1
        else:
            unchanged += 1
    return ImportResult(created, updated, unchanged)


# --- reads ---------------------------------------------------------------------------------------

FLAGS = ("overdue", "due_soon", "done_on_time", "done_late")
DUE_SOON_DAYS = 7


def flag_filter(flag: str, today: dt.date) -> Q:
    """The tasks of a flag: overdue (open, due date passed), due soon (open, due within a week),
    done on time, done late."""
    open_ = Q(status=Status.OPEN, due_date__isnull=False)
    done = Q(status=Status.DONE, due_date__isnull=False, completed_on__isnull=False)
    filters = {
        "overdue": open_ & Q(due_date__lt=today),
        "due_soon": open_ & Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)),
        "done_on_time": done & Q(completed_on__lte=F("due_date")),
        "done_late": done & Q(completed_on__gt=F("due_date")),
    }
    return filters[flag]


def state_of(task: AssignedTask, today: dt.date) -> str:
    """The flag a task shows (the same conditions as `flag_filter`), or "" when none."""
    if task.due_date is None:
        return ""
    if task.status == Status.OPEN:
        if task.due_date < today:
            return "overdue"
        return "due_soon" if (task.due_date - today).days <= DUE_SOON_DAYS else ""
    on_time = task.on_time
    if on_time is None:
        return ""
    return "done_on_time" if on_time else "done_late"


def register(
    tasks: QuerySet[AssignedTask],
    *,
    today: dt.date,
    status: str = "",
    issuer: str = "",
    unit: int | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    flag: str = "",
    q: str = "",
) -> QuerySet[AssignedTask]:
    """The register filtered as the page, the command and the API ask; unknown values filter
    nothing out of spite: an unknown status or flag gives no row."""
    if status:
        tasks = tasks.filter(status=status)
    if issuer:
        tasks = tasks.filter(issuer=issuer)
    if unit is not None:
        tasks = tasks.filter(lead_unit_id=unit)
    if due_from is not None:
        tasks = tasks.filter(due_date__gte=due_from)
    if due_to is not None:
        tasks = tasks.filter(due_date__lte=due_to)
    if flag:
        tasks = tasks.filter(flag_filter(flag, today)) if flag in FLAGS else tasks.none()
    for word in fold(q).split():
        tasks = tasks.filter(Q(code__icontains=word) | Q(document_number__icontains=word) | Q(content__icontains=word))
    return tasks


# PAR criterion 1.5 and the plan's first target count the tasks of the UBND tỉnh, its Chairman
# and Vice-Chairmen; a ministry's tasks are kept in the register but not in that rate
PROVINCE_ISSUERS = (AssignedTask.Issuer.PROVINCE, AssignedTask.Issuer.CHAIRMAN, AssignedTask.Issuer.VICE_CHAIRMAN)


def assigned_by_province(queryset: QuerySet[AssignedTask]) -> QuerySet[AssignedTask]:
    return queryset.filter(issuer__in=PROVINCE_ISSUERS)


def on_time_counts(queryset: QuerySet[AssignedTask], start: dt.date, end: dt.date) -> tuple[int, int]:
    """(on time, due) over [start, end] by the register's one rule (see the module's docstring):
    due = not withdrawn, due date in the window; on time = of those, done on or before the due
    date. One query."""
    due = queryset.exclude(status=Status.WITHDRAWN).filter(due_date__gte=start, due_date__lte=end)
    figures = due.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(status=Status.DONE, completed_on__isnull=False, completed_on__lte=F("due_date"))),
    )
    return int(figures["on_time"]), int(figures["due"])


def rate(on_time: int, due: int) -> Decimal | None:
    """On time as a percentage of due, to one decimal, half up; None when nothing was due."""
    if not due:
        return None
    return (Decimal(100) * on_time / due).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodFigure:
    label: str
    start: dt.date
    end: dt.date  # the window counted: the period, cut at today while it runs
    on_time: int
    due: int

    @property
    def late(self) -> int:
        return self.due - self.on_time

    @property
    def rate(self) -> Decimal | None:
        return rate(self.on_time, self.due)

    @property
    def rate_text(self) -> str:
        """The rate as people read it (84,6), a dash when nothing was due."""
        return vi_number(self.rate, 1, empty="—")

    def as_data(self) -> dict[str, Any]:
        value = self.rate
        return {
            "period": self.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "due": self.due,
            "on_time": self.on_time,
            "late": self.late,
            "rate": None if value is None else str(value),
        }


PERIODS = ("month", "quarter", "year")


def periods(year: int, kind: str) -> list[tuple[str, dt.date, dt.date]]:
    """The (label, first day, last day) of each month, quarter or the year itself."""
    if kind == "month":
        return [
            (f"{m:02d}/{year}", dt.date(year, m, 1), dt.date(year, m, _stdcal.monthrange(year, m)[1]))
            for m in range(1, 13)
        ]
    if kind == "quarter":
        return [
            (f"Q{q}/{year}", dt.date(year, 3 * q - 2, 1), dt.date(year, 3 * q, _stdcal.monthrange(year, 3 * q)[1]))
            for q in range(1, 5)
        ]
    if kind == "year":
        return [(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))]
    raise ValueError(kind)


def on_time_by_period(queryset: QuerySet[AssignedTask], *, year: int, kind: str, today: dt.date) -> list[PeriodFigure]:
    """The on-time figures of each period of the year up to today (a running period counts up to
    today, as the metric does from 1 January), then the year so far as the last row when `kind`
    is not "year"."""
    out = []
    chosen = periods(year, kind) + (periods(year, "year") if kind != "year" else [])
    for label, start, end in chosen:
        if start > today:
            continue
        window_end = min(end, today)
        on_time, due = on_time_counts(queryset, start, window_end)
        out.append(PeriodFigure(label, start, window_end, on_time, due))
    return out


def unit_names(value: Any) -> Any:
    """A unit id (or a list of them) recorded in the audit, as the units' names (for its history)."""
    ids = value if isinstance(value, list) else [value]
    if not all(isinstance(i, int) for i in ids):
        return value
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return "; ".join(names.get(i, str(i)) for i in ids) or "—"


def document_names(value: Any) -> Any:
    """Document ids recorded in the audit, as their numbers or abstracts (for the history)."""
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        return value
    found = {d.pk: d.doc_number or d.abstract[:60] for d in Document.objects.filter(pk__in=value)}
    return "; ".join(found.get(i, str(i)) for i in value) or "—"


def unit_choices(agency: Agency) -> QuerySet[Unit]:
    return Unit.objects.filter(agency=agency).order_by("order", "name")
