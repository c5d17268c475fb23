"""JSON API v1 (django-ninja). Same access rules as the pages: invisible -> 404, read-only -> 403."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError, InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle
from pydantic import Field

from core.deadlines import OfficeHours, due, parse_cutoff
from core.models import ApiToken, User
from core.services import load_calendar
from core.tokens import token_hash
from core.views import database_unavailable as transient
from plans import services
from plans.access import can, get_plan_for_user, get_task_for_user, plans_visible_to, tasks_visible_to
from plans.models import Plan, Task
from scorecards import selectors as par_selectors
from scorecards.access import (
    can_see_rank,
    get_round_for_user,
    get_scorecard_for_user,
    ranking_visible_to,
    rounds_visible_to,
)
from scorecards.columns import COLUMNS, compute
from scorecards.models import Round

READING = {"GET", "HEAD", "OPTIONS"}
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """Bearer tokens (core.models.ApiToken). An expired or revoked token is no token (401); a
    `read` token is refused every method but GET, HEAD and OPTIONS (403), here for every route.
    The last use is written at most once a minute per token, not on every request."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        record = (
            ApiToken.objects.select_related("user").filter(token_hash=token_hash(token), user__is_active=True).first()
        )
        now = timezone.now()
        if record is None or not record.is_usable(now):
            return None
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        if record.scope != ApiToken.Scope.READ_WRITE and request.method not in READING:
            raise HttpError(403, "this token may only read")
        request.user = record.user
        return record.user


api = NinjaAPI(
    title="CCHC API",
    version="1.0.0",
    description="Plans and tasks of the PAR/SIPAS platform. Authenticate with `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # per token or session, and per address without one, counted in the shared cache
    throttle=[AnonRateThrottle(settings.API_ANON_RATE), AuthRateThrottle(settings.API_USER_RATE)],
)


api.add_router("", "procedures.api.router")
api.add_router("", "surveys.api.router")
api.add_router("", "plans.api.router")
api.add_router("", "targets.api.router")

log = logging.getLogger(__name__)

# Ids and years within what the database and the calendar hold: anything else is a 422 before any
# query (an id of 2**70 would abort a PostgreSQL transaction; tests/security/test_api_fuzz.py)
PK_MAX = 2**63 - 1
ID: Any = Path(..., ge=1, le=PK_MAX)
OPTIONAL_ID: Any = Query(None, ge=1, le=PK_MAX)
YEAR: Any = Query(None, ge=1990, le=2100)
LIMIT: Any = Query(200, ge=1, le=1000)
OFFSET: Any = Query(0, ge=0, le=10_000_000)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is restarting or unreachable: try again later, as Retry-After says. Any other
    database error is a server error, as on the pages."""
    if not transient(exc):
        raise exc
    log.error("database unavailable: %s", request.path, exc_info=exc)
    response = api.create_response(
        request, {"detail": "The database is briefly unavailable; try again later."}, status=503
    )
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number or a date beyond what the database or the calendar can hold (an id of 2**70, a
    limit of a million years): the request's fault, said as such (found by tests/security fuzzing)."""
    return api.create_response(request, {"detail": "A value is out of range."}, status=422)


class PlanOut(Schema):
    id: int
    agency: str = Field(alias="agency.code")
    year: int
    number: str
    title: str
    issued_on: dt.date | None
    status: str
    legal_basis: str


class TaskOut(Schema):
    id: int
    plan_id: int
    code: str
    section: str | None = Field(None, alias="section.code")
    title: str
    description: str
    lead_unit: str = Field(alias="lead_unit.code")
    start_date: dt.date | None
    deadline: dt.date | None
    recurrence: str
    next_due: dt.date | None
    expected_product: str
    target: str
    status: str
    progress: int
    at_risk: bool
    risk_reasons: list[str]
    evidence_count: int
    last_update_at: dt.datetime | None

    @staticmethod
    def resolve_risk_reasons(obj: Task) -> list[str]:
        return [r for r in obj.risk_reasons.split(",") if r]


class ProgressIn(Schema):
    progress: int = Field(ge=0, le=100)
    text: str = Field(min_length=1, max_length=4000)


class ProgressOut(Schema):
    id: int
    task_id: int
    progress: int
    text: str
    created_at: dt.datetime
    task_status: str


@api.get("/plans", response=list[PlanOut], tags=["plans"])
def list_plans(request: HttpRequest, year: int | None = YEAR) -> QuerySet[Plan]:
    qs = plans_visible_to(request.user).select_related("agency").order_by("-year", "id")
    return qs.filter(year=year) if year else qs


@api.get("/plans/{plan_id}", response=PlanOut, tags=["plans"])
def get_plan(request: HttpRequest, plan_id: int = ID) -> Plan:
    return get_plan_for_user(request.user, plan_id)


@api.get("/tasks", response=list[TaskOut], tags=["tasks"])
def list_tasks(
    request: HttpRequest,
    plan: int | None = OPTIONAL_ID,
    status: str | None = None,
    unit: str | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> QuerySet[Task]:
    if not 1 <= limit <= 1000 or offset < 0:
        raise HttpError(422, "limit must be 1..1000 and offset >= 0")
    qs = tasks_visible_to(request.user).select_related("section", "lead_unit").order_by("plan_id", "code")
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(lead_unit__code=unit)
    return qs[offset : offset + limit]


@api.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def get_task(request: HttpRequest, task_id: int = ID) -> Task:
    return get_task_for_user(request.user, task_id)


@api.post("/tasks/{task_id}/progress", response={201: ProgressOut}, tags=["tasks"])
def post_progress(request: HttpRequest, payload: ProgressIn, task_id: int = ID) -> Status[dict[str, Any]]:
    task = get_task_for_user(request.user, task_id, action="report")
    try:
        update = services.post_progress(
            actor=request.user,
            task=task,
            progress=payload.progress,
            text=payload.text,
            today=timezone.localdate(),
            cal=load_calendar(),
            can_approve=can(request.user, "approve", task),
        )
    except services.WorkflowError as exc:
        raise HttpError(409, str(exc)) from exc
    body = {
        "id": update.pk,
        "task_id": task.pk,
        "progress": update.progress,
        "text": update.text,
        "created_at": update.created_at,
        "task_status": task.status,
    }
    return Status(201, body)


# --- calendar -----------------------------------------------------------------------------------


class DueOut(Schema):
    day0: dt.date | None = Field(description="effective reception day (None for hour limits)")
    due_date: dt.date
    due_time: str | None = Field(description="HH:MM for hour limits")
    due_at: dt.datetime = Field(description="end of the due date, local time: on-time checks use it")


@api.get("/calendar/due-date", response=DueOut, tags=["calendar"])
def due_date(
    request: HttpRequest,
    received: dt.datetime,
    limit: int,
    unit: str = "working_days",
    cutoff: str = "15:00",
    office_hours: str = "",
) -> dict[str, Any]:
    """Due date of a dossier received at `received` (ISO 8601; local time without an offset) with a
    time limit in `working_days`, `days`, `months` or `hours`; `cutoff` HH:MM or `none`."""
    if not 1990 <= received.year <= 2100:
        raise HttpError(422, "received must be between 1990 and 2100")
    if not 0 <= limit <= 3660:
        raise HttpError(422, "limit must be between 0 and 3660")
    try:
        office = OfficeHours.parse(office_hours) if office_hours else OfficeHours()
        result = due(received, limit, unit, load_calendar(), cutoff=parse_cutoff(cutoff), office=office)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return result.as_data()


# --- PAR INDEX ----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    name: str
    year: int
    phase: str
    organizer: str = Field(alias="organizer.code")
    criteria_set: str = Field(alias="criteria_set.code")
    criteria_version: int = Field(alias="criteria_set.version")
    decision_number: str
    decision_date: dt.date | None


class RankingRow(Schema):
    agency: str
    rank: int | None
    total: str | None
    max: str | None
    index_percent: str | None
    classification: str


@api.get("/par/rounds", response=list[RoundOut], tags=["par"])
def list_rounds(request: HttpRequest) -> QuerySet[Round]:
    return rounds_visible_to(request.user).select_related("organizer", "criteria_set").order_by("-year", "id")


@api.get("/par/rounds/{round_id}/ranking", response=list[RankingRow], tags=["par"])
def round_ranking(request: HttpRequest, round_id: int = ID, column: str = "final") -> list[dict[str, Any]]:
    """Agencies by index (only submitted self-assessments are ranked). Before publication,
    participants see only their own row, without a rank; after it, the final column."""
    if column not in COLUMNS:
        raise HttpError(422, f"column must be one of {', '.join(COLUMNS)}")
    round_ = get_round_for_user(request.user, round_id)
    if round_.is_published and not can_see_rank(request.user, round_, column):
        raise HttpError(403, "after publication, participants see the final column")
    rows = ranking_visible_to(request.user, round_, par_selectors.ranking(round_, column))
    return [
        {
            "agency": r["agency"].code,
            "rank": r["rank"],
            "total": r["data"].get("total"),
            "max": r["data"].get("max"),
            "index_percent": r["data"].get("index"),
            "classification": r["data"].get("classification", ""),
        }
        for r in rows
    ]


@api.get("/par/scorecards/{scorecard_id}", tags=["par"])
def scorecard_results(request: HttpRequest, scorecard_id: int = ID) -> dict[str, Any]:
    """Every node's points and applicable maximum in the four columns (self, a1, a2, final),
    in the `par_score --format json` shape; decimals as strings."""
    card = get_scorecard_for_user(request.user, scorecard_id)
    cset = card.round.criteria_set.parsed()
    results = compute(cset, list(card.scores.all()))
    return {
        "id": card.pk,
        "agency": card.agency.code,
        "round": card.round_id,
        "phase": card.round.phase,
        "status": card.status,
        "columns": {column: result.as_data(cset) for column, result in results.items()},
    }
