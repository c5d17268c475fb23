"""JSON API of the register of tasks assigned by the province (issue 22), with the pages' access
rules (plans.access): another agency's task is 404, a read-only role 403, a read token 403 on any
write (api.TokenAuth).

- GET /assigned-tasks?agency=&status=&due_from=&due_to=: the register the person sees;
- GET /assigned-tasks/{id};
- POST /assigned-tasks: a task by its code, created (201) or made to say the body (200); the same
  body again changes nothing (idempotent: `changed` false, no audit entry);
- PATCH /assigned-tasks/{id}: the lead unit reports it done (completion date, report number and
  date)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from core.models import Agency, Unit
from plans import assigned
from plans.access import (
    assigned_tasks_visible_to,
    can_edit_assigned,
    get_assigned_agency_for_user,
    get_assigned_task_for_user,
)
from plans.models import AssignedTask

router = Router(tags=["assigned tasks"])
PK_MAX = 2**63 - 1


class AssignedOut(Schema):
    id: int
    agency: str
    code: str
    document_number: str
    document_date: dt.date
    issuer: str
    issuer_name: str
    excerpt: str
    content: str
    due_date: dt.date | None
    lead_unit: str | None
    coordinating_units: list[str]
    status: str
    completed_on: dt.date | None
    on_time: bool | None
    report_number: str
    report_date: dt.date | None
    note: str
    source: str

    @staticmethod
    def resolve_agency(obj: AssignedTask) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_lead_unit(obj: AssignedTask) -> str | None:
        return obj.lead_unit.code if obj.lead_unit else None

    @staticmethod
    def resolve_coordinating_units(obj: AssignedTask) -> list[str]:
        return sorted(u.code for u in obj.coordinating_units.all())


class AssignedIn(Schema):
    agency: str = Field(description="agency code", max_length=30)
    code: str = Field(min_length=1, max_length=60, description="tracking code, unique in the agency")
    document_number: str = Field(min_length=1, max_length=100)
    document_date: dt.date
    issuer: str = Field("province", description="province, chairman, vice_chairman, ministry or other")
    issuer_name: str = Field("", max_length=200)
    excerpt: str = Field("", max_length=4000)
    content: str = Field(min_length=1, max_length=8000)
    due_date: dt.date | None = None
    lead_unit: str | None = Field(None, description="unit code; none: the agency as a whole")
    coordinating_units: list[str] = Field(default_factory=list, description="unit codes")
    status: str = Field("open", description="open, done or withdrawn")
    completed_on: dt.date | None = None
    report_number: str = Field("", max_length=100)
    report_date: dt.date | None = None
    note: str = Field("", max_length=4000)


class UpsertOut(Schema):
    created: bool
    changed: bool
    task: AssignedOut


class CompletionIn(Schema):
    completed_on: dt.date
    report_number: str = Field("", max_length=100)
    report_date: dt.date | None = None
    note: str = Field("", max_length=2000)


def _loaded(qs: QuerySet[AssignedTask]) -> QuerySet[AssignedTask]:
    return qs.select_related("agency", "lead_unit").prefetch_related("coordinating_units")


@router.get("/assigned-tasks", response=list[AssignedOut])
def list_assigned(
    request: HttpRequest,
    agency: str | None = None,
    status: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    limit: int = Query(200, ge=1, le=1000),  # noqa: B008  (django-ninja declares parameters so)
    offset: int = Query(0, ge=0, le=10_000_000),  # noqa: B008
) -> QuerySet[AssignedTask]:
    qs = assigned_tasks_visible_to(request.user)
    if agency:
        qs = qs.filter(agency__code=agency)
    if status and status not in AssignedTask.Status.values:
        raise HttpError(422, "status: open, done hoặc withdrawn.")
    qs = assigned.register(qs, today=timezone.localdate(), status=status or "", due_from=due_from, due_to=due_to)
    return _loaded(qs).order_by("due_date", "code")[offset : offset + limit]


@router.get("/assigned-tasks/{task_id}", response=AssignedOut)
def get_assigned(request: HttpRequest, task_id: int = Path(..., ge=1, le=PK_MAX)) -> AssignedTask:
    return get_assigned_task_for_user(request.user, task_id)


def _unit(agency: Agency, code: str) -> Unit:
    unit = Unit.objects.filter(agency=agency, code=code).first()
    if unit is None:
        raise HttpError(422, f"Không có đơn vị mã {code!r} trong cơ quan.")
    return unit


def _data(agency: Agency, payload: AssignedIn) -> dict[str, Any]:
    if payload.issuer not in AssignedTask.Issuer.values:
        raise HttpError(422, "issuer: province, chairman, vice_chairman, ministry hoặc other.")
    if payload.status not in AssignedTask.Status.values:
        raise HttpError(422, "status: open, done hoặc withdrawn.")
    # only what the body states: a push that leaves out the status or the completion does not
    # reopen a task the unit has reported done (plans.assigned.upsert_assigned)
    data = payload.dict(exclude={"agency", "code"}, exclude_unset=True)
    if "lead_unit" in data:
        data["lead_unit"] = _unit(agency, payload.lead_unit) if payload.lead_unit else None
    if "coordinating_units" in data:
        data["coordinating_units"] = [_unit(agency, code) for code in dict.fromkeys(payload.coordinating_units)]
    return data


@router.post("/assigned-tasks", response={200: UpsertOut, 201: UpsertOut})
def push_assigned(request: HttpRequest, payload: AssignedIn) -> Status[dict[str, Any]]:
    """Creates the task with this code, or makes it say the body; the same body again is no change."""
    agency = get_assigned_agency_for_user(request.user, payload.agency)
    if not can_edit_assigned(request.user, agency):
        raise PermissionDenied
    data = _data(agency, payload)
    try:
        with transaction.atomic():
            result = assigned.upsert_assigned(
                actor=request.user,
                agency=agency,
                code=payload.code.strip(),
                data=data,
                source="api",
                today=timezone.localdate(),
            )
    except assigned.AssignedError as exc:
        raise HttpError(422, str(exc)) from exc
    task = _loaded(AssignedTask.objects.filter(pk=result.task.pk)).get()
    body = {"created": result.created, "changed": result.changed, "task": task}
    return Status(201 if result.created else 200, body)


@router.patch("/assigned-tasks/{task_id}", response=AssignedOut)
def report_assigned(
    request: HttpRequest, payload: CompletionIn, task_id: int = Path(..., ge=1, le=PK_MAX)
) -> AssignedTask:
    """The lead unit (or the Office) reports the task done."""
    task = get_assigned_task_for_user(request.user, task_id, action="report")
    try:
        assigned.complete_assigned(
            actor=request.user,
            task=task,
            completed_on=payload.completed_on,
            report_number=payload.report_number,
            report_date=payload.report_date,
            note=payload.note,
            today=timezone.localdate(),
        )
    except assigned.AssignedError as exc:
        raise HttpError(409, str(exc)) from exc
    return _loaded(AssignedTask.objects.filter(pk=task.pk)).get()
