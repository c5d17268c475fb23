"""Access rules for the catalogue and the dossier register (see core.access for the shared Scope).

- view: agency-wide roles (leader, Office, administrator, auditor, appraiser) see every dossier of
  the agency; officers and unit heads see the dossiers of their units and those they received;
- handle (receive at the counter, hand over, supplement, finish, apology): officers and unit heads
  of the dossier's unit, officers of the Office unit (the one-stop desk) and managers; never the
  read-only roles;
- manage (catalogue import, dossier file import, official scores): administrator, leader, Office
  focal point.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Agency, Role, Unit
from procedures.models import Dossier

DESK_ROLES = {Role.OFFICER, Role.UNIT_HEAD}


def dossiers_visible_to(user, agency: Agency) -> QuerySet[Dossier]:
    scope = scope_for(user)
    qs = Dossier.objects.filter(agency=agency)
    if not scope.can_view_agency(agency.pk):
        return qs.none()
    if scope.sees_whole_agency(agency.pk):
        return qs
    return qs.filter(Q(unit_id__in=list(scope.roles_by_unit)) | Q(created_by_id=scope.user_id))


def desk_units(user, agency: Agency) -> set[int]:
    """Units in which the user works the counter (officers and heads)."""
    scope = scope_for(user)
    return set(Unit.objects.filter(agency=agency, pk__in=scope.units_with(*DESK_ROLES)).values_list("pk", flat=True))


def can_receive(user, agency: Agency) -> bool:
    scope = scope_for(user)
    if not scope.can_view_agency(agency.pk) or scope.is_read_only(agency.pk):
        return False
    return scope.is_manager(agency.pk) or bool(desk_units(user, agency))


def can_handle(user, dossier: Dossier) -> bool:
    scope = scope_for(user)
    if not scope.can_view_agency(dossier.agency_id) or scope.is_read_only(dossier.agency_id):
        return False
    if scope.is_manager(dossier.agency_id):
        return True
    units = desk_units(user, dossier.agency)
    if dossier.unit_id in units or dossier.created_by_id == scope.user_id:
        return True
    return Unit.objects.filter(pk__in=units, is_office=True).exists()


def can_manage(user, agency: Agency) -> bool:
    return scope_for(user).is_manager(agency.pk)


def get_dossier_for_user(user, agency: Agency, pk: int, *, handle: bool = False) -> Dossier:
    dossier = (
        dossiers_visible_to(user, agency)
        .select_related("agency__province", "unit", "procedure", "apology_by", "created_by")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    if handle and not can_handle(user, dossier):
        raise PermissionDenied
    return dossier


def require_manager(user, agency: Agency | None) -> Agency:
    if agency is None:
        raise Http404
    if not can_manage(user, agency):
        raise PermissionDenied
    return agency
