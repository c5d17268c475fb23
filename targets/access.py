"""Access rules for targets (issue 22), on core.access.Scope:

- view: every member of the target's agency (the one page is for the leaders, but every unit sees
  the targets it owns and serves); the appraisers and managers of the province's Sở Nội vụ see
  the targets of the province's agencies (the cascade's roll-up); every member of an agency of
  the province sees the province's targets (its Sở Nội vụ's), which its own targets serve;
- manage (create, edit, link tasks, publish, correct a period-end value): the agency's leader,
  Office focal point and administrator;
- enter a value (a manual target's reading, with evidence): the managers, and the officers and
  head of the target's owner unit;
- a province target (a target of a Sở Nội vụ's plan) is managed by that agency's managers.

Invisible -> Http404, visible but not allowed -> PermissionDenied (403).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Agency, Document, Role, User
from targets.models import Target, TargetReading

Person = User | AnonymousUser


def _member_provinces(user: Person) -> set[int]:
    return set(scope_for(user).province_by_agency.values())


def roll_up_provinces(user: Person) -> set[int]:
    """Provinces whose targets the user rolls up: the Sở Nội vụ's appraisers, and its leader,
    Office and administrator, who enter the province's targets."""
    scope = scope_for(user)
    managed = {
        scope.province_by_agency[agency_id]
        for agency_id, kind in scope.kind_by_agency.items()
        if kind == Agency.Kind.HOME_AFFAIRS and scope.can_manage(agency_id)
    }
    return scope.province_appraiser_of() | managed


def targets_visible_to(user: Person) -> QuerySet[Target]:
    """The agency's own targets; the targets of the province's agencies for who rolls them up;
    the province's targets (those of its Sở Nội vụ's plans) for every agency of the province,
    which serves them."""
    scope = scope_for(user)
    qs = Target.objects.all()
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(agency_id__in=scope.agency_ids)
        | Q(agency__province_id__in=roll_up_provinces(user))
        | Q(agency__kind=Agency.Kind.HOME_AFFAIRS, agency__province_id__in=_member_provinces(user))
    )


def can_view_targets(user: Person, agency: Agency) -> bool:
    scope = scope_for(user)
    if scope.can_view_agency(agency.pk) or agency.province_id in roll_up_provinces(user):
        return True
    return agency.kind == Agency.Kind.HOME_AFFAIRS and agency.province_id in _member_provinces(user)


def can_manage_targets(user: Person, agency: Agency | int) -> bool:
    return scope_for(user).can_manage(agency if isinstance(agency, int) else agency.pk)


def can_enter_value(user: Person, target: Target) -> bool:
    scope = scope_for(user)
    if scope.can_manage(target.agency_id):
        return True
    if scope.is_read_only(target.agency_id) or target.owner_unit_id is None:
        return False
    return bool(scope.unit_roles(target.owner_unit_id) & {Role.OFFICER, Role.UNIT_HEAD})


def get_target_for_user(user: Person, pk: int, *, action: str = "view") -> Target:
    """`action`: view, manage or enter."""
    target = (
        Target.objects.select_related("plan", "agency", "owner_unit", "parent", "parent__agency").filter(pk=pk).first()
    )
    if target is None or not can_view_targets(user, target.agency):
        raise Http404
    if action == "manage" and not can_manage_targets(user, target.agency_id):
        raise PermissionDenied
    if action == "enter" and not can_enter_value(user, target):
        raise PermissionDenied
    return target


def province_agencies_of(user: Person) -> QuerySet[Agency]:
    """The agencies whose targets a province appraiser rolls up; 404 for anyone else."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Agency.objects.all()
    provinces = roll_up_provinces(user)
    if not provinces:
        raise Http404
    return Agency.objects.filter(province_id__in=provinces)


def documents_of_visible_targets(user: Person) -> Q:
    """Evidence of the values entered for the targets a person sees (registered with core.access),
    so that whoever sees a target can open the proof of its value."""
    through = TargetReading.evidence.through.objects.filter(targetreading__target__in=targets_visible_to(user))
    return Q(pk__in=through.values("document_id"))


def targets_using_document(user: Person, document: Document) -> list[tuple[str, str]]:
    """The targets (visible to the person) whose entered values cite this document, as (code, link)."""
    found = targets_visible_to(user).filter(readings__evidence=document).distinct().order_by("code")
    return [(target.code, target.get_absolute_url()) for target in found]
