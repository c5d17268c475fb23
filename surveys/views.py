"""Staff pages of the SIPAS survey: the dashboard with its breakdowns, campaigns and their sample
plans and QR codes, paper entry, file import, the responses (invalidation) and the comments.

Access (surveys.access): every member of the agency sees the dashboard and the campaigns
(figures only, over whole periods and groups, through surveys.disclosure); the counter staff
(officers and heads) and the managers enter paper forms; the managers (leader, Office,
administrator) run campaigns, import files and review comments; only the administrator sees
row-level responses (the list, their invalidation, the CSV export), dated to the month.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core import sheets
from core.access import current_agency_or_404, scope_for
from core.models import Agency
from core.services import log_action
from core.text import small_int
from procedures.access import can_receive
from procedures.documents import qr_png
from surveys import access, disclosure, importing, mixing, selectors, services
from surveys.forms import CampaignForm, PaperForm
from surveys.models import Campaign, CommentState, Response, Source
from surveys.responses_file import ResponsesFileError
from surveys.selectors import DEFAULT_QUESTIONNAIRE

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _manager(request) -> Agency:
    agency = current_agency_or_404(request)
    scope = scope_for(request.user)
    if not scope.is_manager(agency.pk) or scope.is_read_only(agency.pk):
        raise PermissionDenied
    return agency


def refuses_politely(target: str):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except services.SurveyError as exc:
                messages.error(request, str(exc))
                return redirect(target)

        return wrapper

    return decorate


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _campaign(agency: Agency, pk) -> Campaign:
    return get_object_or_404(Campaign, pk=pk, agency=agency)


PERIOD_KINDS = {
    "month": _lazy("Month"),
    "quarter": _lazy("Quarter"),
    "half": _lazy("First 6 months"),
    "nine": _lazy("First 9 months"),
    "year": _lazy("Year"),
}


def _chosen_period(request, campaigns: list[Campaign], today: dt.date) -> disclosure.Period:
    """The dashboard's period: a campaign (?campaign=pk) or a calendar period (?year=&period=&number=);
    by default the latest ended campaign, else the latest ended quarter. No free dates (issue 18)."""
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), None)
    if campaign is None and not request.GET.get("period") and chosen != "all":
        campaign = next((c for c in campaigns if c.ends_on < today), None)
    if campaign is not None:
        return disclosure.campaign_period(campaign.pk, campaign.name, campaign.starts_on, campaign.ends_on)
    latest = disclosure.latest_ended(today, kinds=("quarter",)) or disclosure.period("quarter", today.year, 1)
    kind = request.GET.get("period", latest.kind)
    try:
        number = small_int(request.GET.get("number"), latest.number if kind == latest.kind else 1)
        return disclosure.period(kind, small_int(request.GET.get("year"), latest.year), number)
    except disclosure.PeriodError:
        return latest


def _dashboard_dimensions(form) -> dict[str, str]:
    every = selectors.dimensions(form)
    return {k: v for k, v in every.items() if k in selectors.GROUP_DIMENSIONS or k.startswith("profile:")}


@login_required
def dashboard(request):
    agency = current_agency_or_404(request)
    today = timezone.localdate()
    campaigns = list(Campaign.objects.filter(agency=agency))
    chosen = _chosen_period(request, campaigns, today)
    campaign = next((c for c in campaigns if chosen.kind == "campaign" and c.pk == chosen.number), None)
    form = selectors.questionnaire(campaign.questionnaire if campaign else DEFAULT_QUESTIONNAIRE)
    results = selectors.results(agency.pk, form, today=today)
    result = results.result(chosen)
    if request.GET.get("format") == "json":
        return JsonResponse(result.as_data())
    dimensions = _dashboard_dimensions(form)
    dimension = request.GET.get("by", "unit")
    dimension = dimension if dimension in dimensions else "unit"
    opened = results.result(chosen, population="open")
    trend = [results.result(p) for p in results.periods if p.kind == "campaign"]
    comments_qs = selectors.responses(
        [agency.pk], campaign=campaign, start=None if campaign else chosen.start, end=None if campaign else chosen.end
    )
    return render(
        request,
        "surveys/dashboard.html",
        {
            "agency": agency,
            "campaigns": campaigns,
            "campaign": campaign,
            "chosen": chosen,
            "ended": results.has_ended(chosen),
            # ended, but answers dated in it still wait in the mix pool: given once they are written
            "held": chosen.has_ended(today) and not results.has_ended(chosen),
            "kinds": PERIOD_KINDS,
            "years": sorted({today.year, today.year - 1, today.year - 2, chosen.year}, reverse=True),
            "numbers": range(1, 13),
            "form": form,
            "result": result,
            "index": result.index,
            "suppressed": result.suppressed,
            "elements": [
                (element, [result.index.items[c] for c in element.items]) for element in form.questionnaire.elements
            ],
            "expectations": [(code, form.expectation_text[code]) for code in form.questionnaire.expectations],
            "dimensions": dimensions,
            "dimension": dimension,
            "groups": [] if result.suppressed else results.breakdown(chosen, dimension),
            "min_cell": results.min_cell,
            # receipt-link answers still in the mix pool: a number only, never their answers
            "waiting": mixing.waiting([agency.pk]),
            "trend": sorted(trend, key=lambda r: (r.period.start, r.period.number)),
            "open_result": opened,
            "plan": _plan(request, agency, campaign) if campaign else None,
            "shown_comments": []
            if result.suppressed
            else selectors.comments(comments_qs, states=[CommentState.SHOWN])[:20],
            "is_manager": scope_for(request.user).is_manager(agency.pk),
            "can_read_rows": access.can_read_rows(request.user, agency.pk),
            "can_enter": can_receive(request.user, agency),
        },
    )


@login_required
def export(request):
    """The responses of the chosen period in the exchange format (sipas.md §10), row by row: for
    the agency's administrator only, each dated to the month (issue 18 H2)."""
    agency = access.rows_agency(request)
    campaigns = list(Campaign.objects.filter(agency=agency))
    chosen = _chosen_period(request, campaigns, timezone.localdate())
    campaign = next((c for c in campaigns if chosen.kind == "campaign" and c.pk == chosen.number), None)
    form = selectors.questionnaire(campaign.questionnaire if campaign else DEFAULT_QUESTIONNAIRE)
    qs = selectors.responses(
        [agency.pk],
        campaign=campaign,
        start=None if campaign else chosen.start,
        end=None if campaign else chosen.end,
        include_open=True,
        questionnaire_code=form.code,
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = sheets.csv_writer(out)
    codes = [*form.questionnaire.items, *form.questionnaire.expectations]
    writer.writerow(["response_id", *codes, "unit", "procedure_code", "channel", "source", "month"])
    for r in qs.select_related("unit").iterator(chunk_size=2000):
        answers = r.answers
        writer.writerow(
            [
                str(r.id),
                *("" if answers.get(c) is None else answers[c] for c in codes),
                (r.unit.code or r.unit.name) if r.unit else "",
                r.procedure_code,
                r.channel,
                r.source,
                access.month_of(r.answered_on),
            ]
        )
    log_action(actor=request.user, agency=agency, action="sipas.export", obj=agency, note=chosen.key)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sipas-{agency.code}-{chosen.key}.csv"'
    return response


@login_required
def campaigns(request):
    agency = current_agency_or_404(request)
    scope = scope_for(request.user)
    manager = scope.is_manager(agency.pk) and not scope.is_read_only(agency.pk)
    form = CampaignForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            campaign = form.save(commit=False)
            campaign.agency = agency
            campaign.created_by = request.user
            campaign.save()
            form.save_m2m()
            taken = services.attach_responses(campaign)
            log_action(
                actor=request.user, agency=agency, action="sipas.campaign", obj=campaign, note=f"{taken} responses"
            )
            messages.success(request, _("Campaign %(name)s created.") % {"name": campaign.name})
            return redirect("surveys:campaign", pk=campaign.pk)
    # a running campaign's count, read day by day, gives the answers in between away: the
    # managers, who plan the sample (and see the plan's counts), see it; the others do not
    counts = scope.is_manager(agency.pk)
    rows = [
        (c, selectors.responses([agency.pk], campaign=c).count() if counts else None)
        for c in Campaign.objects.filter(agency=agency)
    ]
    return render(request, "surveys/campaigns.html", {"rows": rows, "form": form, "manager": manager})


def _plan(request, agency: Agency, campaign: Campaign) -> selectors.Plan:
    """The sample plan: the managers (leader, Office, administrator), who plan the sample, see
    every stratum's count; the other members see counts under min_cell blanked (issue 18)."""
    plan = selectors.plan(campaign)
    return plan if scope_for(request.user).is_manager(agency.pk) else plan.blank()


@login_required
def campaign_detail(request, pk):
    agency = current_agency_or_404(request)
    campaign = _campaign(agency, pk)
    base = request.build_absolute_uri("/").rstrip("/")
    links = []
    if campaign.open_link:
        links.append((_("Open link"), None, base + reverse("survey_open", args=[campaign.open_key])))
        units = campaign.units.all() or agency.units.all()
        links += [
            (unit.name, unit.pk, base + reverse("survey_counter", args=[campaign.open_key, unit.pk])) for unit in units
        ]
    return render(
        request,
        "surveys/campaign_detail.html",
        {"campaign": campaign, "plan": _plan(request, agency, campaign), "links": links},
    )


@login_required
def campaign_qr(request, pk):
    """The QR code of the campaign's open link, or of a unit's counter (?unit=)."""
    agency = current_agency_or_404(request)
    campaign = _campaign(agency, pk)
    if not campaign.open_link:
        raise Http404
    unit = request.GET.get("unit", "")
    if unit:
        unit_id = small_int(unit)
        if not unit_id or not agency.units.filter(pk=unit_id).exists():
            raise Http404
        path = reverse("survey_counter", args=[campaign.open_key, unit_id])
    else:
        path = reverse("survey_open", args=[campaign.open_key])
    return HttpResponse(qr_png(request.build_absolute_uri(path)), content_type="image/png")


@login_required
def entry(request):
    agency = current_agency_or_404(request)
    if not can_receive(request.user, agency):
        raise PermissionDenied
    questions = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    form = PaperForm(request.POST or None, agency=agency, questionnaire=questions)
    if request.method == "POST" and form.is_valid():
        services.enter_paper(
            actor=request.user,
            agency=agency,
            answers=form.answers(),
            questionnaire=questions.code,
            unit=form.cleaned_data["unit"],
            procedure=form.cleaned_data["procedure"],
            day=form.cleaned_data["answered_on"],
        )
        messages.success(request, _("Paper form saved. You can type in the next one."))
        return redirect("surveys:entry")
    return render(request, "surveys/entry.html", {"form": form, "questions": questions})


@login_required
def import_file(request):
    agency = _manager(request)
    questions = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    problems, total = [], 0
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file (.xlsx or .csv)."))
        elif upload.size > MAX_IMPORT_BYTES:
            messages.error(request, _("The file is larger than 20 MB."))
        else:
            try:
                count = importing.import_responses(
                    upload.read(), upload.name, agency=agency, actor=request.user, form=questions
                )
            except ResponsesFileError as exc:
                problems, total = exc.problems, exc.total
            else:
                messages.success(request, _("%(count)s responses imported.") % {"count": count})
                return redirect("surveys:dashboard")
    return render(request, "surveys/import.html", {"problems": problems, "total": total})


@login_required
def import_template(request):
    current_agency_or_404(request)
    data = importing.template(selectors.questionnaire(DEFAULT_QUESTIONNAIRE))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-phieu-sipas.xlsx"'
    return response


@login_required
def responses(request):
    agency = access.rows_agency(request)
    qs = Response.objects.filter(agency=agency).select_related("unit", "campaign")
    state = request.GET.get("state", "")
    if state == "invalid":
        qs = qs.exclude(invalid_reason="")
    source = request.GET.get("source", "")
    if source:
        qs = qs.filter(source=source)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = f"state={state}&source={source}"
    return render(
        request,
        "surveys/responses.html",
        {"page": page, "state": state, "source": source, "sources": Source.choices, "query": query},
    )


def _response(agency: Agency, pk) -> Response:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Response, pk=key, agency=agency)


@login_required
@require_POST
@refuses_politely("surveys:responses")
def invalidate(request, pk):
    agency = access.rows_agency(request)
    response = _response(agency, pk)
    reason = request.POST.get("reason", "")
    if request.POST.get("action") == "restore":
        services.restore(response, actor=request.user, reason=reason)
        messages.success(request, _("The response is counted again."))
    else:
        services.invalidate(response, actor=request.user, reason=reason)
        messages.success(request, _("The response is no longer counted."))
    return redirect("surveys:responses")


@login_required
def comments(request):
    agency = _manager(request)
    state = request.GET.get("state", CommentState.PENDING)
    if state not in (CommentState.PENDING, CommentState.SHOWN, CommentState.HIDDEN):
        state = CommentState.PENDING
    qs = selectors.comments(Response.objects.filter(agency=agency), states=[state])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    tabs = [(k, v) for k, v in CommentState.choices if k]
    return render(
        request, "surveys/comments.html", {"page": page, "state": state, "tabs": tabs, "query": f"state={state}"}
    )


@login_required
@require_POST
@refuses_politely("surveys:comments")
def moderate(request, pk):
    agency = _manager(request)
    response = _response(agency, pk)
    services.moderate(
        response, actor=request.user, state=request.POST.get("state", ""), shown=request.POST.get("shown")
    )
    messages.success(request, _("Comment reviewed."))
    return redirect(reverse("surveys:comments") + f"?state={request.POST.get('back', 'pending')}")


@login_required
def province(request):
    """The Department of Home Affairs compares the agencies of its province, over whole periods:
    the province's total and each agency's figures as one breakdown (surveys.selectors.province):
    the total takes part in the period comparisons like an agency's, and the agencies hide at
    least what their own dashboards hide, plus what complementary suppression needs. The
    viewer's own agencies (the Department itself) are left out of both: the viewer sees their
    figures on their own dashboard."""
    scope = scope_for(request.user)
    provinces = scope.province_appraiser_of()
    if not provinces and not scope.is_superuser:
        raise Http404
    agencies = Agency.objects.filter(province_id__in=provinces) if provinces else Agency.objects.all()
    today = timezone.localdate()
    chosen = _chosen_period(request, [], today)
    form = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    every = list(agencies.order_by("name").values_list("pk", "name"))
    # the agencies whose own dashboards the viewer sees are left out: their exact figures beside
    # a total that counts them would give back what the total hides of the others
    own = set() if scope.is_superuser else {pk for pk, roles in scope.roles_by_agency.items() if roles}
    members = [(pk, name) for pk, name in every if pk not in own]
    total, groups = selectors.province(members, form, chosen, today=today)
    return render(
        request,
        "surveys/province.html",
        {
            "total": total,
            "index": total.index,
            "suppressed": bool(total.hidden & {disclosure.RESPONSES, disclosure.OVERALL}),
            "min_cell": total.min_cell,
            "groups": groups,
            "left_out": [name for pk, name in every if pk in own],
            "chosen": chosen,
            "kinds": PERIOD_KINDS,
            "years": sorted({today.year, today.year - 1, today.year - 2, chosen.year}, reverse=True),
            "numbers": range(1, 13),
            "form": form,
        },
    )
