"""The PAR INDEX home, rounds (creating one, its ranking and history) and the organisers' steps
on a round: close a phase and open the next, reopen one, publish the results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency
from core.services import history_for
from core.web import refuses_politely
from scorecards import access, selectors, services
from scorecards.columns import COLUMN_LABELS, COLUMNS
from scorecards.forms import PublishForm, ReopenForm, RoundForm
from scorecards.models import PHASE_ORDER, Phase


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
        "reopen_form": ReopenForm(initial={"phase": round_.phase}),
        "publish_form": PublishForm(),
        "history": history_for(round_)[:20] if organiser else [],
        "phase_index": PHASE_ORDER.index(round_.phase),
    }
    return render(request, "scorecards/round_detail.html", context)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def round_advance(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    round_ = services.advance_phase(actor=request.user, round_=round_)
    messages.success(request, _("The round moved to: %(phase)s.") % {"phase": round_.get_phase_display()})
    return redirect("scorecards:round_detail", round_.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the phase and give the reason for reopening."))
        return redirect("scorecards:round_detail", round_.pk)
    services.reopen_phase(actor=request.user, round_=round_, **form.cleaned_data)
    messages.success(request, _("Phase reopened."))
    return redirect("scorecards:round_detail", round_.pk)


@login_required
@require_POST
@refuses_politely("scorecards:home")
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the decision that approves the results."))
        return redirect("scorecards:round_detail", round_.pk)
    services.publish_round(actor=request.user, round_=round_, **form.cleaned_data)
    messages.success(request, _("Results published."))
    return redirect("scorecards:round_detail", round_.pk)
