"""Workflows of the PAR INDEX: loading criteria sets, rounds and phases, self-scoring, appraisal,
explanation, council, publication, and the read models that drive the plan (ranking, points
lost, forecast). Every change to a score is in the audit trail with its before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.metrics import MetricValue, compute_metric
from core.models import Agency, Document, Province, Role, Unit
from core.services import diff, log_action
from scorecards import scoring
from scorecards.models import (
    PHASE_DEADLINES,
    PHASE_ORDER,
    Assignment,
    CriteriaSet,
    MetricEntry,
    MetricSeries,
    NodeScore,
    Phase,
    Round,
    Scorecard,
    ScoreEvidence,
    TaskLink,
)

COLUMNS = ("self", "a1", "a2", "final")
ZERO = Decimal(0)


class ScoreError(ValueError):
    """A step the round's phase or the scorecard's state does not allow, said in plain words."""


def _field_names() -> dict[str, str]:
    return {
        "numerator": _("the number achieved"),
        "denominator": _("the total"),
        "percent": _("the percentage"),
        "count": _("the number of items"),
        "violations": _("the number of violations"),
        "points": _("the points"),
    }


def _expected_forms() -> dict[str, str]:
    return {
        "binary": _("Achieved or Not achieved"),
        "levels": _("one of the levels"),
        "bands": _("the number achieved and the total, or a percentage"),
        "proportional": _("the number achieved and the total, or a percentage"),
        "per_item": _("the number of items"),
        "deduction": _("the number of violations"),
        "percent": _("a percentage"),
        "manual": _("the points"),
    }


def value_message(exc: ValueError) -> str:
    """A refused declared value said in the user's language (scoring speaks English)."""
    if not isinstance(exc, scoring.ValueProblem):
        return str(exc)
    p = dict(exc.params)
    if "key" in p:
        p["key"] = _field_names().get(p["key"], p["key"])
    if "rule" in p:
        p["rule"] = _expected_forms().get(p["rule"], p["rule"])
    templates = {
        "not_number": _("%(key)s must be a number (got “%(got)s”)."),
        "negative": _("%(key)s cannot be negative."),
        "not_whole": _("%(key)s must be a whole number."),
        "too_big": _("%(key)s cannot exceed %(upper)s."),
        "no_na": _("This criterion cannot be declared not applicable."),
        "expected": _("Enter %(rule)s."),
        "unknown_level": _("“%(got)s” is not a level of this criterion; choose one of: %(labels)s."),
        "both": _("Enter both the number achieved and the total (or a percentage)."),
        "zero_denominator": _("The total must be greater than 0; declare “not applicable” if nothing arose."),
        "exceeds": _("The number achieved (%(numerator)s) exceeds the total (%(denominator)s)."),
        "item_range": _("Points must be between 0 and %(upper)s."),
    }
    template = templates.get(exc.kind)
    return template % p if template else str(exc)


# --- notifications ------------------------------------------------------------------------------


def _tell(agency_ids, roles, *, key: str, title: str, scorecard: Scorecard) -> int:
    """In-app notifications (and the daily digest) to the holders of some roles; idempotent by key."""
    from django.urls import reverse

    from core.jobs import notify
    from core.models import Membership, Notification

    users = set(
        Membership.objects.filter(agency_id__in=list(agency_ids), role__in=list(roles)).values_list(
            "user_id", flat=True
        )
    )
    url = reverse("scorecards:scorecard", args=[scorecard.pk])
    today = timezone.localdate()
    return notify(
        [Notification(user_id=u, key=key, kind="par", title=title[:300], url=url, for_date=today) for u in users]
    )


# --- criteria sets ------------------------------------------------------------------------------


def definition_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _jsonable(data: Any) -> Any:
    """YAML may give dates or Decimals; the stored definition is plain JSON (numbers as text)."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@transaction.atomic
def load_criteria_set(
    *, province: Province, data: Any, actor=None, source_text: str = "", source_name: str = "", publish: bool = False
) -> tuple[CriteriaSet, bool]:
    """Validates and stores a set as a new version of its code; an identical definition is not
    stored twice. Raises scoring.CriteriaError listing every problem."""
    data = _jsonable(data)
    cset = scoring.parse_criteria(data, source=source_name)
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


def publish_set(*, actor, criteria_set: CriteriaSet) -> None:
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


# --- metrics ------------------------------------------------------------------------------------

PERIOD_DAYS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}


def series_value(series: MetricSeries, year: int) -> MetricValue | None:
    """The latest period of the year entered for a series (values are cumulative from January)."""
    entry = series.entries.filter(period_end__year=year).order_by("-period_end").first()
    if entry is None:
        return None
    if series.kind == MetricSeries.Kind.RATIO:
        if not entry.denominator:
            return None
        data: dict[str, Any] = {"numerator": str(entry.numerator or 0), "denominator": str(entry.denominator)}
    elif series.kind == MetricSeries.Kind.PERCENT:
        data = {"percent": str(entry.value or 0)}
    else:
        data = {"count": str(entry.value or 0)}
    return MetricValue(
        data=data, period=entry.period_label, source=_("Entered by %(unit)s") % {"unit": series.owner_unit}
    )


def metric_for(key: str, *, agency: Agency, year: int, today: dt.date) -> MetricValue | None:
    """A series the agency enters wins over a system metric of the same key."""
    series = MetricSeries.objects.filter(agency=agency, key=key).select_related("owner_unit").first()
    if series is not None:
        return series_value(series, year)
    return compute_metric(key, agency=agency, year=year, today=today)


def period_ends(frequency: str, year: int) -> list[tuple[dt.date, dt.date, str]]:
    """(start, end, label) of every period of a year."""
    step = PERIOD_DAYS[frequency]
    periods = []
    for index, month in enumerate(range(1, 13, step), start=1):
        start = dt.date(year, month, 1)
        last_month = month + step - 1
        end = dt.date(year + (last_month // 12), last_month % 12 + 1, 1) - dt.timedelta(days=1)
        label = {
            "monthly": f"{month:02d}/{year}",
            "quarterly": f"Quý {index}/{year}",
            "semiannual": f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}",
            "yearly": f"Năm {year}",
        }[frequency]
        periods.append((start, end, label))
    return periods


@transaction.atomic
def enter_metric(
    *,
    actor,
    series: MetricSeries,
    period_end: dt.date,
    numerator=None,
    denominator=None,
    value=None,
    note="",
    documents=(),
) -> MetricEntry:
    match = [p for p in period_ends(series.frequency, period_end.year) if p[1] == period_end]
    if not match:
        raise ScoreError(_("%(date)s is not the end of a period of this series.") % {"date": f"{period_end:%d/%m/%Y}"})
    start, end, label = match[0]
    if series.kind == MetricSeries.Kind.RATIO:
        if numerator is None or not denominator:
            raise ScoreError(_("Give the numerator and a denominator greater than 0."))
        if numerator > denominator:
            raise ScoreError(_("The numerator cannot exceed the denominator."))
    elif value is None:
        raise ScoreError(_("Give the value."))
    entry = MetricEntry.objects.filter(series=series, period_end=end).first()
    before = _entry_snapshot(entry) if entry else {}
    entry = entry or MetricEntry(series=series, period_end=end)
    entry.period_start, entry.period_label = start, label
    entry.numerator, entry.denominator, entry.value, entry.note = numerator, denominator, value, note
    entry.entered_by = actor
    entry.save()
    if documents:
        entry.evidence.add(*documents)
    log_action(
        actor=actor,
        agency=series.agency,
        action="metric.entered",
        obj=entry,
        changes=diff(before, _entry_snapshot(entry)),
        note=f"{series.key} {label}",
    )
    return entry


def _entry_snapshot(entry: MetricEntry) -> dict:
    return {"numerator": entry.numerator, "denominator": entry.denominator, "value": entry.value, "note": entry.note}


def missing_periods(series: MetricSeries, today: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """Periods ended in the last 12 months without a value (last year's Q4 and yearly figure
    are still asked for in January, when self-scoring happens)."""
    since = today - dt.timedelta(days=366)
    entered = set(series.entries.filter(period_end__gte=since).values_list("period_end", flat=True))
    periods = period_ends(series.frequency, today.year - 1) + period_ends(series.frequency, today.year)
    return [p for p in periods if since <= p[1] < today and p[1] not in entered]


# --- columns and results ------------------------------------------------------------------------


def appraised_override(row: NodeScore, column: str) -> Decimal | None:
    """The appraisers' points that stand in a column: the latest of appraisal 1, appraisal 2 and
    the council up to that column (None: the declared value stands)."""
    layers = [row.a1_points, row.a2_points, row.final_points][: COLUMNS.index(column)]
    return next((p for p in reversed(layers) if p is not None), None)


def declared_for(cset: scoring.CriteriaSet, scores: list[NodeScore], column: str) -> scoring.Declared:
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
            base = _declared_points(row.declared)
            points = override if override is not None else base
            if points is not None:
                blocks[row.block][row.code] = scoring.q2(Decimal(points))
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


def _declared_points(raw: Any) -> Decimal | None:
    if isinstance(raw, dict) and "points" in raw:
        return scoring.to_decimal(raw["points"])
    return None


def compute(cset: scoring.CriteriaSet, scores: list[NodeScore]) -> dict[str, scoring.Result]:
    return {column: scoring.score(cset, declared_for(cset, scores, column)) for column in COLUMNS}


def summarize(cset: scoring.CriteriaSet, result: scoring.Result) -> dict[str, Any]:
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
    cset = scorecard.round.criteria_set.parsed()
    scores = list(scorecard.scores.all()) if scores is None else scores
    results = compute(cset, scores)
    scorecard.results = {column: summarize(cset, result) for column, result in results.items()}
    Scorecard.objects.filter(pk=scorecard.pk).update(results=scorecard.results)
    return results


# --- rounds -------------------------------------------------------------------------------------


def _check_open(round_: Round, phase: str, today: dt.date) -> None:
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
    actor,
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


def add_scorecard(*, actor, round_: Round, agency: Agency, today: dt.date) -> Scorecard:
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
    if round_.previous_id:
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
def refresh_metrics(*, actor, scorecard: Scorecard, today: dt.date) -> int:
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
    cset = scorecard.round.criteria_set.parsed()
    nodes = cset.by_code()
    changed = 0
    for row in scorecard.scores.filter(block="", metric_overridden=False):
        node = nodes.get(row.code)
        if node is None or node.source not in ("external", "survey") or not node.metric:
            continue
        value = metric_for(node.metric, agency=scorecard.agency, year=scorecard.round.year, today=today)
        if value is None:
            continue
        try:
            scoring.parse_value(node, value.data)
        except ValueError:
            continue
        snapshot = value.as_json(node.metric)
        if node.source == "survey":
            # the agency's own survey is an estimate beside the result the council enters
            if row.metric != snapshot:
                before_metric = row.metric
                row.metric = snapshot
                row.save(update_fields=["metric"])
                log_action(
                    actor=actor,
                    agency=scorecard.agency,
                    action="score.metric",
                    obj=row,
                    changes={"metric": [before_metric, snapshot]},
                    note=f"{row.code} {value.source} {value.period}",
                )
                changed += 1
            continue
        if row.declared != value.data or row.metric != snapshot:
            before = row.declared
            row.declared, row.metric = value.data, snapshot
            row.save(update_fields=["declared", "metric"])
            log_action(
                actor=actor,
                agency=scorecard.agency,
                action="score.metric",
                obj=row,
                changes={"declared": [before, row.declared]},
                note=f"{row.code} {value.source} {value.period}",
            )
            changed += 1
    if changed:
        refresh_results(scorecard)
    return changed


@transaction.atomic
def advance_phase(*, actor, round_: Round) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    index = PHASE_ORDER.index(round_.phase)
    if round_.phase in (Phase.COUNCIL, Phase.PUBLISHED):
        raise ScoreError(_("Publish the results with the decision number to close the council."))
    before = round_.phase
    round_.phase = PHASE_ORDER[index + 1]
    round_.save(update_fields=["phase"])
    if round_.phase == Phase.EXPLANATION:
        # the agencies with criteria to explain are told, with the deadline
        for card in round_.scorecards.filter(scores__explanation_requested=True).distinct().select_related("agency"):
            closes = round_.closes_on(Phase.EXPLANATION)
            _tell(
                [card.agency_id],
                [Role.FOCAL_POINT, Role.LEADER],
                key=f"par:{card.pk}:explain:{round_.pk}",
                title=(
                    _("Explanations requested on the PAR INDEX self-assessment, due %(date)s")
                    % {"date": f"{closes:%d/%m/%Y}" if closes else "—"}
                ),
                scorecard=card,
            )
    log_action(
        actor=actor,
        agency=round_.organizer,
        action="round.phase",
        obj=round_,
        changes={"phase": [before, round_.phase]},
    )
    return round_


@transaction.atomic
def reopen_phase(*, actor, round_: Round, phase: str, closes_on: dt.date | None, reason: str) -> Round:
    """Goes back to (or extends) a phase; needs a reason and is logged. Never after publication."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published:
        raise ScoreError(_("The results are published and can no longer change."))
    if not reason.strip():
        raise ScoreError(_("Give the reason for reopening."))
    reopenable = phase in PHASE_DEADLINES and PHASE_ORDER.index(phase) <= PHASE_ORDER.index(round_.phase)
    if not reopenable:
        raise ScoreError(_("Only the current or an earlier phase can be reopened."))
    field = PHASE_DEADLINES[phase]
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
def publish_round(*, actor, round_: Round, decision_number: str, decision_date: dt.date | None) -> Round:
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


# --- self-scoring -------------------------------------------------------------------------------


def _locked_score(score: NodeScore) -> NodeScore:
    """The score under lock, its scorecard locked first: status checks and the stored results
    never race another change of the same scorecard."""
    list(Scorecard.objects.select_for_update().filter(pk=score.scorecard_id).values_list("pk"))
    return NodeScore.objects.select_for_update().select_related("scorecard__round__criteria_set").get(pk=score.pk)


def _score_state(score: NodeScore) -> dict:
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


def _row_points(row: NodeScore, results: dict[str, scoring.Result]) -> dict[str, str]:
    """A row's points in each column, as text."""
    if row.block:
        return {column: str(_item_points(row, column)) for column in COLUMNS}
    return {column: str(results[column].nodes[row.code].points) for column in COLUMNS}


def _save_and_log(actor, score: NodeScore, before: dict, action: str, note: str = "") -> NodeScore:
    stored = list(score.scorecard.scores.all())  # the state before this change
    stored_row = next(row for row in stored if row.pk == score.pk)
    points_before = _row_points(stored_row, compute(score.scorecard.round.criteria_set.parsed(), stored))
    score.updated_by = actor
    score.save()
    changes = diff(before, _score_state(score))
    results = refresh_results(score.scorecard)
    if changes:
        points_after = _row_points(score, results)
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


def _check_self_editable(score: NodeScore, today: dt.date) -> None:
    _check_open(score.scorecard.round, Phase.SELF, today)
    if score.scorecard.status != Scorecard.Status.DRAFT:
        raise ScoreError(_("The self-assessment has been sent for approval; return it to draft to change it."))


@transaction.atomic
def save_declared(*, actor, score: NodeScore, raw: Any, note: str | None, today: dt.date) -> NodeScore:
    """Stores a declared value (validated against the criterion's rule) and the explanation."""
    score = _locked_score(score)
    _check_self_editable(score, today)
    cset = score.scorecard.round.criteria_set.parsed()
    before = _score_state(score)
    if score.block:
        item = {i.code: i for i in getattr(cset, score.block).items}[score.code]
        if raw in (None, "", {}):
            score.declared = None
        else:
            try:
                points = scoring.check_item_points(item, raw.get("points") if isinstance(raw, dict) else raw)
            except ValueError as exc:
                raise ScoreError(value_message(exc)) from None
            score.declared = {"points": str(points)}
    else:
        node = cset.by_code()[score.code]
        if node.source == "survey":
            raise ScoreError(_("Survey results are entered by the Department of Home Affairs at the council."))
        if node.source == "external" and score.metric and not score.metric_overridden:
            raise ScoreError(_("This value comes from system data; override it with a reason to change it."))
        try:
            value = scoring.parse_value(node, raw)
        except ValueError as exc:
            raise ScoreError(value_message(exc)) from None
        score.declared = None if value is None else value.to_data()
    if note is not None:
        score.note = note
    return _save_and_log(actor, score, before, "score.declared")


@transaction.atomic
def override_metric(
    *, actor, score: NodeScore, raw: Any, reason: str, today: dt.date, note: str | None = None
) -> NodeScore:
    """Replaces a system figure by a declared value; needs a reason (and evidence on the row)."""
    score = _locked_score(score)
    _check_self_editable(score, today)
    node = score.scorecard.round.criteria_set.parsed().by_code()[score.code]
    if score.block or node.source != "external" or not score.metric:
        raise ScoreError(_("Only a figure that comes from system data can be replaced."))
    if not reason.strip():
        raise ScoreError(_("Give the reason for replacing the system figure."))
    try:
        value = scoring.parse_value(node, raw)
    except ValueError as exc:
        raise ScoreError(value_message(exc)) from None
    before = _score_state(score)
    score.declared = None if value is None else value.to_data()
    score.metric_overridden = True
    score.metric_override_reason = reason.strip()
    if note is not None:
        score.note = note
    return _save_and_log(actor, score, before, "score.metric_overridden", note=reason.strip())


@transaction.atomic
def restore_metric(*, actor, score: NodeScore, today: dt.date) -> NodeScore:
    """Goes back to the system figure after a replacement."""
    score = _locked_score(score)
    _check_self_editable(score, today)
    if not score.metric_overridden:
        return score
    before = _score_state(score)
    score.metric_overridden = False
    score.metric_override_reason = ""
    score.declared = (score.metric or {}).get("data")
    return _save_and_log(actor, score, before, "score.metric_restored")


def evidence_stage(score: NodeScore, today: dt.date) -> str:
    """The stage a document linked now would have; ScoreError when no document can be linked."""
    round_ = score.scorecard.round
    if round_.phase == Phase.EXPLANATION:
        _check_open(round_, Phase.EXPLANATION, today)
        if not score.explanation_requested:
            raise ScoreError(_("Supplementary evidence is accepted only for criteria asked to explain."))
        if score.scorecard.explanation_submitted_at:
            raise ScoreError(_("The explanations have been submitted."))
        stage = ScoreEvidence.Stage.SUPPLEMENTARY
    else:
        _check_self_editable(score, today)
        stage = ScoreEvidence.Stage.INITIAL
    return stage


@transaction.atomic
def link_evidence(*, actor, score: NodeScore, document: Document, today: dt.date) -> ScoreEvidence:
    score = _locked_score(score)
    if document.agency_id != score.scorecard.agency_id:
        raise ScoreError(_("The document belongs to another agency."))
    stage = evidence_stage(score, today)
    # the version seen now is the one appraised, whatever versions are added later
    version = document.versions.order_by("-version").first()
    link, created = ScoreEvidence.objects.get_or_create(
        score=score, document=document, defaults={"stage": stage, "linked_by": actor, "version": version}
    )
    if created:
        log_action(
            actor=actor,
            agency=score.scorecard.agency,
            action="score.evidence_linked",
            obj=score,
            changes={"evidence": [None, document.pk]},
            note=f"{score.code}: {document}",
        )
    return link


@transaction.atomic
def unlink_evidence(*, actor, score: NodeScore, document: Document, today: dt.date) -> None:
    score = _locked_score(score)
    link = ScoreEvidence.objects.filter(score=score, document=document).first()
    if link is None:
        return
    if link.stage == ScoreEvidence.Stage.SUPPLEMENTARY:
        _check_open(score.scorecard.round, Phase.EXPLANATION, today)
    else:
        _check_self_editable(score, today)
    link.delete()
    log_action(
        actor=actor,
        agency=score.scorecard.agency,
        action="score.evidence_unlinked",
        obj=score,
        changes={"evidence": [document.pk, None]},
        note=f"{score.code}: {document}",
    )


def missing_evidence(scorecard: Scorecard, results: scoring.Result | None = None) -> list[str]:
    """Leaves with self points above zero, no evidence and no explanation, and replaced system
    figures without evidence: they block submission."""
    scores = list(scorecard.scores.prefetch_related("evidence_links"))
    if results is None:
        results = compute(scorecard.round.criteria_set.parsed(), scores)["self"]

    def self_points(s: NodeScore) -> Decimal:
        if s.block:
            return _item_points(s, "self")
        node = results.nodes.get(s.code)
        return node.points if node else ZERO

    return [
        ("+" if s.block == "bonus" else "−" if s.block else "") + s.code
        for s in scores
        if self_points(s) > 0
        and not s.evidence_links.all()
        and (s.metric_overridden or not s.note.strip())  # a replaced system figure needs a document
        and not (s.metric and not s.metric_overridden)  # system figures carry their own source
    ]


def _set_status(actor, scorecard: Scorecard, status: str, action: str, note: str = "") -> Scorecard:
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
def send_for_approval(*, actor, scorecard: Scorecard, today: dt.date) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("round__criteria_set").get(pk=scorecard.pk)
    _check_open(scorecard.round, Phase.SELF, today)
    if scorecard.status != Scorecard.Status.DRAFT:
        raise ScoreError(_("The self-assessment is not a draft any more."))
    missing = missing_evidence(scorecard)
    if missing:
        raise ScoreError(
            _("Attach evidence or write an explanation for the criteria scored without evidence: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    _set_status(actor, scorecard, Scorecard.Status.AWAITING_APPROVAL, "scorecard.sent_for_approval")
    _tell(
        [scorecard.agency_id],
        [Role.LEADER],
        key=f"par:{scorecard.pk}:approve:{timezone.now():%Y%m%d%H%M}",
        title=_("PAR INDEX self-assessment awaiting your approval: %(round)s") % {"round": scorecard.round},
        scorecard=scorecard,
    )
    return scorecard


@transaction.atomic
def approve_and_submit(*, actor, scorecard: Scorecard, today: dt.date) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("round__criteria_set").get(pk=scorecard.pk)
    _check_open(scorecard.round, Phase.SELF, today)
    if scorecard.status != Scorecard.Status.AWAITING_APPROVAL:
        raise ScoreError(_("Only a self-assessment awaiting approval can be approved."))
    refresh_results(scorecard)
    _set_status(actor, scorecard, Scorecard.Status.SUBMITTED, "scorecard.submitted")
    _tell(
        [scorecard.round.organizer_id],
        [Role.APPRAISER],
        key=f"par:{scorecard.pk}:submitted:{timezone.now():%Y%m%d%H%M}",
        title=_("%(agency)s submitted its PAR INDEX self-assessment") % {"agency": scorecard.agency},
        scorecard=scorecard,
    )
    return scorecard


@transaction.atomic
def return_to_draft(*, actor, scorecard: Scorecard, reason: str, today: dt.date) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("round").get(pk=scorecard.pk)
    _check_open(scorecard.round, Phase.SELF, today)
    if not reason.strip():
        raise ScoreError(_("Give the reason for returning the self-assessment."))
    return _set_status(actor, scorecard, Scorecard.Status.DRAFT, "scorecard.returned", note=reason.strip())


# --- assignments --------------------------------------------------------------------------------


@transaction.atomic
def assign_block(*, actor, scorecard: Scorecard, code: str, unit: Unit) -> Assignment:
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
def assignment_step(*, actor, assignment: Assignment, step: str, note: str = "") -> Assignment:
    allowed = {
        "submit": ({Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED}, Assignment.Status.SUBMITTED),
        "accept": ({Assignment.Status.SUBMITTED}, Assignment.Status.ACCEPTED),
        "request_changes": (
            {Assignment.Status.SUBMITTED, Assignment.Status.ACCEPTED},
            Assignment.Status.CHANGES_REQUESTED,
        ),
    }
    sources, target = allowed[step]
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


# --- appraisal ----------------------------------------------------------------------------------

APPRAISAL_PHASE = {"a1": Phase.APPRAISAL1, "a2": Phase.APPRAISAL2, "final": Phase.COUNCIL}


@transaction.atomic
def appraise(
    *,
    actor,
    score: NodeScore,
    column: str,
    points: Decimal | None,
    reason: str,
    today: dt.date,
    request_explanation: bool | None = None,
) -> NodeScore:
    """The appraisers' points for a column. A difference from the previous column needs a reason;
    in appraisal 2 only criteria asked to explain can change."""
    score = _locked_score(score)
    round_ = score.scorecard.round
    _check_open(round_, APPRAISAL_PHASE[column], today)
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
        raise ScoreError(_("Points must be between 0 and %(max)s.") % {"max": scoring.q2(maximum)})
    previous_column = COLUMNS[COLUMNS.index(column) - 1]
    results = compute(cset, list(score.scorecard.scores.all()))
    if score.block:
        prev_points, prev_max = _item_points(score, previous_column), maximum
    else:
        previous = results[previous_column].nodes[score.code]
        prev_points, prev_max = previous.points, previous.applicable_max
    before = _score_state(score)
    # appraised points make the criterion applicable: rejecting an N/A is a difference too
    differs = points is not None and (scoring.q2(points) != prev_points or scoring.q2(maximum) != prev_max)
    if differs and not reason.strip():
        raise ScoreError(
            _("Give the reason for %(points)s instead of %(previous)s.")
            % {"points": scoring.q2(points), "previous": prev_points}
        )
    setattr(score, f"{column}_points", None if points is None else scoring.q2(points))
    # the reason is kept even before the points are typed (the row saves field by field)
    setattr(score, f"{column}_reason", reason.strip())
    if request_explanation is not None and column == "a1":
        score.explanation_requested = request_explanation
    return _save_and_log(actor, score, before, f"score.{column}", note=reason.strip())


def _item_points(score: NodeScore, column: str) -> Decimal:
    override = appraised_override(score, column)
    value = override if override is not None else _declared_points(score.declared)
    return scoring.q2(Decimal(value or 0))


@transaction.atomic
def enter_survey(*, actor, score: NodeScore, raw: Any, today: dt.date) -> NodeScore:
    """Survey results (SIPAS and the like) imported at the council, for the final column."""
    score = _locked_score(score)
    _check_open(score.scorecard.round, Phase.COUNCIL, today)
    node = score.scorecard.round.criteria_set.parsed().by_code()[score.code]
    if node.source != "survey":
        raise ScoreError(_("Only survey criteria take a survey result."))
    try:
        value = scoring.parse_value(node, raw)
    except ValueError as exc:
        raise ScoreError(value_message(exc)) from None
    before = _score_state(score)
    score.declared = None if value is None else value.to_data()
    return _save_and_log(actor, score, before, "score.survey")


@transaction.atomic
def explain(*, actor, score: NodeScore, text: str, today: dt.date) -> NodeScore:
    score = _locked_score(score)
    _check_open(score.scorecard.round, Phase.EXPLANATION, today)
    if not score.explanation_requested:
        raise ScoreError(_("No explanation was requested for this criterion."))
    if score.scorecard.explanation_submitted_at:
        raise ScoreError(_("The explanations have been submitted."))
    before = _score_state(score)
    score.explanation = text.strip()
    return _save_and_log(actor, score, before, "score.explained")


@transaction.atomic
def submit_explanations(*, actor, scorecard: Scorecard, today: dt.date) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("round").get(pk=scorecard.pk)
    _check_open(scorecard.round, Phase.EXPLANATION, today)
    empty = list(scorecard.scores.filter(explanation_requested=True, explanation="").values_list("code", flat=True))
    if empty:
        raise ScoreError(_("Explain every criterion asked: %(codes)s.") % {"codes": ", ".join(empty)})
    scorecard.explanation_submitted_at = timezone.now()
    scorecard.save(update_fields=["explanation_submitted_at"])
    log_action(actor=actor, agency=scorecard.agency, action="scorecard.explanations_submitted", obj=scorecard)
    return scorecard


# --- read models --------------------------------------------------------------------------------


def current_column(round_: Round) -> str:
    return {
        Phase.SETUP: "self",
        Phase.SELF: "self",
        Phase.APPRAISAL1: "a1",
        Phase.EXPLANATION: "a1",
        Phase.APPRAISAL2: "a2",
        Phase.COUNCIL: "final",
        Phase.PUBLISHED: "final",
    }[round_.phase]


def ranking(round_: Round, column: str) -> list[dict]:
    """Agencies of the round by index (ties share a rank), from the stored results only."""
    domain_codes = [node.code for node in round_.criteria_set.parsed().nodes]

    def number(value):
        return None if value in (None, "") else Decimal(value)

    rows = []
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


def year_on_year(scorecard: Scorecard) -> dict | None:
    """Last year's published (or final) result of the same agency."""
    previous = scorecard.round.previous
    if previous is None:
        return None
    old = Scorecard.objects.filter(round=previous, agency=scorecard.agency).first()
    if old is None:
        return None
    return old.published_results or old.results.get("final")


@dataclass
class LostPoints:
    code: str
    name: str
    max: Decimal
    points: Decimal
    lost: Decimal
    status: str
    tasks: list = field(default_factory=list)


def links_for(set_code: str, agency: Agency, user=None):
    """Task links of the agency; with a user, only the tasks that person may see."""
    links = TaskLink.objects.filter(set_code=set_code, task__agency=agency)
    if user is not None:
        from plans.access import tasks_visible_to

        links = links.filter(task__in=tasks_visible_to(user))
    return links.select_related("task", "task__lead_unit").order_by("task__code")


def _tasks_by_code(cset: scoring.CriteriaSet, links) -> dict[str, list]:
    """Tasks linked to a leaf directly or through one of its ancestors."""
    by_code: dict[str, list] = {}
    for link in links:
        by_code.setdefault(link.code, []).append(link.task)
    result: dict[str, list] = {}
    for leaf in cset.leaves():
        tasks = []
        parts = leaf.code.split(".")
        for n in range(len(parts), 0, -1):
            tasks += [t for t in by_code.get(".".join(parts[:n]), []) if t not in tasks]
        result[leaf.code] = tasks
    return result


def points_lost(scorecard: Scorecard, column: str, user=None) -> list[LostPoints]:
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


@transaction.atomic
def create_improvement_task(
    *,
    actor,
    scorecard: Scorecard,
    code: str,
    plan,
    lead_unit: Unit,
    deadline: dt.date,
    today: dt.date,
    cal: WorkingCalendar,
) -> Any:
    from plans.models import Task
    from plans.services import create_task

    cset = scorecard.round.criteria_set.parsed()
    node = cset.by_code().get(code)
    if node is None:
        raise ScoreError(_("No criterion has the code %(code)s.") % {"code": code})
    if plan.agency_id != scorecard.agency_id or lead_unit.agency_id != scorecard.agency_id:
        raise ScoreError(_("The plan and the unit must belong to the agency."))
    prefix = f"PAR-{code}"
    number = Task.objects.filter(plan=plan, code__startswith=prefix).count() + 1
    task = create_task(
        actor=actor,
        plan=plan,
        data={
            "code": f"{prefix}-{number}"[:30],
            "title": (_("Recover the points of criterion %(code)s: %(name)s") % {"code": code, "name": node.name})[
                :300
            ],
            "description": _("Created from the points lost in %(round)s.") % {"round": scorecard.round},
            "par_domain": int(code.split(".")[0])
            if code.split(".")[0].isdigit() and int(code.split(".")[0]) <= 8
            else None,
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


@dataclass
class ForecastRow:
    code: str
    name: str
    max: Decimal
    expected: Decimal
    at_risk: Decimal
    tasks: list
    risky: list


def forecast(
    *, agency: Agency, criteria_set: CriteriaSet, scorecard: Scorecard | None, today: dt.date, cal, user=None
) -> dict:
    """Points at risk: each task linked to a leaf carries an equal share of its points, and the
    share of a task that is overdue, at risk or lacks evidence near its deadline is counted as
    lost; leaves keep their self-assessed points if already declared, else their maximum (the
    plan is assumed to deliver)."""
    from plans.selectors import Thresholds, task_flags

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
        lost = scoring.q2(expected * len(risky) / len(linked)) if risky else ZERO
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
        "points_at_risk": scoring.q2(at_risk),
        "forecast": result,
        "if_delivered": best,
        "linked_leaves": sum(1 for code in tasks if tasks[code]),
        "leaves": len(tasks),
    }


RISK_FLAGS = ("overdue", "at_risk", "missing_evidence")


def scorecard_rows(scorecard: Scorecard):
    """Every score of a scorecard with its evidence, in one query each (no per-node queries)."""
    return list(
        scorecard.scores.prefetch_related(
            Prefetch("evidence_links", queryset=ScoreEvidence.objects.select_related("document").order_by("linked_at"))
        )
    )
