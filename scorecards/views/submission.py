"""The agency's steps on its scorecard as a whole: refresh the system figures, send the
self-assessment to the leader, approve and submit it, return it to draft, submit the
explanations (one view and one URL each)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.web import refuses_politely
from scorecards import access, appraisal, services


@login_required
@require_POST
@refuses_politely("scorecards:home")
def refresh_figures(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.can_send)
    changed = services.refresh_figures(actor=request.user, scorecard=card, today=timezone.localdate())
    messages.success(request, _("System figures refreshed: %(n)s changed.") % {"n": changed})
    return redirect("scorecards:scorecard", card.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def send(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.can_send)
    services.send_for_approval(actor=request.user, scorecard=card, today=timezone.localdate())
    messages.success(request, _("Sent to the leader for approval."))
    return redirect("scorecards:scorecard", card.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.can_approve)
    services.approve_and_submit(actor=request.user, scorecard=card, today=timezone.localdate())
    messages.success(request, _("Approved and submitted to the Department of Home Affairs."))
    return redirect("scorecards:scorecard", card.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def return_to_draft(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.can_return)
    reason = request.POST.get("reason", "")
    services.return_to_draft(actor=request.user, scorecard=card, reason=reason, today=timezone.localdate())
    messages.success(request, _("Returned to draft."))
    return redirect("scorecards:scorecard", card.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def submit_explanations(request: HttpRequest, pk: int) -> HttpResponse:
    card = access.get_scorecard_for_user(request.user, pk, can=access.can_send)
    appraisal.submit_explanations(actor=request.user, scorecard=card, today=timezone.localdate())
    messages.success(request, _("Explanations submitted."))
    return redirect("scorecards:scorecard", card.pk)
