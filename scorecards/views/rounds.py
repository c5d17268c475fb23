"""The PAR INDEX home, rounds (creating one, its ranking and history) and the organisers' steps
on a round: close a phase and open the next, reopen one, publish the results. Each step is a page
of its own (GET) that says what the step does and which agencies have not done their part, with a
confirmation box the server checks (POST)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import current_agency
from core.services import history_for
from core.web import refuses_politely
from scorecards import access, selectors, services
from scorecards.columns import COLUMN_LABELS, COLUMNS
from scorecards.forms import ConfirmForm, PublishForm, ReopenForm, RoundForm
from scorecards.models import PHASE_ORDER, Phase, Round


@login_required
def home(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    context = {
        "rounds": access.rounds_visible_to(request.user).select_related("criteria_set", "organizer"),
        "cards": access.scorecards_visible_to(request.user, agency).select_related("round").order_by("-round__year"),
        "organises": access.can_organise(request.user),
        "agency": agency,
    }
    return render(request, "scorecards/home.html", context)


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    organizer = access.get_organiser_agency_for_user(request.user)
    form = RoundForm(request.POST or None, organizer=organizer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.create_round(
            actor=request.user,
            organizer=organizer,
            criteria_set=data["criteria_set"],
            agencies=list(data["agencies"]),
            name=data["name"],
            year=data["year"],
            previous=data["previous"],
            today=timezone.localdate(),
            deadlines={f: data[f] for f in data if f.endswith("_closes_on")},
        )
        messages.success(request, _("Round created with %(n)s agencies.") % {"n": round_.scorecards.count()})
        return redirect("scorecards:round_detail", round_.pk)
    return render(request, "scorecards/round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk)
    organiser = access.is_organiser(request.user, round_)
    column = access.ranking_column_for(request.user, round_, request.GET.get("column"))
    context = {
        "round": round_,
        "organiser": organiser,
        "rows": access.ranking_visible_to(request.user, round_, selectors.ranking(round_, column)),
        "column": column,
        "columns": [(c, COLUMN_LABELS[c]) for c in COLUMNS],
        "domains": round_.criteria_set.parsed().nodes,
        "phases": list(Phase),
        "pending": selectors.pending_on_close(round_) if organiser else [],
        "history": history_for(round_)[:20] if organiser else [],
        "phase_index": PHASE_ORDER.index(round_.phase),
    }
    return render(request, "scorecards/round_detail.html", context)


def _step_page(request: HttpRequest, round_: Round, step: str, form: forms.Form, status: int = 200) -> HttpResponse:
    """The page that asks before a step on the round (close, reopen, publish): what it does, what
    the phase still waits for, and the step's form with its confirmation box."""
    index = PHASE_ORDER.index(round_.phase)
    context = {
        "round": round_,
        "step": step,
        "form": form,
        "next_phase": Phase(PHASE_ORDER[index + 1]).label if index + 1 < len(PHASE_ORDER) else "",
        "pending": selectors.pending_on_close(round_),
    }
    return render(request, "scorecards/round_step.html", context, status=status)


@login_required
@refuses_politely("scorecards:home")
def round_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Closes the phase and opens the next, once the organiser has seen who has not done their
    part and ticked the confirmation."""
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    if round_.phase in (Phase.COUNCIL, Phase.PUBLISHED):  # the council closes by publishing
        return redirect("scorecards:round_publish" if round_.phase == Phase.COUNCIL else "scorecards:round_detail", pk)
    form = ConfirmForm(request.POST or None)
    if request.method != "POST":
        return _step_page(request, round_, "advance", form)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm this step."))
        return redirect("scorecards:round_advance", round_.pk)
    round_ = services.advance_phase(actor=request.user, round_=round_)
    messages.success(request, _("The round moved to: %(phase)s.") % {"phase": round_.get_phase_display()})
    return redirect("scorecards:round_detail", round_.pk)


@login_required
@refuses_politely("scorecards:home")
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = ReopenForm(request.POST or None, initial={"phase": round_.phase})
    if request.method != "POST":
        return _step_page(request, round_, "reopen", form)
    if not form.is_valid():
        return _step_page(request, round_, "reopen", form, status=400)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
    round_ = services.reopen_phase(actor=request.user, round_=round_, **fields)
    messages.success(request, _("Phase reopened: %(phase)s.") % {"phase": round_.get_phase_display()})
    return redirect("scorecards:round_detail", round_.pk)


@login_required
@refuses_politely("scorecards:home")
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = PublishForm(request.POST or None)
    if request.method != "POST":
        return _step_page(request, round_, "publish", form)
    if not form.is_valid():
        return _step_page(request, round_, "publish", form, status=400)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
    services.publish_round(actor=request.user, round_=round_, **fields)
    messages.success(request, _("Results published."))
    return redirect("scorecards:round_detail", round_.pk)
