"""Periodic metric series an agency enters itself: the list (and defining a new one), and one
series with its values by period (and entering one, with an evidence document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import current_agency_or_404, documents_visible_to
from core.services import StepRefused
from scorecards import access, metrics
from scorecards.forms import EntryForm, SeriesForm
from scorecards.models import MetricSeries


@login_required
def series_list(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    manager = access.can_manage_series(request.user, agency)
    form = SeriesForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            series = form.save(commit=False)
            series.agency = agency
            if not MetricSeries.objects.filter(agency=agency, key=series.key).exists():
                series.save()
                messages.success(request, _("Series %(name)s created.") % {"name": series.name})
                return redirect("scorecards:series_detail", series.pk)
            form.add_error("key", _("This agency already has a series with this key."))
    today = timezone.localdate()
    items = [
        {"series": s, "missing": metrics.missing_periods(s, today), "value": metrics.series_value(s, today.year)}
        for s in MetricSeries.objects.filter(agency=agency).select_related("owner_unit")
    ]
    return render(request, "scorecards/series_list.html", {"items": items, "form": form, "manager": manager})


@login_required
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = access.get_series_for_user(request.user, pk)
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    can_enter = access.can_enter_series(request.user, series)
    form = EntryForm(request.POST or None, periods=metrics.period_ends(series.frequency, year))
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid() and _entered(request, series, form.cleaned_data):
            messages.success(request, _("Value saved."))
            return redirect("scorecards:series_detail", series.pk)
    context = {
        "series": series,
        "entries": series.entries.filter(period_end__year=year).prefetch_related("evidence"),
        "form": form,
        "can_enter": can_enter,
        "missing": metrics.missing_periods(series, today) if year == today.year else [],
        "library": documents_visible_to(request.user).filter(agency=series.agency).order_by("-created_at")[:300],
        "year": year,
    }
    return render(request, "scorecards/series_detail.html", context)


def _entered(request: HttpRequest, series: MetricSeries, data: dict[str, Any]) -> bool:
    """Enters a value with its evidence document (one the user sees, of the series' agency);
    False, with the refusal as a message, when the value is refused."""
    doc_id = request.POST.get("document", "")
    visible = documents_visible_to(request.user).filter(agency=series.agency)
    documents = list(visible.filter(pk=int(doc_id))) if doc_id.isdigit() else []
    try:
        metrics.enter_metric(
            actor=request.user,
            series=series,
            period_end=dt.date.fromisoformat(data["period_end"]),
            numerator=data["numerator"],
            denominator=data["denominator"],
            value=data["value"],
            note=data["note"],
            documents=documents,
        )
    except StepRefused as exc:
        messages.error(request, str(exc))
        return False
    return True
