"""Who sees and handles feedback (see core.access for the shared Scope).

- view: agency-wide roles see every item of the agency; officers and unit heads see the items of
  their units and those assigned to them;
- handle (classify, ask, forward, draft, note): the Office and managers, and the officers and
  head of the item's unit; never the read-only roles;
- receive (record an item, a reception session): any member of the agency but the read-only roles;
- approve the answer, return it or reopen an item: the agency's leader; publish (and keep the
  response templates): the leader, the Office, the administrator.

An item the user may not see is 404 (`get_feedback_for_user`); a step they may not take is 403
(`require`).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Agency, Role, User
from feedback.models import Feedback

AnyUser = User | AnonymousUser


def feedback_visible_to(user: AnyUser, agency: Agency) -> QuerySet[Feedback]:
    scope = scope_for(user)
    qs = Feedback.objects.filter(agency=agency)
    if not scope.can_view_agency(agency.pk):
        return qs.none()
    if scope.sees_whole_agency(agency.pk):
        return qs
    return qs.filter(Q(unit_id__in=list(scope.roles_by_unit)) | Q(assignee_id=scope.user_id))


def get_feedback_for_user(user: AnyUser, agency: Agency, pk: int) -> Feedback:
    """The item when the user may see it; 404 otherwise."""
    visible = feedback_visible_to(user, agency).select_related("unit", "assignee", "procedure", "repeat_of")
    item = visible.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def can_handle(user: AnyUser, item: Feedback) -> bool:
    scope = scope_for(user)
    if not scope.can_view_agency(item.agency_id) or scope.is_read_only(item.agency_id):
        return False
    if scope.is_manager(item.agency_id) or item.assignee_id == scope.user_id:
        return True
    return bool(item.unit_id and scope.unit_roles(item.unit_id) & {Role.OFFICER, Role.UNIT_HEAD})


def can_receive(user: AnyUser, agency: Agency) -> bool:
    scope = scope_for(user)
    return scope.can_view_agency(agency.pk) and not scope.is_read_only(agency.pk)


def can_approve(user: AnyUser, agency: Agency) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or Role.LEADER in scope.roles(agency.pk)


def can_publish(user: AnyUser, agency: Agency) -> bool:
    return scope_for(user).can_manage(agency.pk)


def require(allowed: bool) -> None:
    """403 unless `allowed` (the answer of one of the can_* functions)."""
    if not allowed:
        raise PermissionDenied
