"""Staff pages of the SIPAS survey: the dashboard with its breakdowns, campaigns and their sample
plans and QR codes, paper entry, file import, the responses (invalidation) and the comments.

Access: every member of the agency sees the dashboard and the campaigns (figures only); the
counter staff (officers and heads) and the managers enter paper forms; the managers (leader,
Office, administrator) run campaigns, import files, invalidate responses and review comments.
"""

from __future__ import annotations

import csv
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
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404, scope_for
from core.models import Agency
from core.services import log_action
from procedures.access import can_receive
from procedures.documents import qr_png
from surveys import importing, selectors, services
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


def _filters(request, agency: Agency):
    """The dashboard's choices: campaign, dates, open-link answers, breakdown."""
    campaigns = list(Campaign.objects.filter(agency=agency))
    chosen = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == chosen), None)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if campaign is None and not (start or end) and chosen != "all" and campaigns:
        campaign = campaigns[0]  # the latest campaign by default
    return {
        "campaigns": campaigns,
        "campaign": campaign,
        "start": start,
        "end": end,
        "include_open": request.GET.get("open") == "1",
        "dimension": request.GET.get("by", "unit"),
    }


def _selection(request, agency: Agency):
    """The dashboard's filters, its questionnaire and the responses they select."""
    f = _filters(request, agency)
    campaign = f["campaign"]
    form = selectors.questionnaire(campaign.questionnaire if campaign else DEFAULT_QUESTIONNAIRE)
    qs = selectors.responses(
        [agency.pk],
        campaign=campaign,
        start=f["start"],
        end=f["end"],
        include_open=f["include_open"],
        questionnaire_code=form.code,
    )
    return f, form, qs


@login_required
def dashboard(request):
    agency = current_agency_or_404(request)
    f, form, qs = _selection(request, agency)
    campaign = f["campaign"]
    dimensions = selectors.dimensions(form)
    dimension = f["dimension"] if f["dimension"] in dimensions else "unit"
    min_cell = campaign.min_cell if campaign else selectors.MIN_CELL
    index = selectors.summary(qs, form)
    # a selection of very few responses (e.g. one day of one unit) would show a person's answers
    suppressed = 0 < index.responses < min_cell
    open_qs = selectors.responses(
        [agency.pk], campaign=campaign, start=f["start"], end=f["end"], include_open=True, questionnaire_code=form.code
    ).filter(source="open")
    open_count = open_qs.count()
    open_index = selectors.summary(open_qs, form) if open_count >= min_cell and not f["include_open"] else None
    if request.GET.get("format") == "json":
        return JsonResponse({"responses": index.responses, "suppressed": True} if suppressed else index.as_data())
    return render(
        request,
        "surveys/dashboard.html",
        {
            **f,
            "agency": agency,
            "form": form,
            "index": index,
            "suppressed": suppressed,
            "elements": [
                (element, index.elements[element.code], [index.items[c] for c in element.items])
                for element in form.questionnaire.elements
            ],
            "expectations": [(code, form.expectation_text[code], r) for code, r in index.expectations.items()],
            "dimensions": dimensions,
            "dimension": dimension,
            "groups": [] if suppressed else selectors.breakdown(qs, dimension, form, min_cell=min_cell),
            "min_cell": min_cell,
            "trend": selectors.trend(agency.pk),
            "open_count": open_count,
            "open_index": open_index,
            "plan": selectors.plan(campaign) if campaign else None,
            "shown_comments": [] if suppressed else selectors.comments(qs, states=[CommentState.SHOWN])[:20],
            "is_manager": scope_for(request.user).is_manager(agency.pk),
            "can_enter": can_receive(request.user, agency),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def export(request):
    """The responses of the dashboard's selection in the exchange format (sipas.md §10): row by
    row, so for the managers only."""
    agency = _manager(request)
    f, form, qs = _selection(request, agency)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    codes = [*form.questionnaire.items, *form.questionnaire.expectations]
    writer.writerow(["response_id", *codes, "unit", "procedure_code", "channel", "date"])
    for r in qs.select_related("unit").iterator(chunk_size=2000):
        answers = r.answers
        writer.writerow(
            [
                str(r.id),
                *("" if answers.get(c) is None else answers[c] for c in codes),
                (r.unit.code or r.unit.name) if r.unit else "",
                r.procedure_code,
                r.channel,
                r.answered_on.isoformat(),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sipas-{agency.code}.csv"'
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
    rows = [(c, selectors.responses([agency.pk], campaign=c).count()) for c in Campaign.objects.filter(agency=agency)]
    return render(request, "surveys/campaigns.html", {"rows": rows, "form": form, "manager": manager})


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
        {"campaign": campaign, "plan": selectors.plan(campaign), "links": links},
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
        if not unit.isdigit() or not agency.units.filter(pk=int(unit)).exists():
            raise Http404
        path = reverse("survey_counter", args=[campaign.open_key, int(unit)])
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
    agency = _manager(request)
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
    agency = _manager(request)
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
    """The Department of Home Affairs compares the agencies of its province."""
    scope = scope_for(request.user)
    provinces = scope.province_appraiser_of()
    if not provinces and not scope.is_superuser:
        raise Http404
    agencies = Agency.objects.filter(province_id__in=provinces) if provinces else Agency.objects.all()
    start = _date(request.GET.get("from")) or dt.date(timezone.localdate().year, 1, 1)
    end = _date(request.GET.get("to")) or timezone.localdate()
    form = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    qs = selectors.responses(agencies.values_list("pk", flat=True), start=start, end=end, questionnaire_code=form.code)
    index = selectors.summary(qs, form)
    return render(
        request,
        "surveys/province.html",
        {
            "index": index,
            "suppressed": 0 < index.responses < selectors.MIN_CELL,
            "min_cell": selectors.MIN_CELL,
            "groups": selectors.breakdown(qs, "agency", form, min_cell=selectors.MIN_CELL),
            "start": start,
            "end": end,
            "form": form,
        },
    )
