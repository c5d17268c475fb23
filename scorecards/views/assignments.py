"""Blocks of criteria assigned to units: the list (and assigning one), and the steps of a block:
the unit submits it to the Office, which accepts it or asks for changes (one view each)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.services import StepRefused
from core.web import refuses_politely
from scorecards import access, services
from scorecards.forms import AssignForm


@login_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk)
    manager = access.is_agency_manager(request.user, card)
    form = AssignForm(request.POST or None, scorecard=card)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assign_block(actor=request.user, scorecard=card, **form.cleaned_data)
            except StepRefused as exc:
                messages.error(request, str(exc))
            else:
                done = {"code": form.cleaned_data["code"], "unit": form.cleaned_data["unit"].name}
                messages.success(request, _("Block %(code)s assigned to %(unit)s.") % done)
            return redirect("scorecards:assignments", card.pk)
    names = card.round.criteria_set.parsed().by_code()
    items = [
        {
            "a": a,
            "name": names[a.code].name if a.code in names else "",
            "steps": [
                step
                for step, (sources, _target) in services.ASSIGNMENT_STEPS.items()
                if a.status in sources and access.can_work_assignment(request.user, a, step)
            ],
        }
        for a in card.assignments.select_related("unit")
    ]
    context = {"card": card, "form": form, "items": items, "manager": manager}
    return render(request, "scorecards/assignments.html", context)


STEP_DONE = {
    "submit": gettext_lazy("Block %(code)s submitted to the Office."),
    "accept": gettext_lazy("Block %(code)s accepted."),
    "request_changes": gettext_lazy("Changes requested on block %(code)s."),
}


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk, step)
    note = request.POST.get("note", "")
    services.assignment_step(actor=request.user, assignment=assignment, step=step, note=note)
    messages.success(request, STEP_DONE[step] % {"code": assignment.code})
    return redirect("scorecards:assignments", assignment.scorecard_id)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit")


@login_required
@require_POST
@refuses_politely("scorecards:home")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "accept")


@login_required
@require_POST
@refuses_politely("scorecards:home")
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "request_changes")
