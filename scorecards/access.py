"""Who may see and do what in the PAR INDEX (see core.access for the shared Scope).

- criteria sets are seen by everyone of their province; the appraisers and administrators of a
  Sở Nội vụ (the organisers) load them and run rounds;
- a scorecard is seen by the members of its agency and, once submitted, by the organising Sở Nội
  vụ's appraisers and administrators; other agencies of a round see only their own row of the
  ranking, and the whole final ranking once published;
- self-scoring: the agency's managers (leader, Office focal point, administrator) edit every
  criterion; officers and unit heads edit the blocks assigned to their unit while the
  assignment is open; auditors and appraisers of the agency only read;
- the leader approves and submits; the Office sends for approval;
- appraisal, explanation requests, council, phases and publication: appraisers and
  administrators of the organising Sở Nội vụ;
- what may be entered at all depends on the round's phase and its closing date (`openings`);
- a metric series is entered by its owner unit's officers and head and the agency's managers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.access import scope_for
from core.models import Agency, Role
from scorecards.columns import APPRAISAL_PHASE, COLUMNS, current_column
from scorecards.models import Assignment, CriteriaSet, MetricSeries, NodeScore, Phase, Round, Scorecard

AnyUser = Any  # a signed-in User, or the AnonymousUser of a page behind login_required
# Who runs a round in the organising Sở Nội vụ.
ORGANISER_ROLES = {Role.APPRAISER, Role.ADMINISTRATOR}
OPEN_ASSIGNMENT = {Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED}
UNIT_WORKERS = {Role.OFFICER, Role.UNIT_HEAD}


# --- organisers and criteria sets ---------------------------------------------------------------


def is_organiser(user: AnyUser, round_: Round) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.roles(round_.organizer_id) & ORGANISER_ROLES)


def organising_agencies(user: AnyUser) -> QuerySet[Agency]:
    """The Sở Nội vụ in which the user organises rounds (loads criteria sets, creates rounds)."""
    scope = scope_for(user)
    qs = Agency.objects.filter(kind=Agency.Kind.HOME_AFFAIRS)
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=[a for a in scope.agency_ids if scope.roles(a) & ORGANISER_ROLES])


def can_organise(user: AnyUser) -> bool:
    return organising_agencies(user).exists()


def get_organiser_agency_for_user(user: AnyUser) -> Agency:
    """The Sở Nội vụ a new round or criteria set belongs to; 403 for anyone who organises none."""
    agency = organising_agencies(user).first()
    if agency is None:
        raise PermissionDenied
    return agency


def criteria_sets_visible_to(user: AnyUser) -> QuerySet[CriteriaSet]:
    scope = scope_for(user)
    if scope.is_superuser:
        return CriteriaSet.objects.all()
    return CriteriaSet.objects.filter(province_id__in=set(scope.province_by_agency.values()))


def get_criteria_set_for_user(user: AnyUser, pk: int) -> CriteriaSet:
    stored = criteria_sets_visible_to(user).filter(pk=pk).first()
    if stored is None:
        raise Http404
    return stored


# --- rounds -------------------------------------------------------------------------------------


def rounds_visible_to(user: AnyUser) -> QuerySet[Round]:
    scope = scope_for(user)
    if scope.is_superuser:
        return Round.objects.all()
    ids = list(scope.agency_ids)
    return Round.objects.filter(Q(organizer_id__in=ids) | Q(scorecards__agency_id__in=ids)).distinct()


def get_round_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Round:
    round_ = rounds_visible_to(user).select_related("criteria_set", "organizer").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    if manage and not is_organiser(user, round_):
        raise PermissionDenied
    return round_


def ranking_column_for(user: AnyUser, round_: Round, asked: str | None) -> str:
    """The ranking column shown: organisers choose one (the current one by default); before
    publication participants see their own self-assessment, after it the final result."""
    if not is_organiser(user, round_):
        return "final" if round_.is_published else "self"
    column = current_column(round_) if asked is None else asked
    return column if column in COLUMNS else "final"


def ranking_visible_to(user: AnyUser, round_: Round, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a ranking the user sees, each with `can_open` (the scorecard is theirs to
    open): organisers everything; participants every agency once published, before that their
    own agency's row without its rank (a rank says where the others stand)."""
    if is_organiser(user, round_):
        return [{**row, "can_open": True} for row in rows]
    scope = scope_for(user)
    visible = []
    for row in rows:
        own = scope.can_view_agency(row["agency"].pk)
        if round_.is_published or own:
            visible.append({**row, "can_open": own, "rank": row["rank"] if round_.is_published else None})
    return visible


def can_see_rank(user: AnyUser, round_: Round, column: str) -> bool:
    """Organisers see every column's rank; participants the final one once published."""
    return is_organiser(user, round_) or (round_.is_published and column == "final")


# --- scorecards ---------------------------------------------------------------------------------


def can_view_scorecard(user: AnyUser, scorecard: Scorecard) -> bool:
    """The agency's members; the organisers once it is submitted (a draft is the agency's own
    business) or once self-scoring is over."""
    if scope_for(user).can_view_agency(scorecard.agency_id):
        return True
    return is_organiser(user, scorecard.round) and (
        scorecard.status == Scorecard.Status.SUBMITTED or scorecard.round.phase not in ("setup", "self")
    )


def get_scorecard_for_user(
    user: AnyUser, pk: int, *, can: Callable[[AnyUser, Scorecard], bool] | None = None
) -> Scorecard:
    """A scorecard the user sees (404 otherwise); with `can` (can_send...), 403 unless it allows."""
    card = Scorecard.objects.select_related("round__criteria_set", "round__organizer", "agency").filter(pk=pk).first()
    if card is None or not can_view_scorecard(user, card):
        raise Http404
    if can is not None and not can(user, card):
        raise PermissionDenied
    return card


def scorecards_visible_to(user: AnyUser, agency: Agency | None) -> QuerySet[Scorecard]:
    """An agency's own scorecards, for its members."""
    if agency is None or not scope_for(user).can_view_agency(agency.pk):
        return Scorecard.objects.none()
    return Scorecard.objects.filter(agency=agency)


def get_score_for_user(
    user: AnyUser, card_pk: int, score_id: int, *, can: Callable[[AnyUser, Scorecard, NodeScore], bool] | None = None
) -> tuple[Scorecard, NodeScore]:
    """A row of a scorecard the user sees (404 otherwise); with `can` (can_enter, can_appraise,
    can_edit_evidence), 403 unless it allows."""
    card = get_scorecard_for_user(user, card_pk)
    score = NodeScore.objects.filter(pk=score_id, scorecard=card).first()
    if score is None:
        raise Http404
    score.scorecard = card
    if can is not None and not can(user, card, score):
        raise PermissionDenied
    return card, score


def can_enter(user: AnyUser, scorecard: Scorecard, score: NodeScore) -> bool:
    """The agency's entries on a row: declared values, system figures, explanations."""
    return can_edit_code(user, scorecard, score.code, list(scorecard.assignments.all()))


def can_appraise(user: AnyUser, scorecard: Scorecard, score: NodeScore) -> bool:
    """The organisers' entries on a row: appraised points, survey results."""
    return is_organiser(user, scorecard.round)


def can_edit_evidence(user: AnyUser, scorecard: Scorecard, score: NodeScore) -> bool:
    """Links and uploads on a criterion's evidence page (never after publication)."""
    return can_enter(user, scorecard, score) and not scorecard.round.is_published


def is_agency_manager(user: AnyUser, scorecard: Scorecard) -> bool:
    return scope_for(user).can_manage(scorecard.agency_id)


def assignment_for(code: str, assignments: list[Assignment]) -> Assignment | None:
    """The most specific block covering a criterion (a sub-block given to another unit wins)."""
    best = None
    for a in assignments:
        if a.covers(code) and (best is None or len(a.code) > len(best.code)):
            best = a
    return best


def code_editor(
    user: AnyUser, scorecard: Scorecard, assignments: list[Assignment], *, explaining: bool = False
) -> Callable[[str], bool]:
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
            a is not None and (explaining or a.status in OPEN_ASSIGNMENT) and scope.unit_roles(a.unit_id) & UNIT_WORKERS
        )

    return allowed


def can_edit_code(user: AnyUser, scorecard: Scorecard, code: str, assignments: list[Assignment]) -> bool:
    """Self-scoring entries, or in the explanation phase, explanations and supplementary evidence."""
    return code_editor(user, scorecard, assignments, explaining=scorecard.round.phase == "explanation")(code)


def can_send(user: AnyUser, scorecard: Scorecard) -> bool:
    """The Office sends for approval, submits the explanations and refreshes system figures."""
    return is_agency_manager(user, scorecard)


def can_approve(user: AnyUser, scorecard: Scorecard) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or Role.LEADER in scope.roles(scorecard.agency_id)


def can_return(user: AnyUser, scorecard: Scorecard) -> bool:
    return can_approve(user, scorecard) or can_send(user, scorecard)


def can_work_assignment(user: AnyUser, assignment: Assignment, step: str) -> bool:
    """The unit (or a manager) submits its block; the managers accept it or ask for changes."""
    if step == "submit":
        scope = scope_for(user)
        return is_agency_manager(user, assignment.scorecard) or bool(
            scope.unit_roles(assignment.unit_id) & UNIT_WORKERS
        )
    return is_agency_manager(user, assignment.scorecard)


def get_assignment_for_user(user: AnyUser, pk: int, step: str) -> Assignment:
    """An assignment of a scorecard the user sees (404 otherwise), 403 unless they may take `step`."""
    assignment = Assignment.objects.select_related("scorecard__round").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    get_scorecard_for_user(user, assignment.scorecard_id)
    if not can_work_assignment(user, assignment, step):
        raise PermissionDenied
    return assignment


# --- what may be entered now --------------------------------------------------------------------


@dataclass(frozen=True)
class RowRights:
    """What one person may enter on one row of the scoring table now."""

    declare: bool
    appraise: str | None  # the appraisal column, if any
    explain: bool
    survey: bool


@dataclass(frozen=True)
class Openings:
    """What a scorecard's round and state let be entered today, whoever asks. Entries lock when
    the current phase passes its closing date (the Sở Nội vụ reopens it with a reason)."""

    phase_open: bool
    self_scoring: bool  # declared values and initial evidence: a draft, while self-scoring
    appraisal: str | None  # the column appraisers enter now (a1, a2, final), once submitted
    explanation: bool  # explanations and supplementary evidence, until they are submitted
    council: bool  # survey results

    def row(self, score: NodeScore, source: str, *, organiser: bool, editable: bool) -> RowRights:
        """What a person may enter on one row: `organiser` for the Sở Nội vụ's appraisers,
        `editable` when the criterion is theirs to enter for the agency."""
        survey = source == "survey" and not score.block
        appraise = self.appraisal if organiser else None
        if (appraise == "a2" and not score.explanation_requested) or (survey and organiser and self.council):
            appraise = None  # appraisal 2 reviews only what was explained; the council enters surveys itself
        return RowRights(
            declare=self.self_scoring and editable and not survey,
            appraise=appraise,
            explain=self.explanation and score.explanation_requested and editable,
            survey=organiser and self.council and survey,
        )


def openings(card: Scorecard, today: dt.date) -> Openings:
    round_ = card.round
    closes = round_.closes_on()
    phase_open = closes is None or today <= closes
    phase = round_.phase
    appraisal = next((c for c, p in APPRAISAL_PHASE.items() if p == phase), None)
    return Openings(
        phase_open=phase_open,
        self_scoring=phase == Phase.SELF and phase_open and card.status == Scorecard.Status.DRAFT,
        appraisal=appraisal if phase_open and card.status == Scorecard.Status.SUBMITTED else None,
        explanation=phase == Phase.EXPLANATION and phase_open and not card.explanation_submitted_at,
        council=phase == Phase.COUNCIL and phase_open,
    )


# --- metric series ------------------------------------------------------------------------------


def can_manage_series(user: AnyUser, agency: Agency) -> bool:
    """The agency's managers define its series."""
    return scope_for(user).can_manage(agency.pk)


def get_series_for_user(user: AnyUser, pk: int) -> MetricSeries:
    series = MetricSeries.objects.select_related("owner_unit", "agency").filter(pk=pk).first()
    if series is None or not scope_for(user).can_view_agency(series.agency_id):
        raise Http404
    return series


def can_enter_series(user: AnyUser, series: MetricSeries) -> bool:
    scope = scope_for(user)
    if scope.is_read_only(series.agency_id):
        return False
    return scope.is_manager(series.agency_id) or bool(scope.unit_roles(series.owner_unit_id) & UNIT_WORKERS)
