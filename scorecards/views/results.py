"""Results that drive the plan: a scorecard's results by column with its rank and last year's
change, the points lost with the tasks linked to them (and a new improvement task), and the
forecast of points at risk from late tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.services import load_calendar
from core.web import refuses_politely
from scorecards import access, selectors, services
from scorecards.columns import COLUMN_LABELS, COLUMNS, compute, current_column
from scorecards.forms import ImprovementTaskForm


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk)
    cset = card.round.criteria_set.parsed()
    computed = compute(cset, list(card.scores.all()))
    previous = selectors.year_on_year(card)
    columns = []
    for column in COLUMNS:
        rank = selectors.rank_of(card, column) if access.can_see_rank(request.user, card.round, column) else None
        index = selectors.shown_index(card, column, computed[column])
        change = Decimal(index) - Decimal(previous["index"]) if previous and previous.get("index") and index else None
        columns.append(
            {"key": column, "label": COLUMN_LABELS[column], "res": computed[column], "rank": rank, "change": change}
        )
    domains = [{"node": node, "cells": [computed[c].nodes[node.code] for c in COLUMNS]} for node in cset.nodes]
    context = {
        "card": card,
        "columns": columns,
        "domains": domains,
        "previous": previous,
        "count": card.round.scorecards.count(),
    }
    return render(request, "scorecards/results.html", context)


@login_required
def points_lost(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk)
    column = request.GET.get("column") or current_column(card.round)
    column = column if column in COLUMNS else "self"
    rows = selectors.points_lost(card, column, request.user)
    form = None
    if access.is_agency_manager(request.user, card):
        deadline = timezone.localdate() + dt.timedelta(days=90)
        form = ImprovementTaskForm(agency=card.agency, initial={"deadline": deadline})
    context = {
        "card": card,
        "rows": rows,
        "column": column,
        "columns": [(c, COLUMN_LABELS[c]) for c in COLUMNS],
        "total_lost": sum((r.lost for r in rows), Decimal(0)),
        "form": form,
    }
    return render(request, "scorecards/points_lost.html", context)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def improvement_task(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.is_agency_manager)
    form = ImprovementTaskForm(request.POST, agency=card.agency)
    if not form.is_valid():
        messages.error(request, _("Choose the plan, the lead unit and a deadline."))
        return redirect("scorecards:points_lost", card.pk)
    task = services.create_improvement_task(
        actor=request.user,
        scorecard=card,
        code=code,
        **form.cleaned_data,
        today=timezone.localdate(),
        cal=load_calendar(),
    )
    messages.success(request, _("Improvement task %(task)s created.") % {"task": task.code})
    return redirect("plans:task_detail", task.pk)


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    card, stored = selectors.forecast_basis(agency)
    if stored is None:
        return render(request, "scorecards/forecast.html", {"agency": agency, "data": None})
    data = selectors.forecast(
        agency=agency,
        criteria_set=stored,
        scorecard=card,
        today=timezone.localdate(),
        cal=load_calendar(),
        user=request.user,
    )
    return render(request, "scorecards/forecast.html", {"agency": agency, "data": data, "stored": stored, "card": card})
