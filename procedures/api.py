"""JSON API of the register: the provincial system pushes dossiers (idempotent by dossier code),
and integrations read a dossier and the Decision 766 indicators of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, create_model

from core.services import load_calendar
from procedures.access import (
    can_push_dossier,
    can_push_dossiers,
    dossiers_visible_to,
    get_api_agency_for_user,
    get_member_agency_for_user,
)
from procedures.dossier_file import ALIASES, FLAGS
from procedures.importing import reader_for, write_pushed
from procedures.models import Dossier
from procedures.selectors import quality

router = Router(tags=["dossiers"])


class _Dossier(Schema):
    agency: str = Field(description="agency code")
    dossier_code: str = Field(max_length=60)
    procedure_code: str = ""
    unit: str = ""
    channel: str = "direct"
    received_at: str
    due_at: str | None = None
    limit: int | None = None
    limit_unit: str | None = None
    status: str
    finished_at: str | None = None
    returned_at: str | None = None
    supplement_count: int = 0
    supplement_requested_at: str | None = None
    supplement_completed_at: str | None = None


# The columns of docs/dossier-import.md (the 766 flags as the file's, all false unless sent), and
# the applicant's details.
DossierIn = create_model(
    "DossierIn",
    __base__=_Dossier,
    __doc__="""The columns of docs/dossier-import.md; times ISO 8601 or dd/mm/yyyy HH:MM (local time
    without an offset). `due_at` is computed when absent (catalogue, else limit and limit_unit).""",
    **{flag: (bool, False) for flag in FLAGS},
    applicant_name=(str, Field("", max_length=200)),
    applicant_address=(str, Field("", max_length=300)),
    applicant_phone=(str, Field("", max_length=30)),
    applicant_email=(str, Field("", max_length=254)),
    applicant_id_number=(str, Field("", max_length=20)),
)
APPLICANT = tuple(name for name in DossierIn.model_fields if name.startswith("applicant_"))


class DossierOut(Schema):
    id: int
    code: str
    agency: str = Field(alias="agency.code")
    procedure_code: str
    unit: str | None = Field(None, alias="unit.code")
    channel: str
    status: str
    received_at: dt.datetime
    due_date: dt.date
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    supplement_count: int
    apology_date: dt.date | None


class Problem(Schema):
    row: int
    column: str
    value: str
    reason: str


class ProblemsOut(Schema):
    detail: str
    problems: list[Problem]


# One answer for every refused push, whether the code exists (in a unit the caller may not
# handle) or not (a new dossier for such a unit): the answer tells nothing about other units.
REFUSED = "this account may not register or update this dossier"


@router.post("/dossiers", response={200: DossierOut, 201: DossierOut, 422: ProblemsOut})
def push_dossier(request, payload: DossierIn):
    """Creates the dossier, or updates the one with the same code (idempotent: sending the same
    record twice changes nothing). 201 when created, 200 otherwise. Updating needs the right to
    handle the dossier (as in the pages), creating the right to receive for its unit; the
    agency's integration account may do both for every dossier. Every change is audited,
    the applicant's details included."""
    agency = get_api_agency_for_user(request.user, payload.agency)
    if not can_push_dossiers(request.user, agency):
        raise HttpError(403, REFUSED)
    data: dict[str, Any] = payload.dict()
    names = list(ALIASES)
    values = [data.get(name) for name in names]
    reader = reader_for(agency, load_calendar(), now=timezone.now())  # a reception in the future is refused
    reader.header(names)
    row = reader.parse(1, values)
    if row is None:
        return Status(422, {"detail": "invalid dossier", "problems": [p.as_data() for p in reader.problems]})
    # given applicant details replace the stored ones; left out, they are kept
    applicant = {k: data[k] for k in APPLICANT if data[k]}
    with transaction.atomic():
        existing = Dossier.objects.select_for_update().filter(agency=agency, code=row.code).first()
        if not can_push_dossier(request.user, agency, existing=existing, unit_id=row.unit_id):
            raise HttpError(403, REFUSED)
        dossier, created = write_pushed(agency=agency, actor=request.user, row=row, applicant=applicant)
    return Status(201 if created else 200, dossier)


@router.get("/dossiers/{code}", response=DossierOut)
def get_dossier(request, code: str, agency: str):
    scoped = get_api_agency_for_user(request.user, agency)
    return get_object_or_404(dossiers_visible_to(request.user, scoped).select_related("agency", "unit"), code=code)


@router.get("/service-quality", tags=["dossiers"])
def service_quality(
    request,
    agency: str,
    start: dt.date = Query(..., alias="from"),  # noqa: B008  (django-ninja declares parameters so)
    end: dt.date = Query(..., alias="to"),  # noqa: B008
    unit: str = "",
):
    """Decision 766 indicators of the period [from, to] from the register, in the shape of
    `manage.py service_quality --format json`."""
    scoped = get_member_agency_for_user(request.user, agency)
    if end < start:
        raise HttpError(422, "`to` is before `from`")
    qs = dossiers_visible_to(request.user, scoped)
    if unit:
        qs = qs.filter(unit__code=unit)
    return quality(qs, start, end).as_data()
