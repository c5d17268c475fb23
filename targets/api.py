"""JSON API of the plan's targets (issue 22): the same objects as `manage.py targets --format
json` (targets.serialize), the same access as the pages (targets.access: an agency or a target
one may not see is a 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from core.models import Agency
from targets.access import can_view_targets, get_target_for_user
from targets.selectors import row_for, rows, targets_of
from targets.serialize import as_data, history_data

router = Router(tags=["targets"])

YEAR: Any = Query(None, ge=1990, le=2100)
AS_OF: Any = Query(None, description="the day the values are read as of (default: today)")
ID: Any = Path(..., ge=1, le=2**63 - 1)


class TargetOut(Schema):
    id: int
    agency: str
    plan: int
    year: int
    code: str
    name: str
    section: str
    source_text: str
    unit: str
    direction: str
    baseline: str | None
    baseline_label: str
    baseline_source: str
    target: str | None
    due_date: str
    owner_unit: str | None
    actual: str | None
    numerator: str | None
    denominator: str | None
    as_of: str | None
    period: str
    source: str
    link: str | None
    url: str
    status: str
    status_label: str
    rule: str
    measure: str
    measure_key: str
    tasks: list[str]
    to_be_confirmed: bool
    parent: str | None


class PeriodOut(Schema):
    period_end: str
    period: str
    value: str | None
    status: str
    corrected: bool


class TargetDetailOut(TargetOut):
    history: list[PeriodOut]


def _day(as_of: dt.date | None) -> dt.date:
    if as_of is not None and not 1990 <= as_of.year <= 2100:
        raise HttpError(422, "as_of must be between 1990 and 2100")
    return as_of or timezone.localdate()


@router.get("/targets", response=list[TargetOut])
def list_targets(
    request: HttpRequest, agency: str, year: int | None = YEAR, as_of: dt.date | None = AS_OF
) -> list[dict[str, Any]]:
    """Every target of the agency's plans of the year (default: the year of `as_of`) with its
    actual value and status; decimals as strings."""
    today = _day(as_of)
    found = Agency.objects.filter(code=agency).first()
    if found is None or not can_view_targets(request.user, found):
        raise Http404
    return [as_data(row) for row in rows(targets_of(found, year=year or today.year), today=today)]


@router.get("/targets/{target_id}", response=TargetDetailOut)
def get_target(request: HttpRequest, target_id: int = ID, as_of: dt.date | None = AS_OF) -> dict[str, Any]:
    """One target with its period-end values (oldest first)."""
    row = row_for(get_target_for_user(request.user, target_id), today=_day(as_of))
    return {**as_data(row), "history": history_data(list(row.target.snapshots.all()))}
