"""JSON API of the register: the provincial system pushes dossiers (idempotent by dossier code),
and integrations read a dossier and the Decision 766 indicators of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from core.access import get_agency_for_user, scope_for
from core.models import Agency
from core.services import diff, load_calendar, log_action
from procedures.access import can_push_dossier, can_receive, dossiers_visible_to, get_agency_for_dossier_api
from procedures.dossier_file import ALIASES
from procedures.importing import Writer, field_values, item, reader_for
from procedures.models import FACT_FIELDS, Dossier
from procedures.selectors import quality

router = Router(tags=["dossiers"])
APPLICANT = ("applicant_name", "applicant_address", "applicant_phone", "applicant_email", "applicant_id_number")


class DossierIn(Schema):
    """The columns of docs/dossier-import.md; times ISO 8601 or dd/mm/yyyy HH:MM (local time
    without an offset). `due_at` is computed when absent (catalogue, else limit and limit_unit)."""

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
    paper_result: bool = False
    e_result: bool = False
    digitized: bool = False
    reused_data: bool = False
    fee_bearing: bool = False
    paid_online: bool = False
    complaint: bool = False
    applicant_name: str = Field("", max_length=200)
    applicant_address: str = Field("", max_length=300)
    applicant_phone: str = Field("", max_length=30)
    applicant_email: str = Field("", max_length=254)
    applicant_id_number: str = Field("", max_length=20)


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


def _agency_for(request, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Http404
    return get_agency_for_user(request.user, agency.pk)


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
    agency = get_agency_for_dossier_api(request.user, payload.agency)
    if not (can_receive(request.user, agency) or scope_for(request.user).is_integration(agency.pk)):
        raise HttpError(403, REFUSED)
    data: dict[str, Any] = payload.dict()
    names = list(ALIASES)
    values = [data.get(name) for name in names]
    reader = reader_for(agency, load_calendar())
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
        writer = Writer(agency=agency, actor=request.user, source="api")
        pushed = item(row)
        writer.write([pushed], extra={row.code: applicant})
        dossier = Dossier.objects.select_related("agency", "unit").get(agency=agency, code=row.code)
        if writer.created:
            if applicant:
                Dossier.objects.filter(pk=dossier.pk).update(**applicant)
                for key, value in applicant.items():
                    setattr(dossier, key, value)
            stored = {k: v for k, v in field_values(pushed[1]).items() if k not in FACT_FIELDS}
            shown = {k: v for k, v in {"code": row.code, **stored, **applicant}.items() if v not in (None, "", False)}
            log_action(
                actor=request.user,
                agency=agency,
                action="dossier.api_created",
                obj=dossier,
                changes=diff({}, shown),
                note="API",
            )
    return Status(201 if writer.created else 200, dossier)


@router.get("/dossiers/{code}", response=DossierOut)
def get_dossier(request, code: str, agency: str):
    scoped = get_agency_for_dossier_api(request.user, agency)
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
    scoped = _agency_for(request, agency)
    if end < start:
        raise HttpError(422, "`to` is before `from`")
    qs = dossiers_visible_to(request.user, scoped)
    if unit:
        qs = qs.filter(unit__code=unit)
    return quality(qs, start, end).as_data()
