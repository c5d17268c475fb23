"""Who may read and make the reports (see core.access for the shared Scope):

- read (the report pages, download its files, the plan's documents): the agency-wide roles of
  the agency (leader, Office, administrator, auditor, appraiser);
- edit and generate: the managers (administrator, leader, Office focal point), never the
  read-only roles; upload templates: the same;
- evidence packages hold every evidence file of a scorecard: the agency-wide roles of the agency
  and the round's organisers once the scorecard is submitted may download one; the agency's
  managers and those organisers may ask for one. A unit's officer, who sees only its unit's
  documents, may not.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.access import scope_for
from reports.models import GeneratedFile
from scorecards.access import is_agency_manager, is_organiser
from scorecards.models import Scorecard


def can_read(user, agency) -> bool:
    return scope_for(user).sees_whole_agency(agency.pk)


def can_write(user, agency) -> bool:
    scope = scope_for(user)
    return scope.is_manager(agency.pk) and not scope.is_read_only(agency.pk)


def require_read(user, agency) -> None:
    if not can_read(user, agency):
        raise PermissionDenied


def require_write(user, agency) -> None:
    if not can_write(user, agency):
        raise PermissionDenied


def can_see_package(user, scorecard) -> bool:
    """A package holds every evidence file of the scorecard: the agency-wide roles of the agency
    (a unit's officer sees only its unit's documents), and the round's organisers once the
    scorecard is submitted (as scorecards.evidence.appraised_documents)."""
    if scope_for(user).sees_whole_agency(scorecard.agency_id):
        return True
    return is_organiser(user, scorecard.round) and scorecard.status == Scorecard.Status.SUBMITTED


def can_request_package(user, scorecard) -> bool:
    return can_see_package(user, scorecard) and (
        is_agency_manager(user, scorecard) or is_organiser(user, scorecard.round)
    )


def can_download(user, item: GeneratedFile) -> bool:
    if item.scorecard_id:
        return can_see_package(user, item.scorecard)
    return can_read(user, item.agency)


def get_file(user, pk: int) -> GeneratedFile:
    item = (
        GeneratedFile.objects.select_related("agency", "scorecard", "scorecard__round", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_download(user, item):
        raise Http404
    return item
