"""The read side of the PAR INDEX that drives the plan: the ranking of a round, last year's
result, the points lost on each criterion with the tasks linked to it, the forecast of points at
risk from late tasks, and the rows of a scorecard with their evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.models import Agency, User
from core.numbers import q2
from plans.access import tasks_visible_to
from plans.models import Task
from plans.selectors import Thresholds, task_flags
from scorecards import access, scoring
from scorecards.columns import COLUMN_LABELS, COLUMNS, compute, declared_for, item_points, reached_columns
from scorecards.criteria import CriteriaSet as Criteria
from scorecards.criteria import Item, Node
from scorecards.evidence import evidence_flags
from scorecards.metrics import metric_for
from scorecards.models import CriteriaSet, NodeScore, Phase, Round, Scorecard, ScoreEvidence, TaskLink

ZERO = Decimal(0)
RISK_FLAGS = ("overdue", "at_risk", "missing_evidence")


def ranking(round_: Round, column: str) -> list[dict[str, Any]]:
    """Agencies of the round by index (ties share a rank), from the stored results only."""
    domain_codes = [node.code for node in round_.criteria_set.parsed().nodes]

    def number(value: Any) -> Decimal | None:
        return None if value in (None, "") else Decimal(value)

    rows: list[dict[str, Any]] = []
    for card in round_.scorecards.select_related("agency"):
        data = card.published_results if (round_.is_published and column == "final") else card.results.get(column, {})
        domains = data.get("domains", {})
        rows.append(
            {
                "scorecard": card,
                "agency": card.agency,
                "data": data,
                "index": number(data.get("index")),
                "total": number(data.get("total")),
                "domains": [number(domains.get(code, {}).get("percent")) for code in domain_codes],
            }
        )
    # only submitted self-assessments are ranked; the others are listed after them
    rows.sort(
        key=lambda r: (
            r["scorecard"].status != Scorecard.Status.SUBMITTED or r["index"] is None,
            -(r["index"] or ZERO),
            r["agency"].name,
        )
    )
    rank = 0
    last = object()
    for position, row in enumerate(rows, start=1):
        if row["scorecard"].status != Scorecard.Status.SUBMITTED or row["index"] is None:
            row["rank"] = None
            continue
        if row["index"] != last:
            rank, last = position, row["index"]
        row["rank"] = rank
    return rows


def rank_of(card: Scorecard, column: str) -> int | None:
    """The scorecard's rank among the round's agencies in a column."""
    return next((r["rank"] for r in ranking(card.round, column) if r["scorecard"].pk == card.pk), None)


def shown_index(card: Scorecard, column: str, result: scoring.Result) -> str | None:
    """The index shown for a column: once published, the final one as published."""
    if card.round.is_published and column == "final" and card.published_results:
        index: str | None = card.published_results.get("index")
        return index
    return None if result.index_percent is None else str(result.index_percent)


def year_on_year(scorecard: Scorecard) -> dict[str, Any] | None:
    """Last year's published (or final) result of the same agency."""
    previous = scorecard.round.previous
    if previous is None:
        return None
    old = Scorecard.objects.filter(round=previous, agency=scorecard.agency).first()
    if old is None:
        return None
    result: dict[str, Any] | None = old.published_results or old.results.get("final")
    return result


@dataclass
class LostPoints:
    code: str
    name: str
    max: Decimal
    points: Decimal
    lost: Decimal
    status: str
    tasks: list[Task] = field(default_factory=list)


def links_for(set_code: str, agency: Agency, user: User | None = None) -> QuerySet[TaskLink]:
    """Task links of the agency; with a user, only the tasks that person may see."""
    links = TaskLink.objects.filter(set_code=set_code, task__agency=agency)
    if user is not None:
        links = links.filter(task__in=tasks_visible_to(user))
    return links.select_related("task", "task__lead_unit").order_by("task__code")


def _tasks_by_code(cset: Criteria, links: Iterable[TaskLink]) -> dict[str, list[Task]]:
    """Tasks linked to a leaf directly or through one of its ancestors."""
    by_code: dict[str, list[Task]] = {}
    for link in links:
        by_code.setdefault(link.code, []).append(link.task)
    result: dict[str, list[Task]] = {}
    for leaf in cset.leaves():
        tasks: list[Task] = []
        parts = leaf.code.split(".")
        for n in range(len(parts), 0, -1):
            tasks += [t for t in by_code.get(".".join(parts[:n]), []) if t not in tasks]
        result[leaf.code] = tasks
    return result


def points_lost(scorecard: Scorecard, column: str, user: User | None = None) -> list[LostPoints]:
    """The leaves below their maximum in a column, most points lost first, with the tasks linked
    to each (those the user may see)."""
    cset = scorecard.round.criteria_set.parsed()
    result = compute(cset, list(scorecard.scores.all()))[column]
    tasks = _tasks_by_code(cset, links_for(cset.code, scorecard.agency, user))
    rows = []
    for leaf in cset.leaves():
        res = result.nodes[leaf.code]
        lost = res.applicable_max - res.points
        if lost > 0:
            rows.append(
                LostPoints(leaf.code, leaf.name, res.applicable_max, res.points, lost, res.status, tasks[leaf.code])
            )
    rows.sort(key=lambda r: (-r.lost, [int(p) if p.isdigit() else p for p in r.code.split(".")]))
    return rows


@dataclass
class ForecastRow:
    code: str
    name: str
    max: Decimal
    expected: Decimal
    at_risk: Decimal
    tasks: list[Task]
    risky: list[tuple[Task, list[str]]]


def forecast(
    *,
    agency: Agency,
    criteria_set: CriteriaSet,
    scorecard: Scorecard | None,
    today: dt.date,
    cal: WorkingCalendar,
    user: User | None = None,
) -> dict[str, Any]:
    """Points at risk: each task linked to a leaf carries an equal share of its points, and the
    share of a task that is overdue, at risk or lacks evidence near its deadline is counted as
    lost; leaves keep their self-assessed points if already declared, else their maximum (the
    plan is assumed to deliver)."""
    t = Thresholds.compute(today, cal)
    cset = criteria_set.parsed()
    scores = list(scorecard.scores.all()) if scorecard else []
    base = scoring.score(cset, declared_for(cset, scores, "self")) if scorecard else None
    tasks = _tasks_by_code(cset, links_for(cset.code, agency, user))
    values: dict[str, scoring.Value | None] = {}
    overrides: dict[str, Decimal] = {}
    rows = []
    at_risk = ZERO
    for leaf in cset.leaves():
        linked = tasks[leaf.code]
        risky = [(task, flags) for task in linked if (flags := [f for f in task_flags(task, t) if f in RISK_FLAGS])]
        declared = base.nodes[leaf.code] if base else None
        expected = declared.points if declared and declared.status in ("scored", "na", "override") else leaf.max
        # each linked task carries an equal share of the criterion's points
        lost = q2(expected * len(risky) / len(linked)) if risky else ZERO
        if declared and declared.status == "na":
            values[leaf.code] = scoring.Value(kind="na")
        elif leaf.source == "survey" and not (declared and declared.status == "scored"):
            # no result yet: the agency's own survey (e.g. its SIPAS index) stands in for it
            estimate = metric_for(leaf.metric, agency=agency, year=cset.year, today=today) if leaf.metric else None
            if estimate is not None:
                values[leaf.code] = scoring.parse_value(leaf, estimate.data)
            elif cset.rescale_missing_survey:
                values[leaf.code] = None
            else:
                overrides[leaf.code] = expected - lost
        else:
            overrides[leaf.code] = expected - lost
        if risky:
            at_risk += lost
            rows.append(ForecastRow(leaf.code, leaf.name, leaf.max, expected, lost, linked, risky))
    result = scoring.score(cset, scoring.Declared(values=values, overrides=overrides))
    best = scoring.score(
        cset, scoring.Declared(values=values, overrides={**overrides, **{r.code: r.expected for r in rows}})
    )
    rows.sort(key=lambda r: -r.at_risk)
    return {
        "rows": rows,
        "points_at_risk": q2(at_risk),
        "forecast": result,
        "if_delivered": best,
        "linked_leaves": sum(1 for code in tasks if tasks[code]),
        "leaves": len(tasks),
    }


def forecast_basis(agency: Agency) -> tuple[Scorecard | None, CriteriaSet | None]:
    """What a forecast is made on: the agency's scorecard in a round not yet past self-scoring and
    its set, else the province's latest published set (without declared values)."""
    card = (
        Scorecard.objects.filter(agency=agency, round__phase__in=[Phase.SETUP, Phase.SELF])
        .select_related("round__criteria_set")
        .order_by("-round__year")
        .first()
    )
    if card is not None:
        return card, card.round.criteria_set
    published = CriteriaSet.objects.filter(province=agency.province, status=CriteriaSet.Status.PUBLISHED)
    return None, published.order_by("-year", "-version").first()


def scorecard_rows(scorecard: Scorecard) -> list[NodeScore]:
    """Every score of a scorecard with its evidence, in one query each (no per-node queries)."""
    return list(
        scorecard.scores.prefetch_related(
            Prefetch("evidence_links", queryset=ScoreEvidence.objects.select_related("document").order_by("linked_at"))
        )
    )


# --- the scoring table --------------------------------------------------------------------------


def scoring_table(card: Scorecard, *, user: access.AnyUser, today: dt.date) -> dict[str, Any]:
    """Everything the scoring table shows one person, in a fixed number of queries whatever the
    set's size: each node's row (groups, then leaves with their score) and the bonus and penalty
    items, with the points of every column, the evidence and its automatic checks, and what the
    person may enter on the row now (`scorecards.access.Openings`)."""
    cset = card.round.criteria_set.parsed()
    scores = scorecard_rows(card)
    results = compute(cset, scores)
    assignments = list(card.assignments.select_related("unit"))
    by_code = {(s.block, s.code): s for s in scores}
    opening = access.openings(card, today)
    explaining = card.round.phase == Phase.EXPLANATION
    table = _Table(
        card=card,
        results=results,
        opening=opening,
        organiser=access.is_organiser(user, card.round),
        editable=access.code_editor(user, card, assignments, explaining=explaining),
    )
    rows = []
    for node, depth in cset.walk():
        rows.append(table.row(node.code, node, depth, by_code.get(("", node.code)) if node.is_leaf else None))
        if node.is_leaf:
            rows[-1]["assignment"] = access.assignment_for(node.code, assignments)
    adjustments = [
        table.row(item.code, item, 1, by_code.get((block, item.code)), block=block)
        for block in ("bonus", "penalty")
        for item in getattr(cset, block).items
    ]
    return {
        "cset": cset,
        "rows": rows,
        "adjustments": adjustments,
        "results": results,
        "summary": [(c, COLUMN_LABELS[c], results[c]) for c in reached_columns(card.round)],
        "assignments": assignments,
        "organiser": table.organiser,
        "self_open": opening.self_scoring,
        "phase_open": opening.phase_open,
    }


@dataclass
class _Table:
    card: Scorecard
    results: dict[str, scoring.Result]
    opening: access.Openings
    organiser: bool
    editable: Callable[[str], bool]

    def row(self, code: str, node: Node | Item, depth: int, score: NodeScore | None, block: str = "") -> dict[str, Any]:
        res = {c: (self.results[c].nodes.get(code) if not block else None) for c in COLUMNS}
        row: dict[str, Any] = {"code": code, "node": node, "depth": depth, "score": score, "block": block, "res": res}
        row["is_leaf"] = block or getattr(node, "is_leaf", True)
        if score is None:
            return row
        source = node.source if isinstance(node, Node) else ""
        rights = self.opening.row(score, source, organiser=self.organiser, editable=self.editable(code))
        evidence = list(score.evidence_links.all())
        row |= {
            "can_declare": rights.declare,
            "appraise_column": rights.appraise,
            "can_explain": rights.explain,
            "survey_entry": rights.survey,
            "action": _row_action(rights, score),
            "evidence": evidence,
            "evidence_flags": evidence_flags([link.document for link in evidence], self.card.round.year),
            "inputs": scoring.input_values(score.declared),
        }
        if block:
            row["items"] = {c: item_points(score, c) for c in COLUMNS}
        if rights.survey and score.declared is None and score.metric:
            row["inputs"] = scoring.input_values(score.metric.get("data"))  # the agency's own survey to start from
        self_points = res["self"].points if res["self"] else row.get("items", {}).get("self")
        # as services.missing_evidence: a replaced system figure needs a document, other points a
        # document or an explanation
        row["needs_note"] = (
            bool(self_points)
            and not evidence
            and (score.metric_overridden or (not score.metric and not score.note.strip()))
        )
        return row


def _row_action(rights: access.RowRights, score: NodeScore) -> str:
    """Where the row's inputs are posted (one URL per step; a system figure is only replaced)."""
    if rights.declare:
        return "override" if not score.block and (score.metric or score.metric_overridden) else "declare"
    if rights.appraise:
        return "appraise"
    return "explain" if rights.explain else "survey" if rights.survey else ""


@dataclass(frozen=True)
class Pending:
    """An agency the closing phase still waits for, and what it has not done."""

    agency: Agency
    status: str  # its scorecard's state, as the round page shows it
    missing: str  # what it has not done ("not submitted", "explanations not submitted")


def pending_on_close(round_: Round) -> list[Pending]:
    """The agencies whose part of the current phase is not done (D21): in self-scoring, those
    whose self-assessment is not submitted; in the explanation phase, those asked to explain
    that have not submitted their explanations. Other phases are the appraisers' own work."""
    cards = round_.scorecards.select_related("agency").order_by("agency__name")
    if round_.phase == Phase.SELF:
        return [
            Pending(card.agency, card.get_status_display(), _("not submitted"))
            for card in cards
            if card.status != Scorecard.Status.SUBMITTED
        ]
    if round_.phase == Phase.EXPLANATION:
        asked = cards.filter(scores__explanation_requested=True, explanation_submitted_at__isnull=True).distinct()
        return [Pending(card.agency, card.get_status_display(), _("explanations not submitted")) for card in asked]
    return []
