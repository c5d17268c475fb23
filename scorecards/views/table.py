"""The scoring table of one scorecard, and the steps a row of it takes (HTMX, one view and one URL
each): the agency declares a value, replaces a system figure or goes back to it, explains; the
appraisers enter points in their column and the council enters survey results. Each answers with
the row again (`_row_response`), or on a plain post goes back to the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.services import StepRefused, history_for
from core.web import XLSX, download
from scorecards import access, appraisal, scoring, selectors, services
from scorecards.columns import APPRAISAL_PHASE, COLUMN_LABELS
from scorecards.criteria import Item, Node
from scorecards.errors import value_message
from scorecards.models import NodeScore, Scorecard
from scorecards.report import scorecard_workbook

# The fields of a row, shown again as typed when a step is refused.
INPUT_KEYS = ("value", "numerator", "denominator", "percent", "count", "violations", "points", "na", "note", "reason")


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponseBase:
    card = access.get_scorecard_for_user(request.user, pk)
    context = selectors.scoring_table(card, user=request.user, today=timezone.localdate())
    if request.GET.get("export") == "xlsx":
        return download(scorecard_workbook(card, context), f"PAR-{card.round.year}-{card.agency.code}.xlsx", XLSX)
    context |= {
        "card": card,
        "round": card.round,
        "can_send": access.can_send(request.user, card),
        "can_approve": access.can_approve(request.user, card),
        "column_labels": COLUMN_LABELS,
        "history": history_for(card)[:10],
    }
    return render(request, "scorecards/scorecard.html", context)


@login_required
@require_POST
def declare(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_enter)
    error = _attempt(
        lambda: services.save_declared(
            actor=request.user,
            score=score,
            raw=scoring.read_inputs(_entry(card, score), request.POST),
            note=request.POST.get("note"),
            today=timezone.localdate(),
        )
    )
    return _row_response(request, card, score, error)


@login_required
@require_POST
def override(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_enter)
    error = _attempt(
        lambda: services.override_metric(
            actor=request.user,
            score=score,
            raw=scoring.read_inputs(_entry(card, score), request.POST),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note"),
            today=timezone.localdate(),
        )
    )
    return _row_response(request, card, score, error)


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_enter)
    error = _attempt(lambda: services.restore_metric(actor=request.user, score=score, today=timezone.localdate()))
    return _row_response(request, card, score, error)


@login_required
@require_POST
def explain(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_enter)
    text = request.POST.get("explanation", "")
    error = _attempt(lambda: appraisal.explain(actor=request.user, score=score, text=text, today=timezone.localdate()))
    return _row_response(request, card, score, error)


@login_required
@require_POST
def appraise(request: HttpRequest, pk: int, score_id: int, column: str) -> HttpResponse:
    if column not in APPRAISAL_PHASE:
        raise Http404
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_appraise)
    error = _attempt(
        lambda: appraisal.appraise(
            actor=request.user,
            score=score,
            column=column,
            points=scoring.typed_number(request.POST.get("points")),
            reason=request.POST.get("reason", ""),
            request_explanation=bool(request.POST.get("explain")) if column == "a1" else None,
            today=timezone.localdate(),
        )
    )
    return _row_response(request, card, score, error)


@login_required
@require_POST
def survey(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_appraise)
    error = _attempt(
        lambda: appraisal.enter_survey(
            actor=request.user,
            score=score,
            raw=scoring.read_inputs(_entry(card, score), request.POST),
            today=timezone.localdate(),
        )
    )
    return _row_response(request, card, score, error)


def _entry(card: Scorecard, score: NodeScore) -> Node | Item:
    """The criterion (or bonus or penalty item) a row scores."""
    cset = card.round.criteria_set.parsed()
    found = cset.item(score.block, score.code) if score.block else cset.by_code().get(score.code)
    if found is None:
        raise Http404
    return found


def _attempt(step: Callable[[], Any]) -> str:
    """Runs a step of a row; the refusal in the user's words, or "" when it went through."""
    try:
        step()
    except scoring.ValueProblem as exc:  # a typed value the rule refuses before the step runs
        return value_message(exc)
    except StepRefused as exc:
        return str(exc)
    return ""


def _row_response(request: HttpRequest, card: Scorecard, score: NodeScore, error: str) -> HttpResponse:
    """The row again with the totals and the parents' new sums out of band (HTMX); a refused step
    keeps what was typed. A plain post goes back to the row in the table."""
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{score.code}: {error}")
        return redirect(reverse("scorecards:scorecard", args=[card.pk]) + f"#row-{score.pk}")
    card.refresh_from_db()
    context = selectors.scoring_table(card, user=request.user, today=timezone.localdate())
    rows = context["rows"] + context["adjustments"]
    row = next((r for r in rows if r.get("score") and r["score"].pk == score.pk), None)
    if row is not None and error:
        row["inputs"] = _typed(request.POST)
    parts = score.code.split(".")
    prefixes = {".".join(parts[:n]) for n in range(1, len(parts))} if not score.block else set()
    ancestors = [r for r in context["rows"] if not r.get("score") and r["code"] in prefixes]
    context |= {"card": card, "round": card.round, "row": row, "error": error, "oob": True, "ancestors": ancestors}
    return render(request, "scorecards/_row_response.html", context)


def _typed(post: QueryDict) -> dict[str, Any]:
    inputs: dict[str, Any] = {key: post.get(key, "") for key in INPUT_KEYS}
    inputs["na"] = bool(post.get("na"))
    return inputs
