"""Workflows of the PAR INDEX that write: loading criteria sets, rounds and their phases,
self-scoring (declared values, system figures, submission), assignments of blocks to units, and
improvement tasks for points lost. The appraisers' side is `scorecards.appraisal`, the read models
`scorecards.selectors`. Every change to a score is in the audit trail with its before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import notifications, notify
from core.models import Agency, Province, Role, Unit, User
from core.services import diff, log_action
from plans.models import Plan, Task
from plans.services import create_task
from scorecards import scoring
from scorecards.columns import COLUMNS, compute, item_points, refresh_results, row_points
from scorecards.criteria import Node, parse_criteria
from scorecards.errors import ScoreError, refused_value
from scorecards.metrics import metric_for
from scorecards.models import (
    PHASE_DEADLINES,
    PHASE_ORDER,
    Assignment,
    CriteriaSet,
    NodeScore,
    Phase,
    Round,
    Scorecard,
    ScoreEvidence,
    TaskLink,
)

ZERO = Decimal(0)


def _tell(agency_id: int, roles: Iterable[str], *, key: str, title: str, scorecard: Scorecard) -> int:
    """In-app notifications (and the daily digest) to the holders of some roles; idempotent by key."""
    url = reverse("scorecards:scorecard", args=[scorecard.pk])
    people = members_with(agency_id, roles)
    return notify(notifications(people, key=key, kind="par", title=title, url=url, day=timezone.localdate()))


# --- criteria sets ------------------------------------------------------------------------------


def definition_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def jsonable(data: Any) -> Any:
    """YAML may give dates or Decimals; the stored definition is plain JSON (numbers as text)."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@transaction.atomic
def load_criteria_set(
    *,
    province: Province,
    data: Any,
    actor: User | None = None,
    source_text: str = "",
    source_name: str = "",
    publish: bool = False,
) -> tuple[CriteriaSet, bool]:
    """Validates and stores a set as a new version of its code; an identical definition is not
    stored twice. Raises criteria.CriteriaError listing every problem."""
    data = jsonable(data)
    cset = parse_criteria(data, source=source_name)
    digest = definition_hash(data)
    latest = (
        CriteriaSet.objects.select_for_update().filter(province=province, code=cset.code).order_by("-version").first()
    )
    if latest is not None and latest.sha256 == digest:
        if publish and latest.status != CriteriaSet.Status.PUBLISHED:
            publish_set(actor=actor, criteria_set=latest)
        return latest, False
    stored = CriteriaSet.objects.create(
        province=province,
        code=cset.code,
        version=(latest.version + 1) if latest else 1,
        year=cset.year,
        name=cset.name,
        unit_group=str(data.get("unit_group", "") or ""),
        definition=data,
        source_text=source_text,
        source_name=source_name[:255],
        sha256=digest,
        loaded_by=actor if getattr(actor, "pk", None) else None,
    )
    log_action(actor=actor, agency=None, action="criteria.loaded", obj=stored, note=f"{stored} {source_name}")
    if publish:
        publish_set(actor=actor, criteria_set=stored)
    return stored, True


def publish_set(*, actor: User | None, criteria_set: CriteriaSet) -> None:
    before = criteria_set.status
    criteria_set.status = CriteriaSet.Status.PUBLISHED
    criteria_set.save(update_fields=["status"])
    log_action(
        actor=actor,
        agency=None,
        action="criteria.published",
        obj=criteria_set,
        changes={"status": [before, criteria_set.status]},
    )


# --- rounds -------------------------------------------------------------------------------------


def check_open(round_: Round, phase: str, today: dt.date) -> None:
    """ScoreError unless the round is in `phase` and the phase has not closed."""
    if round_.is_published:
        raise ScoreError(_("The results are published and can no longer change."))
    if round_.phase != phase:
        raise ScoreError(
            _("This step belongs to the phase “%(phase)s”; the round is in “%(current)s”.")
            % {"phase": Phase(phase).label, "current": round_.get_phase_display()}
        )
    closes = round_.closes_on(phase)
    if closes is not None and today > closes:
        raise ScoreError(
            _("The phase “%(phase)s” closed on %(date)s; it must be reopened (with a reason) first.")
            % {"phase": Phase(phase).label, "date": f"{closes:%d/%m/%Y}"}
        )


@transaction.atomic
def create_round(
    *,
    actor: User | None,
    organizer: Agency,
    criteria_set: CriteriaSet,
    agencies: list[Agency],
    name: str,
    year: int,
    today: dt.date,
    previous: Round | None = None,
    deadlines: dict[str, dt.date | None] | None = None,
) -> Round:
    round_ = Round.objects.create(
        organizer=organizer,
        criteria_set=criteria_set,
        name=name,
        year=year,
        previous=previous,
        **(deadlines or {}),
    )
    log_action(actor=actor, agency=organizer, action="round.created", obj=round_, note=name)
    for agency in agencies:
        add_scorecard(actor=actor, round_=round_, agency=agency, today=today)
    return round_


def add_scorecard(*, actor: User | None, round_: Round, agency: Agency, today: dt.date) -> Scorecard:
    cset = round_.criteria_set.parsed()
    scorecard, _created = Scorecard.objects.get_or_create(round=round_, agency=agency)
    existing = set(scorecard.scores.values_list("block", "code"))
    rows = [NodeScore(scorecard=scorecard, code=leaf.code) for leaf in cset.leaves() if ("", leaf.code) not in existing]
    for block in ("bonus", "penalty"):
        rows += [
            NodeScore(scorecard=scorecard, code=item.code, block=block)
            for item in getattr(cset, block).items
            if (block, item.code) not in existing
        ]
    NodeScore.objects.bulk_create(rows)
    if round_.previous is not None:
        carry_over(scorecard=scorecard, previous=round_.previous)
    if not refresh_metrics(actor=actor, scorecard=scorecard, today=today):
        refresh_results(scorecard)
    return scorecard


def carry_over(*, scorecard: Scorecard, previous: Round) -> int:
    """Pre-fills answers, notes and evidence links from last year's scorecard of the agency.
    The new set may map codes with `carry_over: {new code: old code}`; otherwise equal codes
    match. A changed maximum is kept in `carried_from` so the screen flags it."""
    old_card = Scorecard.objects.filter(round=previous, agency=scorecard.agency).first()
    if old_card is None:
        return 0
    new_set = scorecard.round.criteria_set.parsed()
    old_nodes = previous.criteria_set.parsed().by_code()
    mapping = {str(k): str(v) for k, v in (scorecard.round.criteria_set.definition.get("carry_over") or {}).items()}
    old_scores = {(s.block, s.code): s for s in old_card.scores.prefetch_related("evidence_links")}
    carried = 0
    links = []
    for row in scorecard.scores.all():
        old_code = mapping.get(row.code, row.code)
        old = old_scores.get((row.block, old_code))
        if old is None or (old.declared is None and not old.evidence_links.all()):
            continue
        node = new_set.by_code().get(row.code) if not row.block else None
        old_node = old_nodes.get(old_code) if not row.block else None
        if node is not None and (node.source == "survey" or (node.source == "external" and node.metric)):
            continue  # this year's survey and system figures, never last year's
        if node is not None and old.declared is not None:
            try:
                scoring.parse_value(node, old.declared)
                row.declared = old.declared
            except ValueError:
                pass  # the rule changed: the value must be entered again
        row.note = old.note
        row.carried_from = {
            "round": previous.pk,
            "code": old_code,
            "max": str(old_node.max) if old_node else None,
            "max_changed": bool(node and old_node and node.max != old_node.max),
        }
        row.save(update_fields=["declared", "note", "carried_from"])
        links += [
            ScoreEvidence(score=row, document_id=link.document_id, version_id=link.version_id)
            for link in old.evidence_links.all()
        ]
        carried += 1
    ScoreEvidence.objects.bulk_create(links, ignore_conflicts=True)
    if carried:
        log_action(
            actor=None,
            agency=scorecard.agency,
            action="scorecard.carried_over",
            obj=scorecard,
            changes={"carried": [None, carried], "evidence_links": [None, len(links)]},
            note=str(previous),
        )
    return carried


@transaction.atomic
def refresh_metrics(*, actor: User | None, scorecard: Scorecard, today: dt.date) -> int:
    """Takes the current value of every metric that feeds an external leaf (not overridden),
    while the self-assessment is open: a submitted or closed one keeps the figures it had."""
    scorecard = (
        Scorecard.objects.select_for_update().select_related("round__criteria_set", "agency").get(pk=scorecard.pk)
    )
    round_ = scorecard.round
    closes = round_.closes_on(Phase.SELF)
    if (
        scorecard.status != Scorecard.Status.DRAFT
        or round_.phase not in (Phase.SETUP, Phase.SELF)
        or (closes is not None and today > closes)
    ):
        return 0
    nodes = round_.criteria_set.parsed().by_code()
    changed = 0
    for row in scorecard.scores.filter(block="", metric_overridden=False):
        node = nodes.get(row.code)
        if node is None or node.source not in ("external", "survey") or not node.metric:
            continue
        value = metric_for(node.metric, agency=scorecard.agency, year=round_.year, today=today)
        if value is None:
            continue
        try:
            scoring.parse_value(node, value.data)
        except ValueError:
            continue
        snapshot = value.as_json(node.metric)
        # the agency's own survey is an estimate beside the result the council enters
        fields = {"metric": snapshot} if node.source == "survey" else {"declared": value.data, "metric": snapshot}
        if all(getattr(row, name) == new for name, new in fields.items()):
            continue
        logged = "metric" if node.source == "survey" else "declared"
        before = getattr(row, logged)
        for name, new in fields.items():
            setattr(row, name, new)
        row.save(update_fields=list(fields))
        log_action(
            actor=actor,
            agency=scorecard.agency,
            action="score.metric",
            obj=row,
            changes={logged: [before, getattr(row, logged)]},
            note=f"{row.code} {value.source} {value.period}",
        )
        changed += 1
    if changed:
        refresh_results(scorecard)
    return changed


def refresh_figures(*, actor: User | None, scorecard: Scorecard, today: dt.date) -> int:
    """The Office's "refresh the system figures": refused outside self-scoring (the daily job
    simply leaves closed scorecards alone)."""
    check_open(scorecard.round, Phase.SELF, today)
    return refresh_metrics(actor=actor, scorecard=scorecard, today=today)


@transaction.atomic
def advance_phase(*, actor: User | None, round_: Round) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    index = PHASE_ORDER.index(round_.phase)
    if round_.phase in (Phase.COUNCIL, Phase.PUBLISHED):
        raise ScoreError(_("Publish the results with the decision number to close the council."))
    before = round_.phase
    round_.phase = PHASE_ORDER[index + 1]
    round_.save(update_fields=["phase"])
    if round_.phase == Phase.EXPLANATION:
        # the agencies with criteria to explain are told, with the deadline
        closes = round_.closes_on(Phase.EXPLANATION)
        title = _("Explanations requested on the PAR INDEX self-assessment, due %(date)s") % {
            "date": f"{closes:%d/%m/%Y}" if closes else "—"
        }
        for card in round_.scorecards.filter(scores__explanation_requested=True).distinct().select_related("agency"):
            key = f"par:{card.pk}:explain:{round_.pk}"
            _tell(card.agency_id, [Role.FOCAL_POINT, Role.LEADER], key=key, title=title, scorecard=card)
    log_action(
        actor=actor,
        agency=round_.organizer,
        action="round.phase",
        obj=round_,
        changes={"phase": [before, round_.phase]},
    )
    return round_


@transaction.atomic
def reopen_phase(*, actor: User | None, round_: Round, phase: str, closes_on: dt.date | None, reason: str) -> Round:
    """Goes back to (or extends) a phase; needs a reason and is logged. Never after publication."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published:
        raise ScoreError(_("The results are published and can no longer change."))
    if not reason.strip():
        raise ScoreError(_("Give the reason for reopening."))
    reopenable = phase in PHASE_DEADLINES and PHASE_ORDER.index(phase) <= PHASE_ORDER.index(round_.phase)
    if not reopenable:
        raise ScoreError(_("Only the current or an earlier phase can be reopened."))
    field = PHASE_DEADLINES[Phase(phase)]
    before = {"phase": round_.phase, field: getattr(round_, field)}
    round_.phase = phase
    setattr(round_, field, closes_on)
    round_.save(update_fields=["phase", field])
    log_action(
        actor=actor,
        agency=round_.organizer,
        action="round.reopened",
        obj=round_,
        changes=diff(before, {"phase": phase, field: closes_on}),
        note=reason,
    )
    # Submitted self-assessments stay submitted (a reopening is usually for a late agency); the
    # leader or the Office returns one to draft if it must change.
    if phase == Phase.EXPLANATION:
        for card in round_.scorecards.filter(explanation_submitted_at__isnull=False).select_related("agency"):
            card.explanation_submitted_at = None
            card.save(update_fields=["explanation_submitted_at"])
            log_action(actor=actor, agency=card.agency, action="scorecard.explanations_reopened", obj=card, note=reason)
    return round_


@transaction.atomic
def publish_round(*, actor: User | None, round_: Round, decision_number: str, decision_date: dt.date | None) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.phase != Phase.COUNCIL:
        raise ScoreError(_("Results are published after the council."))
    if not decision_number.strip():
        raise ScoreError(_("Give the number of the decision that approves the results."))
    for scorecard in round_.scorecards.select_related("round__criteria_set"):
        refresh_results(scorecard)
        scorecard.published_results = scorecard.results["final"]
        scorecard.save(update_fields=["published_results"])
    round_.phase = Phase.PUBLISHED
    round_.decision_number, round_.decision_date = decision_number.strip(), decision_date
    round_.published_at = timezone.now()
    round_.save(update_fields=["phase", "decision_number", "decision_date", "published_at"])
    log_action(
        actor=actor,
        agency=round_.organizer,
        action="round.published",
        obj=round_,
        changes={"phase": [Phase.COUNCIL, Phase.PUBLISHED]},
        note=decision_number,
    )
    return round_


# --- changing one score -------------------------------------------------------------------------


def locked_score(score: NodeScore) -> NodeScore:
    """The score under lock, its scorecard locked first: status checks and the stored results
    never race another change of the same scorecard."""
    list(Scorecard.objects.select_for_update().filter(pk=score.scorecard_id).values_list("pk"))
    return NodeScore.objects.select_for_update().select_related("scorecard__round__criteria_set").get(pk=score.pk)


def score_state(score: NodeScore) -> dict[str, Any]:
    return {
        "declared": score.declared,
        "note": score.note,
        "a1_points": score.a1_points,
        "a1_reason": score.a1_reason,
        "explanation_requested": score.explanation_requested,
        "explanation": score.explanation,
        "a2_points": score.a2_points,
        "a2_reason": score.a2_reason,
        "final_points": score.final_points,
        "final_reason": score.final_reason,
        "metric_overridden": score.metric_overridden,
    }


def save_and_log(
    actor: User | None, score: NodeScore, before: dict[str, Any], action: str, note: str = ""
) -> NodeScore:
    """Saves a changed score, refreshes the scorecard's results and logs the change with the
    row's points before and after in every column that moved."""
    stored = list(score.scorecard.scores.all())  # the state before this change
    stored_row = next(row for row in stored if row.pk == score.pk)
    points_before = row_points(stored_row, compute(score.scorecard.round.criteria_set.parsed(), stored))
    score.updated_by = actor
    score.save()
    changes = diff(before, score_state(score))
    results = refresh_results(score.scorecard)
    if changes:
        points_after = row_points(score, results)
        for column in COLUMNS:
            if points_before[column] != points_after[column]:
                changes[f"{column}_points"] = [points_before[column], points_after[column]]
        log_action(
            actor=actor,
            agency=score.scorecard.agency,
            action=action,
            obj=score,
            changes=changes,
            note=note or f"{score.block}{score.code}",
        )
    return score


# --- self-scoring -------------------------------------------------------------------------------


def check_self_editable(score: NodeScore, today: dt.date) -> None:
    check_open(score.scorecard.round, Phase.SELF, today)
    if score.scorecard.status != Scorecard.Status.DRAFT:
        raise ScoreError(_("The self-assessment has been sent for approval; return it to draft to change it."))


@transaction.atomic
def save_declared(*, actor: User | None, score: NodeScore, raw: Any, note: str | None, today: dt.date) -> NodeScore:
    """Stores a declared value (validated against the criterion's rule) and the explanation."""
    score = locked_score(score)
    check_self_editable(score, today)
    cset = score.scorecard.round.criteria_set.parsed()
    before = score_state(score)
    if score.block:
        item = {i.code: i for i in getattr(cset, score.block).items}[score.code]
        if raw in (None, "", {}):
            score.declared = None
        else:
            try:
                points = scoring.check_item_points(item, raw.get("points") if isinstance(raw, dict) else raw)
            except ValueError as exc:
                raise refused_value(exc) from None
            score.declared = {"points": str(points)}
    else:
        node = cset.by_code()[score.code]
        if node.source == "survey":
            raise ScoreError(_("Survey results are entered by the Department of Home Affairs at the council."))
        if node.source == "external" and score.metric and not score.metric_overridden:
            raise ScoreError(_("This value comes from system data; override it with a reason to change it."))
        score.declared = _declared(node, raw)
    if note is not None:
        score.note = note
    return save_and_log(actor, score, before, "score.declared")


def _declared(node: Node, raw: Any) -> Any:
    """A declared value checked against its leaf's rule, in the stored form."""
    try:
        value = scoring.parse_value(node, raw)
    except ValueError as exc:
        raise refused_value(exc) from None
    return None if value is None else value.to_data()


@transaction.atomic
def override_metric(
    *, actor: User | None, score: NodeScore, raw: Any, reason: str, today: dt.date, note: str | None = None
) -> NodeScore:
    """Replaces a system figure by a declared value; needs a reason (and evidence on the row)."""
    score = locked_score(score)
    check_self_editable(score, today)
    node = score.scorecard.round.criteria_set.parsed().by_code().get(score.code)
    if score.block or node is None or node.source != "external" or not score.metric:
        raise ScoreError(_("Only a figure that comes from system data can be replaced."))
    if not reason.strip():
        raise ScoreError(_("Give the reason for replacing the system figure."))
    declared = _declared(node, raw)
    before = score_state(score)
    score.declared = declared
    score.metric_overridden = True
    score.metric_override_reason = reason.strip()
    if note is not None:
        score.note = note
    return save_and_log(actor, score, before, "score.metric_overridden", note=reason.strip())


@transaction.atomic
def restore_metric(*, actor: User | None, score: NodeScore, today: dt.date) -> NodeScore:
    """Goes back to the system figure after a replacement."""
    score = locked_score(score)
    check_self_editable(score, today)
    if not score.metric_overridden:
        return score
    before = score_state(score)
    score.metric_overridden = False
    score.metric_override_reason = ""
    score.declared = (score.metric or {}).get("data")
    return save_and_log(actor, score, before, "score.metric_restored")


# --- submission ---------------------------------------------------------------------------------


def missing_evidence(scorecard: Scorecard, results: scoring.Result | None = None) -> list[str]:
    """Leaves with self points above zero, no evidence and no explanation, and replaced system
    figures without evidence: they block submission."""
    scores = list(scorecard.scores.prefetch_related("evidence_links"))
    column = results if results is not None else compute(scorecard.round.criteria_set.parsed(), scores)["self"]

    def self_points(s: NodeScore) -> Decimal:
        if s.block:
            return item_points(s, "self")
        node = column.nodes.get(s.code)
        return node.points if node else ZERO

    return [
        ("+" if s.block == "bonus" else "−" if s.block else "") + s.code
        for s in scores
        if self_points(s) > 0
        and not s.evidence_links.all()
        and (s.metric_overridden or not s.note.strip())  # a replaced system figure needs a document
        and not (s.metric and not s.metric_overridden)  # system figures carry their own source
    ]


def _self_assessment(scorecard: Scorecard, today: dt.date, status: str | None = None, refusal: str = "") -> Scorecard:
    """The scorecard under lock, while self-scoring is open; ScoreError `refusal` unless it is in
    `status` (when given)."""
    scorecard = Scorecard.objects.select_for_update().select_related("round__criteria_set").get(pk=scorecard.pk)
    check_open(scorecard.round, Phase.SELF, today)
    if status is not None and scorecard.status != status:
        raise ScoreError(refusal)
    return scorecard


def _set_status(actor: User | None, scorecard: Scorecard, status: str, action: str, note: str = "") -> Scorecard:
    before = scorecard.status
    scorecard.status = status
    fields = ["status"]
    if status == Scorecard.Status.SUBMITTED:
        scorecard.submitted_at, scorecard.submitted_by = timezone.now(), actor
        fields += ["submitted_at", "submitted_by"]
    scorecard.save(update_fields=fields)
    log_action(
        actor=actor,
        agency=scorecard.agency,
        action=action,
        obj=scorecard,
        changes={"status": [before, status]},
        note=note,
    )
    return scorecard


@transaction.atomic
def send_for_approval(*, actor: User | None, scorecard: Scorecard, today: dt.date) -> Scorecard:
    draft = Scorecard.Status.DRAFT
    scorecard = _self_assessment(scorecard, today, draft, _("The self-assessment is not a draft any more."))
    missing = missing_evidence(scorecard)
    if missing:
        raise ScoreError(
            _("Attach evidence or write an explanation for the criteria scored without evidence: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    _set_status(actor, scorecard, Scorecard.Status.AWAITING_APPROVAL, "scorecard.sent_for_approval")
    title = _("PAR INDEX self-assessment awaiting your approval: %(round)s") % {"round": scorecard.round}
    key = f"par:{scorecard.pk}:approve:{timezone.now():%Y%m%d%H%M}"
    _tell(scorecard.agency_id, [Role.LEADER], key=key, title=title, scorecard=scorecard)
    return scorecard


@transaction.atomic
def approve_and_submit(*, actor: User | None, scorecard: Scorecard, today: dt.date) -> Scorecard:
    awaiting = Scorecard.Status.AWAITING_APPROVAL
    refusal = _("Only a self-assessment awaiting approval can be approved.")
    scorecard = _self_assessment(scorecard, today, awaiting, refusal)
    refresh_results(scorecard)
    _set_status(actor, scorecard, Scorecard.Status.SUBMITTED, "scorecard.submitted")
    title = _("%(agency)s submitted its PAR INDEX self-assessment") % {"agency": scorecard.agency}
    key = f"par:{scorecard.pk}:submitted:{timezone.now():%Y%m%d%H%M}"
    _tell(scorecard.round.organizer_id, [Role.APPRAISER], key=key, title=title, scorecard=scorecard)
    return scorecard


@transaction.atomic
def return_to_draft(*, actor: User | None, scorecard: Scorecard, reason: str, today: dt.date) -> Scorecard:
    scorecard = _self_assessment(scorecard, today)
    if not reason.strip():
        raise ScoreError(_("Give the reason for returning the self-assessment."))
    return _set_status(actor, scorecard, Scorecard.Status.DRAFT, "scorecard.returned", note=reason.strip())


# --- assignments --------------------------------------------------------------------------------

# step -> (the states it starts from, the state it leads to)
ASSIGNMENT_STEPS = {
    "submit": ({Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED}, Assignment.Status.SUBMITTED),
    "accept": ({Assignment.Status.SUBMITTED}, Assignment.Status.ACCEPTED),
    "request_changes": ({Assignment.Status.SUBMITTED, Assignment.Status.ACCEPTED}, Assignment.Status.CHANGES_REQUESTED),
}


@transaction.atomic
def assign_block(*, actor: User | None, scorecard: Scorecard, code: str, unit: Unit) -> Assignment:
    if scorecard.round.is_published:
        raise ScoreError(_("The results are published and can no longer change."))
    node = scorecard.round.criteria_set.parsed().by_code().get(code)
    if node is None:
        raise ScoreError(_("No criterion has the code %(code)s.") % {"code": code})
    if unit.agency_id != scorecard.agency_id:
        raise ScoreError(_("The unit belongs to another agency."))
    assignment, created = Assignment.objects.update_or_create(
        scorecard=scorecard, code=code, defaults={"unit": unit, "status": Assignment.Status.ASSIGNED}
    )
    log_action(actor=actor, agency=scorecard.agency, action="assignment.set", obj=assignment, note=f"{code} → {unit}")
    return assignment


@transaction.atomic
def assignment_step(*, actor: User | None, assignment: Assignment, step: str, note: str = "") -> Assignment:
    """Moves a block along: the unit submits it, the Office accepts it or asks for changes."""
    sources, target = ASSIGNMENT_STEPS[step]
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in sources:
        raise ScoreError(_("This step is not possible in the assignment's current state."))
    if step == "request_changes" and not note.strip():
        raise ScoreError(_("Say what must be changed."))
    before = assignment.status
    assignment.status, assignment.note = target, note.strip() or assignment.note
    assignment.save(update_fields=["status", "note", "updated_at"])
    log_action(
        actor=actor,
        agency=assignment.scorecard.agency,
        action=f"assignment.{step}",
        obj=assignment,
        changes={"status": [before, target]},
        note=note,
    )
    return assignment


# --- improvement tasks --------------------------------------------------------------------------


@transaction.atomic
def create_improvement_task(
    *,
    actor: User,
    scorecard: Scorecard,
    code: str,
    plan: Plan,
    lead_unit: Unit,
    deadline: dt.date,
    today: dt.date,
    cal: WorkingCalendar,
) -> Task:
    """A task of the agency's plan to recover the points lost on a criterion, linked to it."""
    cset = scorecard.round.criteria_set.parsed()
    node = cset.by_code().get(code)
    if node is None:
        raise ScoreError(_("No criterion has the code %(code)s.") % {"code": code})
    if plan.agency_id != scorecard.agency_id or lead_unit.agency_id != scorecard.agency_id:
        raise ScoreError(_("The plan and the unit must belong to the agency."))
    prefix = f"PAR-{code}"
    number = Task.objects.filter(plan=plan, code__startswith=prefix).count() + 1
    domain = code.split(".")[0]
    title = _("Recover the points of criterion %(code)s: %(name)s") % {"code": code, "name": node.name}
    task = create_task(
        actor=actor,
        plan=plan,
        data={
            "code": f"{prefix}-{number}"[:30],
            "title": title[:300],
            "description": _("Created from the points lost in %(round)s.") % {"round": scorecard.round},
            "par_domain": int(domain) if domain.isdigit() and int(domain) <= 8 else None,
            "lead_unit": lead_unit,
            "start_date": today,
            "deadline": deadline,
            "expected_product": "; ".join(node.evidence)[:1000],
            "evidence_required": "\n".join(node.evidence),
        },
        today=today,
        cal=cal,
    )
    TaskLink.objects.get_or_create(task=task, set_code=cset.code, code=code)
    return task
