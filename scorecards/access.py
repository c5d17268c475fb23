"""Who may see and do what in the PAR INDEX (see core.access for the shared Scope).

- a scorecard is seen by the members of its agency and, once submitted, by the organising Sở Nội
  vụ's appraisers and administrators; other agencies of a round see only their own row of the
  ranking, and the whole final ranking once published;
- self-scoring: the agency's managers (leader, Office focal point, administrator) edit every
  criterion; officers and unit heads edit the blocks assigned to their unit while the
  assignment is open; auditors and appraisers of the agency only read;
- the leader approves and submits; the Office sends for approval;
- appraisal, explanation requests, council, phases and publication: appraisers and
  administrators of the organising Sở Nội vụ.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Role
from scorecards.models import Assignment, Round, Scorecard

# Who runs a round in the organising Sở Nội vụ.
ORGANISER_ROLES = {Role.APPRAISER, Role.ADMINISTRATOR}
OPEN_ASSIGNMENT = {Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED}


def is_organiser(user, round_: Round) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.roles(round_.organizer_id) & ORGANISER_ROLES)


def can_view_scorecard(user, scorecard: Scorecard) -> bool:
    """The agency's members; the organisers once it is submitted (a draft is the agency's own
    business) or once self-scoring is over."""
    if scope_for(user).can_view_agency(scorecard.agency_id):
        return True
    return is_organiser(user, scorecard.round) and (
        scorecard.status == Scorecard.Status.SUBMITTED or scorecard.round.phase not in ("setup", "self")
    )


def rounds_visible_to(user) -> QuerySet[Round]:
    scope = scope_for(user)
    if scope.is_superuser:
        return Round.objects.all()
    ids = list(scope.agency_ids)
    return Round.objects.filter(Q(organizer_id__in=ids) | Q(scorecards__agency_id__in=ids)).distinct()


def get_round_for_user(user, pk: int, *, manage: bool = False) -> Round:
    round_ = rounds_visible_to(user).select_related("criteria_set", "organizer").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    if manage and not is_organiser(user, round_):
        raise PermissionDenied
    return round_


def get_scorecard_for_user(user, pk: int) -> Scorecard:
    card = Scorecard.objects.select_related("round__criteria_set", "round__organizer", "agency").filter(pk=pk).first()
    if card is None or not can_view_scorecard(user, card):
        raise Http404
    return card


def is_agency_manager(user, scorecard: Scorecard) -> bool:
    scope = scope_for(user)
    return scope.is_manager(scorecard.agency_id) and not scope.is_read_only(scorecard.agency_id)


def assignment_for(code: str, assignments: list[Assignment]) -> Assignment | None:
    """The most specific block covering a criterion (a sub-block given to another unit wins)."""
    best = None
    for a in assignments:
        if a.covers(code) and (best is None or len(a.code) > len(best.code)):
            best = a
    return best


def code_editor(user, scorecard: Scorecard, assignments: list[Assignment], *, explaining: bool = False):
    """A function telling whether the user may enter a criterion: managers every one; officers
    and unit heads the criteria whose most specific block is their unit's, while self-scoring if
    the block is still open, while explaining whatever its state."""
    scope = scope_for(user)
    if not scope.can_view_agency(scorecard.agency_id) or scope.is_read_only(scorecard.agency_id):
        return lambda code: False
    if scope.is_manager(scorecard.agency_id):
        return lambda code: True

    def allowed(code: str) -> bool:
        a = assignment_for(code, assignments)
        return bool(
            a is not None
            and (explaining or a.status in OPEN_ASSIGNMENT)
            and scope.unit_roles(a.unit_id) & {Role.OFFICER, Role.UNIT_HEAD}
        )

    return allowed


def can_edit_code(user, scorecard: Scorecard, code: str, assignments: list[Assignment]) -> bool:
    """Self-scoring entries, or in the explanation phase, explanations and supplementary evidence."""
    return code_editor(user, scorecard, assignments, explaining=scorecard.round.phase == "explanation")(code)


def can_send(user, scorecard: Scorecard) -> bool:
    return is_agency_manager(user, scorecard)


def can_approve(user, scorecard: Scorecard) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or Role.LEADER in scope.roles(scorecard.agency_id)


def can_work_assignment(user, assignment: Assignment, step: str) -> bool:
    scope = scope_for(user)
    if step == "submit":
        return is_agency_manager(user, assignment.scorecard) or bool(
            scope.unit_roles(assignment.unit_id) & {Role.OFFICER, Role.UNIT_HEAD}
        )
    return is_agency_manager(user, assignment.scorecard)
