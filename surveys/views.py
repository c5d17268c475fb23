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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.models import Agency
from core.services import log_action
from core.text import small_int
from core.web import CSV, XLSX, download, refuses_politely
from core.workbook import csv_bytes
from procedures.documents import qr_png
from surveys import access, columns, disclosure, exports, importing, mixing, sampling, selectors, services
from surveys.forms import CampaignForm, PaperForm
from surveys.models import Campaign, CommentState, Response, Source
from surveys.questionnaire import Form
from surveys.responses_file import ResponsesFileError
from surveys.results import GROUP_DIMENSIONS, Result, Results
from surveys.selectors import DEFAULT_QUESTIONNAIRE

MAX_IMPORT_BYTES = 20 * 1024 * 1024

PERIOD_KINDS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "half": gettext_lazy("First 6 months"),
    "nine": gettext_lazy("First 9 months"),
    "year": gettext_lazy("Year"),
}


def _chosen_period(request: HttpRequest, campaigns: list[Campaign], today: dt.date) -> disclosure.Period:
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


@dataclass
class Choice:
    """What the dashboard and the export are about: a period, its campaign if it is one, and the
    questionnaire its figures are computed with."""

    campaigns: list[Campaign]
    period: disclosure.Period
    campaign: Campaign | None
    form: Form

    @property
    def span(self) -> dict[str, Any]:
        """The filters of selectors.responses for the period's responses."""
        whole = self.campaign is None
        return {
            "campaign": self.campaign,
            "start": self.period.start if whole else None,
            "end": self.period.end if whole else None,
        }


def _choice(request: HttpRequest, agency: Agency, today: dt.date) -> Choice:
    campaigns = list(Campaign.objects.filter(agency=agency))
    chosen = _chosen_period(request, campaigns, today)
    campaign = next((c for c in campaigns if chosen.kind == "campaign" and c.pk == chosen.number), None)
    form = selectors.questionnaire(campaign.questionnaire if campaign else DEFAULT_QUESTIONNAIRE)
    return Choice(campaigns, chosen, campaign, form)


def _period_menu(today: dt.date, chosen: disclosure.Period) -> dict[str, Any]:
    years = sorted({today.year, today.year - 1, today.year - 2, chosen.year}, reverse=True)
    return {"chosen": chosen, "kinds": PERIOD_KINDS, "years": years, "numbers": range(1, 13)}


def _figures(choice: Choice, results: Results, result: Result, today: dt.date) -> dict[str, Any]:
    """The chosen period's figures: each hidden cell as surveys.disclosure decided (`result`)."""
    q = choice.form.questionnaire
    trend = [results.result(p) for p in results.periods if p.kind == "campaign"]
    return {
        "ended": results.has_ended(choice.period),
        # ended, but answers dated in it still wait in the mix pool: given once they are written
        "held": choice.period.has_ended(today) and not results.has_ended(choice.period),
        "form": choice.form,
        "result": result,
        "index": result.index,
        "suppressed": result.suppressed,
        "elements": [(element, [result.index.items[c] for c in element.items]) for element in q.elements],
        "expectations": [(code, choice.form.expectation_text[code]) for code in q.expectations],
        "min_cell": results.min_cell,
        "trend": sorted(trend, key=lambda r: (r.period.start, r.period.number)),
        "open_result": results.result(choice.period, population="open"),
    }


def _breakdown(request: HttpRequest, choice: Choice, results: Results, result: Result) -> dict[str, Any]:
    every = selectors.dimensions(choice.form)
    dimensions = {k: v for k, v in every.items() if k in GROUP_DIMENSIONS or k.startswith("profile:")}
    dimension = request.GET.get("by", "unit")
    dimension = dimension if dimension in dimensions else "unit"
    groups = [] if result.suppressed else results.breakdown(choice.period, dimension)
    return {"dimensions": dimensions, "dimension": dimension, "groups": groups}


def _shown_comments(agency: Agency, choice: Choice, result: Result) -> Any:
    if result.suppressed:  # a comment of a hidden period would tell who answered
        return []
    qs = selectors.responses([agency.pk], **choice.span)
    return selectors.comments(qs, states=[CommentState.SHOWN])[:20]


def _sample(agency: Agency, choice: Choice, plan: sampling.Plan | None, result: Result) -> dict[str, Any] | None:
    """The sample the period needs (its campaign's plan, else n = N / (1 + N e²) over the
    agency's dossiers with a result in it: sipas.md §8) when the responses shown fall short."""
    if result.suppressed or not result.index.responses:
        return None
    if choice.campaign is not None and plan is not None:
        target, margin = plan.target, choice.campaign.margin
    else:
        target = sampling.period_target(agency.pk, choice.period.start, choice.period.end)
        margin = sampling.DEFAULT_MARGIN
    if result.index.responses >= target:
        return None
    return {"n": result.index.responses, "target": target, "margin": margin * 100}


def _status(figures: dict[str, Any]) -> str:
    """Why the period has no figures (as the dashboard says it), or ''."""
    if figures["held"]:
        return _(
            "Some answers dated in this period are still waiting to be written with others (so that no answer "
            "can be tied to its link): its figures are given once they are, by the next day at the latest."
        )
    if not figures["ended"]:
        end = figures["result"].period.end
        return _(
            "This period is not over: its figures are given after %(end)s, when they no longer change with each "
            "new response."
        ) % {"end": f"{end:%d/%m/%Y}"}
    if not figures["index"].responses:
        return _("No responses in this period.")
    if figures["suppressed"]:
        return _(
            "The figures of this period are hidden so that nobody's answers can be read (fewer than "
            "%(min_cell)s responses, or a small difference from another period or group). Choose a longer period."
        ) % {"min_cell": figures["min_cell"]}
    return ""


def _results_file(
    agency: Agency, choice: Choice, figures: dict[str, Any], breakdown: dict[str, Any]
) -> HttpResponseBase:
    data = exports.results_workbook(
        agency=agency,
        form=choice.form,
        result=figures["result"],
        groups=breakdown["groups"],
        dimension=str(breakdown["dimensions"][breakdown["dimension"]]),
        status=_status(figures),
    )
    return download(data, f"ket-qua-sipas-{agency.code}-{choice.period.key}.xlsx", XLSX)


@login_required
def dashboard(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    today = timezone.localdate()
    choice = _choice(request, agency, today)
    results = selectors.results(agency.pk, choice.form, today=today)
    result = results.result(choice.period)
    if request.GET.get("format") == "json":
        return JsonResponse(result.as_data())
    figures, breakdown = _figures(choice, results, result, today), _breakdown(request, choice, results, result)
    if request.GET.get("format") == "xlsx":
        return _results_file(agency, choice, figures, breakdown)
    user = request.user
    plan = _plan(request, agency, choice.campaign) if choice.campaign else None
    context = {
        "agency": agency,
        "campaigns": choice.campaigns,
        "campaign": choice.campaign,
        **_period_menu(today, choice.period),
        **figures,
        **breakdown,
        # receipt-link answers still in the mix pool: a number only, never their answers
        "waiting": mixing.waiting([agency.pk]),
        "plan": plan,
        "sample": _sample(agency, choice, plan, result),
        "shown_comments": _shown_comments(agency, choice, result),
        "is_manager": access.can_manage_survey(user, agency.pk),
        "can_read_rows": access.can_read_rows(user, agency.pk),
        "can_enter": access.can_enter_paper(user, agency),
    }
    return render(request, "surveys/dashboard.html", context)


def _exchange_header(form: Form) -> list[str]:
    """The export's header: the exchange file's columns by their Vietnamese names (which the
    import reads back, as it reads the codes: surveys.columns), then how and when it came in."""
    names = columns.names(form.questionnaire)
    keys = ["response_id", *form.questionnaire.items, *form.questionnaire.expectations, "unit", "procedure_code"]
    return [*(names[key][0] for key in keys), names["channel"][0], _("How it came in"), _("Month")]


def _exchange_rows(qs: Any, codes: list[str]) -> Iterator[list[Any]]:
    """The responses in the exchange format (sipas.md §10), each dated to the month (issue 18 H2)."""
    sources = dict(Source.choices)
    for r in qs.select_related("unit").iterator(chunk_size=2000):
        answers = r.answers
        yield [
            str(r.id),
            *("" if answers.get(c) is None else answers[c] for c in codes),
            (r.unit.code or r.unit.name) if r.unit else "",
            r.procedure_code,
            columns.channel_word(r.channel),
            str(sources.get(r.source, r.source)),
            access.month_of(r.answered_on),
        ]


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    """The responses of the chosen period in the exchange format, row by row: for the agency's
    administrator only (surveys.access)."""
    agency = access.rows_agency(request)
    choice = _choice(request, agency, timezone.localdate())
    q = choice.form.questionnaire
    qs = selectors.responses([agency.pk], **choice.span, include_open=True, questionnaire_code=choice.form.code)
    codes = [*q.items, *q.expectations]
    data = csv_bytes(_exchange_header(choice.form), _exchange_rows(qs, codes))
    log_action(actor=request.user, agency=agency, action="sipas.export", obj=agency, note=choice.period.key)
    return download(data, f"sipas-{agency.code}-{choice.period.key}.csv", CSV)


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The same responses as `export` (the same columns, nothing more) as a workbook a clerk reads:
    the question texts, the answers in words, the month as a date; the administrator only."""
    agency = access.rows_agency(request)
    choice = _choice(request, agency, timezone.localdate())
    q = choice.form.questionnaire
    qs = selectors.responses([agency.pk], **choice.span, include_open=True, questionnaire_code=choice.form.code)
    names = columns.names(q)
    header = {
        "response_id": names["response_id"][0],
        "unit": names["unit"][0],
        "procedure_code": names["procedure_code"][0],
        "channel": names["channel"][0],
        "source": _("How it came in"),
        "month": _("Month"),
    }
    sources = dict(Source.choices)
    codes = [*q.items, *q.expectations]

    def rows() -> Iterator[dict[str, Any]]:
        for r in qs.select_related("unit").iterator(chunk_size=2000):
            yield {
                "response_id": str(r.id),
                **{c: r.answers.get(c) for c in codes},
                "unit": r.unit.label if r.unit else "",
                "procedure_code": r.procedure_code,
                "channel": columns.channel_word(r.channel),
                "source": str(sources.get(r.source, r.source)),
                "month": exports.month_start(r.answered_on),
            }

    data = exports.responses_workbook(
        agency=agency, form=choice.form, period=choice.period.text, rows=rows(), header=header
    )
    log_action(actor=request.user, agency=agency, action="sipas.export", obj=agency, note=choice.period.key)
    return download(data, f"phieu-sipas-{agency.code}-{choice.period.key}.xlsx", XLSX)


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    manager = access.can_manage_survey(request.user, agency.pk)
    form = CampaignForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            campaign = services.create_campaign(
                actor=request.user,
                agency=agency,
                campaign=form.save(commit=False),
                units=form.cleaned_data["units"],
                procedures=form.cleaned_data["procedures"],
            )
            messages.success(request, _("Campaign %(name)s created.") % {"name": campaign.name})
            return redirect("surveys:campaign", pk=campaign.pk)
    # a running campaign's count, read day by day, gives the answers in between away: the
    # managers, who plan the sample (and see the plan's counts), see it; the others do not
    counts = access.can_plan_sample(request.user, agency.pk)
    rows = [
        (c, selectors.responses([agency.pk], campaign=c).count() if counts else None)
        for c in Campaign.objects.filter(agency=agency)
    ]
    return render(request, "surveys/campaigns.html", {"rows": rows, "form": form, "manager": manager})


def _plan(request: HttpRequest, agency: Agency, campaign: Campaign) -> sampling.Plan:
    """The sample plan, every count for those who plan the sample, else small counts blanked."""
    plan = sampling.plan(campaign)
    return plan if access.can_plan_sample(request.user, agency.pk) else plan.blank()


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_or_404(request)
    campaign = access.get_campaign_for_user(request.user, agency, pk)
    base = request.build_absolute_uri("/").rstrip("/")
    links = []
    if campaign.open_link:
        links.append((_("Open link"), None, base + reverse("survey_open", args=[campaign.open_key])))
        units = campaign.units.all() or agency.units.all()
        links += [
            (unit.name, unit.pk, base + reverse("survey_counter", args=[campaign.open_key, unit.pk])) for unit in units
        ]
    context = {"campaign": campaign, "plan": _plan(request, agency, campaign), "links": links}
    return render(request, "surveys/campaign_detail.html", context)


@login_required
def campaign_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the campaign's open link, or of a unit's counter (?unit=)."""
    agency = current_agency_or_404(request)
    campaign = access.get_campaign_for_user(request.user, agency, pk)
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
def entry(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    if not access.can_enter_paper(request.user, agency):
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


def _upload_refused(upload: Any) -> str:
    if upload is None:
        return _("Choose a file (.xlsx or .csv).")
    if upload.size > MAX_IMPORT_BYTES:
        return _("The file is larger than 20 MB.")
    return ""


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    agency = access.managed_agency(request)
    questions = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    problems, total = [], 0
    if request.method == "POST":
        upload = request.FILES.get("file")
        refused = _upload_refused(upload)
        if refused:
            messages.error(request, refused)
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
    context = {
        "problems": problems,
        "total": total,
        "columns": columns.file_columns(questions),
        "scales": columns.scales(questions),
    }
    return render(request, "surveys/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    current_agency_or_404(request)
    data = importing.template(selectors.questionnaire(DEFAULT_QUESTIONNAIRE))
    return download(data, "mau-nhap-phieu-sipas.xlsx", XLSX)


@login_required
def responses(request: HttpRequest) -> HttpResponse:
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


def _validity_step(request: HttpRequest, pk: str, step: Callable[..., Response], done: str) -> HttpResponse:
    """Invalidate or restore: the administrator, a reason, logged by the service."""
    agency = current_agency_or_404(request)
    response = access.get_response_for_user(request.user, agency, pk)
    step(response, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, done)
    return redirect("surveys:responses")


@login_required
@require_POST
@refuses_politely("surveys:responses", referer=False)
def invalidate(request: HttpRequest, pk: str) -> HttpResponse:
    return _validity_step(request, pk, services.invalidate, _("The response is no longer counted."))


@login_required
@require_POST
@refuses_politely("surveys:responses", referer=False)
def restore(request: HttpRequest, pk: str) -> HttpResponse:
    return _validity_step(request, pk, services.restore, _("The response is counted again."))


@login_required
def comments(request: HttpRequest) -> HttpResponse:
    agency = access.managed_agency(request)
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
@refuses_politely("surveys:comments", referer=False)
def moderate(request: HttpRequest, pk: str) -> HttpResponse:
    agency = current_agency_or_404(request)
    response = access.get_response_for_user(request.user, agency, pk, moderate=True)
    services.moderate(
        response, actor=request.user, state=request.POST.get("state", ""), shown=request.POST.get("shown")
    )
    messages.success(request, _("Comment reviewed."))
    return redirect(reverse("surveys:comments") + f"?state={request.POST.get('back', 'pending')}")


@login_required
def province(request: HttpRequest) -> HttpResponse:
    """The Department of Home Affairs compares the agencies of its province, over whole periods:
    the province's total and each agency's figures as one breakdown (surveys.selectors.province):
    the total takes part in the period comparisons like an agency's, and the agencies hide at
    least what their own dashboards hide, plus what complementary suppression needs. The
    viewer's own agencies are left out of both (surveys.access.get_province_for_user)."""
    view = access.get_province_for_user(request.user)
    today = timezone.localdate()
    chosen = _chosen_period(request, [], today)
    form = selectors.questionnaire(DEFAULT_QUESTIONNAIRE)
    total, groups = selectors.province(view.members, form, chosen, today=today)
    context = {
        "total": total,
        "index": total.index,
        "suppressed": bool(total.hidden & {disclosure.RESPONSES, disclosure.OVERALL}),
        "min_cell": total.min_cell,
        "groups": groups,
        "left_out": view.left_out,
        "form": form,
        **_period_menu(today, chosen),
    }
    return render(request, "surveys/province.html", context)
