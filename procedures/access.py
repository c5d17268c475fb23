"""Access rules for the catalogue and the dossier register (see core.access for the shared Scope).

- view: agency-wide roles (leader, Office, administrator, auditor, appraiser) see every dossier of
  the agency; officers and unit heads see the dossiers of their units and those they received;
- handle (receive at the counter, hand over, supplement, finish, apology): officers and unit heads
  of the dossier's unit, officers of the Office unit (the one-stop desk) and managers; never the
  read-only roles;
- manage (catalogue import, dossier file import, official scores): administrator, leader, Office
  focal point;
- a new dossier (counter, API) may be registered for a unit only by those who may handle that
  unit's dossiers (its officers and head, the Office unit's officers, the managers); an existing
  dossier may be updated through the API only by those who may handle it;
- the integration account (Role.INTEGRATION, the provincial system) pushes and reads every dossier
  of its agency through the API, and nothing else.

Invisible -> Http404, visible but not allowed -> PermissionDenied (403).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Agency, Role, Unit, User
from procedures.models import Dossier

type Person = User | AnonymousUser
DESK_ROLES = {Role.OFFICER, Role.UNIT_HEAD}


def dossiers_visible_to(user: Person, agency: Agency) -> QuerySet[Dossier]:
    scope = scope_for(user)
    qs = Dossier.objects.filter(agency=agency)
    if scope.is_integration(agency.pk):
        return qs
    if not scope.can_view_agency(agency.pk):
        return qs.none()
    if scope.sees_whole_agency(agency.pk):
        return qs
    return qs.filter(Q(unit_id__in=list(scope.roles_by_unit)) | Q(created_by_id=scope.user_id))


def desk_units(user: Person, agency: Agency) -> set[int]:
    """Units in which the user works the counter (officers and heads)."""
    scope = scope_for(user)
    return set(Unit.objects.filter(agency=agency, pk__in=scope.units_with(*DESK_ROLES)).values_list("pk", flat=True))


def can_receive(user: Person, agency: Agency) -> bool:
    scope = scope_for(user)
    if not scope.can_view_agency(agency.pk) or scope.is_read_only(agency.pk):
        return False
    return scope.is_manager(agency.pk) or bool(desk_units(user, agency))


def handles_unit(user: Person, agency: Agency, unit_id: int | None) -> bool:
    """Whether the user may handle the dossiers of this unit (None: a dossier without a unit):
    managers, the unit's officers and head, the Office unit's officers (the one-stop desk)."""
    scope = scope_for(user)
    if not scope.can_view_agency(agency.pk) or scope.is_read_only(agency.pk):
        return False
    if scope.is_manager(agency.pk):
        return True
    units = desk_units(user, agency)
    if unit_id in units:
        return True
    return Unit.objects.filter(pk__in=units, is_office=True).exists()


def can_handle(user: Person, dossier: Dossier) -> bool:
    scope = scope_for(user)
    if not scope.can_view_agency(dossier.agency_id) or scope.is_read_only(dossier.agency_id):
        return False
    if dossier.created_by_id == scope.user_id:
        return True
    return handles_unit(user, dossier.agency, dossier.unit_id)


def units_handled_by(user: Person, agency: Agency) -> QuerySet[Unit]:
    """The units whose dossiers the user may handle (handles_unit() as a queryset)."""
    units = Unit.objects.filter(agency=agency)
    scope = scope_for(user)
    if not scope.can_view_agency(agency.pk) or scope.is_read_only(agency.pk):
        return units.none()
    desk = desk_units(user, agency)
    if scope.is_manager(agency.pk) or units.filter(pk__in=desk, is_office=True).exists():
        return units
    return units.filter(pk__in=desk)


def can_receive_for(user: Person, agency: Agency, unit_id: int | None) -> bool:
    """A new dossier for this unit, at the counter or through the API. Without a unit (the API
    allows it) any desk officer may register one: it is then theirs and the managers'."""
    if not can_receive(user, agency):
        return False
    return unit_id is None or handles_unit(user, agency, unit_id)


def get_api_agency_for_user(user: Person, code: str) -> Agency:
    """The agency of a dossier push or read: its members and its integration account; 404 for
    anyone else, as if it did not exist."""
    agency = Agency.objects.filter(code=code).first()
    scope = scope_for(user)
    if agency is None or not (scope.can_view_agency(agency.pk) or scope.is_integration(agency.pk)):
        raise Http404
    return agency


def get_member_agency_for_user(user: Person, code: str) -> Agency:
    """The agency with this code, for its members only (the integration account is none): 404 for
    anyone else, as if it did not exist."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not scope_for(user).can_view_agency(agency.pk):
        raise Http404
    return agency


def can_push_dossiers(user: Person, agency: Agency) -> bool:
    """Whether the user may push dossiers to the agency's register at all: the integration account,
    or someone who may receive at the counter (each dossier is then checked: can_push_dossier)."""
    return scope_for(user).is_integration(agency.pk) or can_receive(user, agency)


def can_push_dossier(user: Person, agency: Agency, *, existing: Dossier | None, unit_id: int | None) -> bool:
    """The API's push: the integration account always (its own agency); anyone else the right to
    handle the existing dossier (as in the pages), or to receive a new one for its unit."""
    if scope_for(user).is_integration(agency.pk):
        return True
    if existing is not None:
        return can_handle(user, existing)
    return can_receive_for(user, agency, unit_id)


def can_manage(user: Person, agency: Agency) -> bool:
    return scope_for(user).is_manager(agency.pk)


def get_dossier_for_user(user: Person, agency: Agency, pk: int, *, handle: bool = False) -> Dossier:
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


def get_managed_agency_for_user(user: Person, agency: Agency | None) -> Agency:
    """The user's current agency for a manager's page (imports, official scores): 404 without
    one, 403 for anyone who does not manage it."""
    if agency is None:
        raise Http404
    if not can_manage(user, agency):
        raise PermissionDenied
    return agency
