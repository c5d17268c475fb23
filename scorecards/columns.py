"""The four score columns of a scorecard: the agency's self-assessment, appraisal 1, appraisal 2
and the final (council) result. Each column is the agency's declared values with the appraisers'
points laid over them in order; `compute` scores every column from the stored rows (no query),
`refresh_results` stores the summaries that rankings and lists read.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from core.numbers import q2
from scorecards import scoring
from scorecards.criteria import CriteriaSet, to_decimal
from scorecards.models import NodeScore, Phase, Round, Scorecard

COLUMNS = ("self", "a1", "a2", "final")
COLUMN_LABELS = {
    "self": gettext_lazy("Self"),
    "a1": gettext_lazy("Appraisal 1"),
    "a2": gettext_lazy("Appraisal 2"),
    "final": gettext_lazy("Final"),
}
# The phase in which appraisers enter each appraisal column.
APPRAISAL_PHASE = {"a1": Phase.APPRAISAL1, "a2": Phase.APPRAISAL2, "final": Phase.COUNCIL}
# The column a round's phase works on (and shows by default).
PHASE_COLUMN: dict[str, str] = {
    Phase.SETUP: "self",
    Phase.SELF: "self",
    Phase.APPRAISAL1: "a1",
    Phase.EXPLANATION: "a1",
    Phase.APPRAISAL2: "a2",
    Phase.COUNCIL: "final",
    Phase.PUBLISHED: "final",
}


def current_column(round_: Round) -> str:
    return PHASE_COLUMN[round_.phase]


def reached_columns(round_: Round) -> tuple[str, ...]:
    """The columns the round has reached (appraisal columns stay empty during self-scoring)."""
    return COLUMNS[: COLUMNS.index(current_column(round_)) + 1]


def appraised_override(row: NodeScore, column: str) -> Decimal | None:
    """The appraisers' points that stand in a column: the latest of appraisal 1, appraisal 2 and
    the council up to that column (None: the declared value stands)."""
    layers = [row.a1_points, row.a2_points, row.final_points][: COLUMNS.index(column)]
    return next((p for p in reversed(layers) if p is not None), None)


def declared_points(raw: Any) -> Decimal | None:
    """The points declared on a bonus or penalty item ({"points": "1.5"})."""
    if isinstance(raw, dict) and "points" in raw:
        return to_decimal(raw["points"])
    return None


def item_points(row: NodeScore, column: str) -> Decimal:
    """A bonus or penalty item's points in a column."""
    override = appraised_override(row, column)
    value = override if override is not None else declared_points(row.declared)
    return q2(Decimal(value or 0))


def declared_for(cset: CriteriaSet, scores: Sequence[NodeScore], column: str) -> scoring.Declared:
    """The declared values of one column: the agency's values, then the appraisers' points in
    order (appraisal 1, then 2, then the council) replace them where set. Survey results,
    entered at the council, count in the final column only."""
    nodes = cset.by_code()
    values: dict[str, scoring.Value | None] = {}
    blocks: dict[str, dict[str, Decimal]] = {"bonus": {}, "penalty": {}}
    overrides: dict[str, Decimal] = {}
    for row in scores:
        override = appraised_override(row, column)
        if row.block:
            base = declared_points(row.declared)
            points = override if override is not None else base
            if points is not None:
                blocks[row.block][row.code] = q2(Decimal(points))
            continue
        node = nodes.get(row.code)
        if node is None or not node.is_leaf:
            continue
        if override is not None:
            overrides[row.code] = Decimal(override)
            continue
        if node.source == "survey" and column != "final":
            continue
        try:
            values[row.code] = scoring.parse_value(node, row.declared)
        except ValueError:
            values[row.code] = None  # stored values were valid when saved; a changed set shows them missing
    return scoring.Declared(values=values, bonus=blocks["bonus"], penalty=blocks["penalty"], overrides=overrides)


def compute(cset: CriteriaSet, scores: Sequence[NodeScore]) -> dict[str, scoring.Result]:
    return {column: scoring.score(cset, declared_for(cset, scores, column)) for column in COLUMNS}


def row_points(row: NodeScore, results: dict[str, scoring.Result]) -> dict[str, str]:
    """A row's points in each column, as text."""
    if row.block:
        return {column: str(item_points(row, column)) for column in COLUMNS}
    return {column: str(results[column].nodes[row.code].points) for column in COLUMNS}


def summarize(cset: CriteriaSet, result: scoring.Result) -> dict[str, Any]:
    """What rankings and lists need, JSON-friendly (decimals as text)."""
    return {
        "total": str(result.total),
        "max": str(result.applicable_max),
        "index": None if result.index_percent is None else str(result.index_percent),
        "classification": result.classification,
        "bonus": str(result.bonus),
        "penalty": str(result.penalty),
        "domains": {
            node.code: {
                "points": str(result.nodes[node.code].points),
                "max": str(result.nodes[node.code].applicable_max),
                "percent": None if result.nodes[node.code].percent is None else str(result.nodes[node.code].percent),
            }
            for node in cset.nodes
        },
    }


def refresh_results(scorecard: Scorecard, scores: list[NodeScore] | None = None) -> dict[str, scoring.Result]:
    """Computes every column and stores the summaries on the scorecard."""
    cset = scorecard.round.criteria_set.parsed()
    scores = list(scorecard.scores.all()) if scores is None else scores
    results = compute(cset, scores)
    scorecard.results = {column: summarize(cset, result) for column, result in results.items()}
    Scorecard.objects.filter(pk=scorecard.pk).update(results=scorecard.results)
    return results
