"""Who may read and make the reports (see core.access for the shared Scope):

- read (the report pages, download its files, the plan's documents): the agency-wide roles of
  the agency (leader, Office, administrator, auditor, appraiser);
- edit and generate: the managers (administrator, leader, Office focal point), never the
  read-only roles; upload templates: the same;
- evidence packages hold every evidence file of a scorecard: the agency-wide roles of the agency
  and the round's organisers once the scorecard is submitted may download one; the agency's
  managers and those organisers may ask for one. A unit's officer, who sees only its unit's
  documents, may not.

Invisible -> 404, visible but not allowed -> 403 (PermissionDenied).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.access import scope_for
from core.models import Agency, User
from plans import access as plan_access
from plans.models import Plan
from reports.models import DocumentTemplate, GeneratedFile, Report
from scorecards.access import get_scorecard_for_user, is_agency_manager, is_organiser
from scorecards.models import Scorecard

type Person = User | AnonymousUser  # request.user: signed in, or not


def can_read(user: Person, agency: Agency) -> bool:
    return scope_for(user).sees_whole_agency(agency.pk)


def can_write(user: Person, agency: Agency) -> bool:
    return scope_for(user).can_manage(agency.pk)


def require_read(user: Person, agency: Agency) -> None:
    if not can_read(user, agency):
        raise PermissionDenied


def require_write(user: Person, agency: Agency) -> None:
    if not can_write(user, agency):
        raise PermissionDenied


def get_report_for_user(user: Person, agency: Agency, pk: int, *, write: bool = False) -> Report:
    """A report of `agency` (the current one; 404 otherwise) the user may read (403), with `write`
    edit."""
    report = Report.objects.select_related("agency", "agency__province").filter(pk=pk, agency=agency).first()
    if report is None:
        raise Http404
    (require_write if write else require_read)(user, agency)
    return report


def get_plan_document_for_user(user: Person, pk: int, *, agency: Agency | None = None, write: bool = False) -> Plan:
    """A plan whose document (text, DOCX, workbook) the user may read (403), with `write` edit:
    one the user sees (404 otherwise), or with `agency` one of that agency."""
    if agency is None:
        plan = plan_access.get_plan_for_user(user, pk)
    else:
        found = Plan.objects.filter(pk=pk, agency=agency).first()
        if found is None:
            raise Http404
        plan = found
    (require_write if write else require_read)(user, plan.agency)
    return plan


def get_template_for_user(user: Person, agency: Agency, pk: int) -> DocumentTemplate:
    """An uploaded template of `agency`, for a manager (403 first), who may take it out of use."""
    require_write(user, agency)
    item = DocumentTemplate.objects.filter(pk=pk, agency=agency).first()
    if item is None:
        raise Http404
    return item


def can_see_package(user: Person, scorecard: Scorecard) -> bool:
    """A package holds every evidence file of the scorecard: the agency-wide roles of the agency
    (a unit's officer sees only its unit's documents), and the round's organisers once the
    scorecard is submitted (as scorecards.evidence.appraised_documents)."""
    if scope_for(user).sees_whole_agency(scorecard.agency_id):
        return True
    return is_organiser(user, scorecard.round) and scorecard.status == Scorecard.Status.SUBMITTED


def can_request_package(user: Person, scorecard: Scorecard) -> bool:
    return can_see_package(user, scorecard) and (
        is_agency_manager(user, scorecard) or is_organiser(user, scorecard.round)
    )


def get_package_scorecard_for_user(user: Person, pk: int) -> Scorecard:
    """A scorecard the user sees (404) and may ask an evidence package of (403)."""
    scorecard = get_scorecard_for_user(user, pk)
    if not can_request_package(user, scorecard):
        raise PermissionDenied
    return scorecard


def can_download(user: Person, item: GeneratedFile) -> bool:
    if item.scorecard is not None:
        return can_see_package(user, item.scorecard)
    return can_read(user, item.agency)


def get_generated_file_for_user(user: Person, pk: int) -> GeneratedFile:
    """A generated file (its state, its download) the user may read; 404 for any other."""
    item = (
        GeneratedFile.objects.select_related("agency", "scorecard", "scorecard__round", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_download(user, item):
        raise Http404
    return item
