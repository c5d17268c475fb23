"""The appraisers' side of a round: appraisal 1 (points and reasons, explanation requests), the
agency's explanations, appraisal 2 on what was explained, and the council's survey results and
final points. Every change to a score is in the audit trail with its before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.numbers import q2, vi_number
from core.services import log_action
from scorecards import scoring
from scorecards.columns import APPRAISAL_PHASE, COLUMNS, compute, item_points
from scorecards.errors import ScoreError, refused_value
from scorecards.models import NodeScore, Phase, Scorecard
from scorecards.services import check_open, locked_score, save_and_log, score_state


def _points(value: Decimal) -> str:
    """Points in a message, as Vietnamese write them (1,50)."""
    return vi_number(q2(value), 2)


@transaction.atomic
def appraise(
    *,
    actor: User | None,
    score: NodeScore,
    column: str,
    points: Decimal | None,
    reason: str,
    today: dt.date,
    request_explanation: bool | None = None,
) -> NodeScore:
    """The appraisers' points for a column. A difference from the previous column needs a reason;
    in appraisal 2 only criteria asked to explain can change."""
    score = locked_score(score)
    round_ = score.scorecard.round
    check_open(round_, APPRAISAL_PHASE[column], today)
    if score.scorecard.status != Scorecard.Status.SUBMITTED:
        raise ScoreError(_("The agency has not submitted its self-assessment."))
    if column == "a2" and not score.explanation_requested:
        raise ScoreError(_("Appraisal 2 reviews only the criteria asked to explain."))
    cset = round_.criteria_set.parsed()
    if score.block:
        maximum = {i.code: i for i in getattr(cset, score.block).items}[score.code].max
    else:
        maximum = cset.by_code()[score.code].max
    if points is not None and (points < 0 or points > maximum):
        raise ScoreError(_("Points must be between 0 and %(max)s.") % {"max": _points(maximum)})
    previous_column = COLUMNS[COLUMNS.index(column) - 1]
    if score.block:
        prev_points, prev_max = item_points(score, previous_column), maximum
    else:
        previous = compute(cset, list(score.scorecard.scores.all()))[previous_column].nodes[score.code]
        prev_points, prev_max = previous.points, previous.applicable_max
    before = score_state(score)
    # appraised points make the criterion applicable: rejecting an N/A is a difference too
    if points is not None and not reason.strip() and (q2(points) != prev_points or q2(maximum) != prev_max):
        raise ScoreError(
            _("Give the reason for %(points)s instead of %(previous)s.")
            % {"points": _points(points), "previous": _points(prev_points)}
        )
    setattr(score, f"{column}_points", None if points is None else q2(points))
    # the reason is kept even before the points are typed (the row saves field by field)
    setattr(score, f"{column}_reason", reason.strip())
    if request_explanation is not None and column == "a1":
        score.explanation_requested = request_explanation
    return save_and_log(actor, score, before, f"score.{column}", note=reason.strip())


@transaction.atomic
def enter_survey(*, actor: User | None, score: NodeScore, raw: Any, today: dt.date) -> NodeScore:
    """Survey results (SIPAS and the like) imported at the council, for the final column."""
    score = locked_score(score)
    check_open(score.scorecard.round, Phase.COUNCIL, today)
    node = score.scorecard.round.criteria_set.parsed().by_code().get(score.code)
    if score.block or node is None or node.source != "survey":
        raise ScoreError(_("Only survey criteria take a survey result."))
    try:
        value = scoring.parse_value(node, raw)
    except ValueError as exc:
        raise refused_value(exc) from None
    before = score_state(score)
    score.declared = None if value is None else value.to_data()
    return save_and_log(actor, score, before, "score.survey")


@transaction.atomic
def explain(*, actor: User | None, score: NodeScore, text: str, today: dt.date) -> NodeScore:
    score = locked_score(score)
    check_open(score.scorecard.round, Phase.EXPLANATION, today)
    if not score.explanation_requested:
        raise ScoreError(_("No explanation was requested for this criterion."))
    if score.scorecard.explanation_submitted_at:
        raise ScoreError(_("The explanations have been submitted."))
    before = score_state(score)
    score.explanation = text.strip()
    return save_and_log(actor, score, before, "score.explained")


@transaction.atomic
def submit_explanations(*, actor: User | None, scorecard: Scorecard, today: dt.date) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("round").get(pk=scorecard.pk)
    check_open(scorecard.round, Phase.EXPLANATION, today)
    empty = list(scorecard.scores.filter(explanation_requested=True, explanation="").values_list("code", flat=True))
    if empty:
        raise ScoreError(_("Explain every criterion asked: %(codes)s.") % {"codes": ", ".join(empty)})
    scorecard.explanation_submitted_at = timezone.now()
    scorecard.save(update_fields=["explanation_submitted_at"])
    log_action(actor=actor, agency=scorecard.agency, action="scorecard.explanations_submitted", obj=scorecard)
    return scorecard
