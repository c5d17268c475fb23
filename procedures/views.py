from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min, Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency, current_agency_or_404
from core.deadlines import LOCAL
from core.models import Agency, Unit
from core.numbers import q2
from core.ratelimit import address_key, over_limit
from core.services import history_for, load_calendar
from core.text import fold
from core.web import DOCX, XLSX, download, parse_date, refuses_politely
from procedures import catalogue, documents, services
from procedures.access import (
    can_handle,
    can_manage,
    can_receive,
    can_receive_for,
    dossiers_visible_to,
    get_dossier_for_user,
    get_managed_agency_for_user,
    units_handled_by,
)
from procedures.forms import (
    INDICATOR_LABELS,
    ApologyForm,
    CounterForm,
    FileForm,
    FinishForm,
    HandoverForm,
    OfficialScoreForm,
    StepForm,
    SupplementForm,
)
from procedures.importing import read_progress, save_upload
from procedures.models import Channel, Dossier, DossierImport, DossierStatus, OfficialScore, Procedure
from procedures.quality import PROGRESS_PARTS, RATIO_KEYS, Quality
from procedures.selectors import EXTRA_FIGURES, PERIODS, Period, drill, period, quality

MAX_IMPORT_BYTES = 300 * 1024 * 1024
BIG_GAP = Decimal(2)  # points between ours and the portal's that the dashboard flags

FILTERS = ("q", "status", "unit", "procedure", "channel", "flag", "from", "to")


def _filtered(request: HttpRequest, agency: Agency) -> tuple[QuerySet[Dossier], dict[str, str]]:
    qs = dossiers_visible_to(request.user, agency)
    params = {key: request.GET.get(key, "").strip() for key in FILTERS}
    if params["q"]:
        folded = params["q"]
        qs = qs.filter(Q(code__icontains=folded) | Q(applicant_name__icontains=folded) | Q(procedure_code=folded))
    if params["status"] in DossierStatus.values:
        qs = qs.filter(status=params["status"])
    if params["channel"] in Channel.values:
        qs = qs.filter(channel=params["channel"])
    if params["unit"].isdigit():
        qs = qs.filter(unit_id=int(params["unit"]))
    if params["procedure"]:
        qs = qs.filter(procedure_code=params["procedure"])
    start, end = parse_date(params["from"]), parse_date(params["to"])
    if start:
        qs = qs.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL))
    if end:
        qs = qs.filter(received_at__lte=dt.datetime.combine(end, dt.time.max, tzinfo=LOCAL))
    return _flagged(qs, params["flag"]), params


def _flagged(qs: QuerySet[Dossier], flag: str) -> QuerySet[Dossier]:
    today = timezone.localdate()
    if flag == "open":
        return qs.filter(status__in=("received", "processing", "supplement_requested"))
    if flag == "at_risk":
        return services.at_risk(qs, today=today, cal=load_calendar()).filter(due_date__gte=today)
    if flag == "overdue":
        return qs.filter(status__in=("received", "processing"), due_date__lt=today)
    if flag == "apology":
        return qs.filter(apology_date__isnull=False)
    return qs


def _register_xlsx(qs: QuerySet[Dossier], agency: Agency) -> HttpResponseBase:
    """Mẫu 07 of the filtered dossiers, in reception order."""
    rows = qs.annotate(first_handover=Min("handovers__handed_at")).order_by("received_at")
    title = f"{agency.name} · {timezone.localdate():%d/%m/%Y}"
    data = documents.register(rows.iterator(chunk_size=2000), title=title)
    return download(data, f"so-theo-doi-ho-so-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@login_required
def register(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    qs, params = _filtered(request, agency)
    qs = qs.select_related("unit", "procedure")
    if request.GET.get("format") == "xlsx":
        return _register_xlsx(qs, agency)
    page = Paginator(qs.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "agency": agency,
        "page": page,
        "params": params,
        "query": query.urlencode(),
        "statuses": DossierStatus.choices,
        "channels": Channel.choices,
        "units": Unit.objects.filter(agency=agency),
        "can_receive": can_receive(request.user, agency),
        "can_manage": can_manage(request.user, agency),
        "today": timezone.localdate(),
    }
    return render(request, "procedures/register.html", context)


@login_required
def at_risk(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    cal = load_calendar()
    today = timezone.localdate()
    qs = services.at_risk(dossiers_visible_to(request.user, agency), today=today, cal=cal)
    rows = list(qs.select_related("unit", "procedure").order_by("due_date", "received_at")[:500])
    return render(
        request,
        "procedures/at_risk.html",
        {
            "agency": agency,
            "overdue": [d for d in rows if d.due_date < today],
            "due_soon": [d for d in rows if d.due_date >= today],
            "horizon": cal.next_working_day(today),
            "today": today,
        },
    )


@login_required
def receive(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    if not can_receive(request.user, agency):
        raise PermissionDenied
    form = CounterForm(request.POST or None, agency=agency, units=units_handled_by(request.user, agency))
    if request.method == "POST" and form.is_valid():
        if not can_receive_for(request.user, agency, form.cleaned_data["unit"].pk):
            raise PermissionDenied
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("procedure", "received_at")}
        dossier = services.receive(
            actor=request.user,
            agency=agency,
            procedure=form.cleaned_data["procedure"],
            received_at=form.cleaned_data["received_at"],
            cal=load_calendar(),
            **fields,
        )
        messages.success(
            request,
            _("Dossier %(code)s received; due %(date)s.")
            % {"code": dossier.code, "date": f"{dossier.due_date:%d/%m/%Y}"},
        )
        return redirect("procedures:dossier", pk=dossier.pk)
    return render(request, "procedures/receive.html", {"form": form, "agency": agency})


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk)
    cal = load_calendar()
    today = timezone.localdate()
    new_date = cal.add_working_days(max(dossier.due_date, today), 3)
    context = {
        "d": dossier,
        "handle": can_handle(request.user, dossier),
        "handovers": dossier.handovers.select_related("to_unit"),
        "supplements": dossier.supplements.all(),
        "history": history_for(dossier)[:50],
        "adjusted_due": services.adjusted_due(dossier),
        "apology_deadline": services.apology_deadline(dossier, cal),
        "at_risk": services.is_at_risk(dossier, today=today, cal=cal),
        "overdue": dossier.is_open and dossier.due_date < today,
        "handover_form": HandoverForm(agency=agency),
        "supplement_form": SupplementForm(),
        "finish_form": FinishForm(initial={"e_result": dossier.e_result, "digitized": dossier.digitized}),
        "apology_form": ApologyForm(initial={"new_date": new_date}),
        "status_url": documents.status_url(dossier),
        # the single-use survey link is printed on the receipt only, never shown on a page
    }
    return render(request, "procedures/dossier_detail.html", context)


def _form_error(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _dossier_url(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("procedures:dossier", args=[kwargs["pk"]])


Step = Callable[[HttpRequest, Dossier, dict[str, Any]], object]
View = Callable[..., HttpResponseBase]


def dossier_step(form_class: type[StepForm] | None, done: str | Promise) -> Callable[[Step], View]:
    """The shape of every step on a dossier's page (a POST to its own URL): the dossier (404 when
    unseen, 403 when the user may not handle it), the step's form, the step itself (one service
    call, given the form's cleaned data), the message `done`, back to the dossier. A form with
    errors, or a step the dossier's state refuses (WorkflowError), is a message on the dossier."""

    def decorate(step: Step) -> View:
        @login_required
        @require_POST
        @refuses_politely(_dossier_url, referer=False)
        @wraps(step)
        def view(request: HttpRequest, pk: int) -> HttpResponseBase:
            agency = current_agency_or_404(request)
            dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
            form = form_class(request.POST, agency=agency) if form_class is not None else None
            if form is not None and not form.is_valid():
                _form_error(request, form)
            else:
                step(request, dossier, form.cleaned_data if form is not None else {})
                messages.success(request, str(done))
            return redirect("procedures:dossier", pk=pk)

        return view

    return decorate


@dossier_step(HandoverForm, gettext_lazy("Hand-over recorded."))
def handover(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.hand_over(dossier=dossier, actor=request.user, giver=request.user.display_name, **data)


@dossier_step(SupplementForm, gettext_lazy("Supplement request recorded: the clock is paused."))
def supplement(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.request_supplement(dossier=dossier, actor=request.user, **data)


@dossier_step(None, gettext_lazy("Supplement received: the clock runs again."))
def supplement_done(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.complete_supplement(dossier=dossier, actor=request.user)


@dossier_step(FinishForm, gettext_lazy("Dossier closed."))
def finish(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    # the result's flags are set by issuing the result, not by a refusal
    flags = {"e_result": data["e_result"], "digitized": data["digitized"]} if data["outcome"] == "finished" else {}
    services.finish(dossier=dossier, actor=request.user, outcome=data["outcome"], note=data["note"], flags=flags)


@dossier_step(None, gettext_lazy("Result returned to the applicant."))
def return_result(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.return_result(dossier=dossier, actor=request.user)


@dossier_step(ApologyForm, gettext_lazy("Apology recorded; download the letter (Mẫu 04) below."))
def apology(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.apologise(dossier=dossier, actor=request.user, cal=load_calendar(), **data)


@login_required
def receipt_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Mẫu 01 carries the citizen's single-use survey link: only the counter roles (those who may
    handle the dossier) print it, never the read-only roles; every print is audited
    (services.print_receipt)."""
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk, handle=True)
    data = services.print_receipt(dossier=dossier, actor=request.user)
    return download(data, f"mau-01-{dossier.code}.docx", DOCX)


@login_required
def apology_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk)
    if dossier.apology_date is None:
        raise Http404
    return download(documents.apology(dossier), f"mau-04-{dossier.code}.docx", DOCX)


@login_required
def control_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk)
    return download(documents.control_slip(dossier), f"mau-06-{dossier.code}.xlsx", XLSX)


# Catalogue -------------------------------------------------------------------------------------


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    qs = Procedure.objects.filter(agency=agency)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(search_text__contains=fold(q))
    if request.GET.get("format") == "xlsx":
        return download(catalogue.export(qs), "danh-muc-tthc.xlsx", XLSX)
    return render(
        request,
        "procedures/catalogue_list.html",
        {"agency": agency, "procedures": qs, "q": q, "can_manage": can_manage(request.user, agency)},
    )


@login_required
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    procedure = get_object_or_404(Procedure, pk=pk, agency=agency)
    return render(request, "procedures/catalogue_detail.html", {"p": procedure, "history": history_for(procedure)[:20]})


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponseBase:
    """A file is checked and previewed first (held for this session under a token); the confirm
    button commits the held file."""
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    purpose = f"catalogue:{agency.pk}"
    context: dict[str, Any] = {"form": FileForm(), "agency": agency}
    if request.method == "POST" and request.POST.get("token"):
        data = uploads.release(request, request.POST["token"], purpose=purpose)
        if data is None:
            messages.error(request, _("The checked file has expired; upload it again."))
            return redirect("procedures:catalogue_import")
        parsed = catalogue.commit(actor=request.user, agency=agency, data=data)
        if not parsed.errors:
            messages.success(request, _("%(n)s procedures imported.") % {"n": len(parsed.rows)})
            return redirect("procedures:catalogue")
        context["parsed"] = parsed
    elif request.method == "POST":
        form = context["form"] = FileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            parsed = context["parsed"] = catalogue.preview(agency=agency, data=data)
            if not parsed.errors:
                context["token"] = uploads.hold(request, data, purpose=purpose)
    return render(request, "procedures/catalogue_import.html", context)


@login_required
def catalogue_template(request: HttpRequest) -> HttpResponseBase:
    return download(catalogue.export([]), "mau-danh-muc-tthc.xlsx", XLSX)


# Dossier file imports ----------------------------------------------------------------------------


@login_required
def imports(request: HttpRequest) -> HttpResponseBase:
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 300 MB."))
        else:
            item = save_upload(agency=agency, actor=request.user, fileobj=upload, filename=upload.name)
            return redirect("procedures:import_detail", pk=item.pk)
    items = DossierImport.objects.filter(agency=agency).select_related("uploaded_by")[:30]
    return render(request, "procedures/imports.html", {"form": form, "items": items, "agency": agency})


def _import_for(request: HttpRequest, pk: int) -> DossierImport:
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    return get_object_or_404(DossierImport.objects.select_related("uploaded_by"), pk=pk, agency=agency)


def _import_context(item: DossierImport) -> dict[str, Any]:
    progress = read_progress(item)
    total = progress.get("total") or 0
    done = item.processed if item.state in ("done", "refused") else progress.get("processed", 0)
    percent = 100 if item.state in ("done", "refused", "failed") else (min(99, done * 100 // total) if total else 0)
    return {
        "item": item,
        "done": done,
        "total": total,
        "percent": percent,
        "running": item.state in ("queued", "running"),
    }


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _import_for(request, pk)
    return render(request, "procedures/import_detail.html", _import_context(item))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _import_for(request, pk)
    return render(request, "procedures/_import_progress.html", _import_context(item))


# Decision 766 dashboard -------------------------------------------------------------------------


def _period_from(request: HttpRequest) -> Period:
    today = timezone.localdate()
    kind = request.GET.get("period", "quarter")
    kind = kind if kind in PERIODS else "quarter"
    try:
        year = int(request.GET.get("year", today.year))
        number = int(request.GET.get("n", (today.month - 1) // 3 + 1 if kind == "quarter" else today.month))
        return period(kind, min(max(year, 2000), 2100), number)
    except (ValueError, TypeError):
        return period("quarter", today.year, (today.month - 1) // 3 + 1)


def _unit_scope(request: HttpRequest, agency: Agency) -> tuple[QuerySet[Dossier], str]:
    qs = dossiers_visible_to(request.user, agency)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    return qs, unit


def _score_rows(result: Quality, official: dict[str, OfficialScore]) -> list[dict[str, Any]]:
    """Each indicator of the period beside the portal's score for it, with the gap between them."""
    rows = []
    for key, figure in result.figures.items():
        theirs = official.get(key)
        ours = q2(figure.points) if figure.points is not None else None
        difference = (ours - theirs.points) if theirs is not None and ours is not None else None
        rows.append(
            {
                "key": key,
                "label": INDICATOR_LABELS[key],
                "figure": figure,
                "rate": q2(figure.rate) if figure.rate is not None else None,
                "points": ours,
                "official": theirs,
                "gap": difference,
                "big_gap": difference is not None and abs(difference) > BIG_GAP,
                "drill": key in RATIO_KEYS,
            }
        )
    return rows


@login_required
def quality_dashboard(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    chosen = _period_from(request)
    qs, unit = _unit_scope(request, agency)
    result = quality(qs, chosen.start, chosen.end)
    for provider in EXTRA_FIGURES:
        unit_id = int(unit) if unit.isdigit() else None
        result.figures.update(provider(request.user, agency, unit_id, chosen.start, chosen.end))
    scores = OfficialScore.objects.filter(agency=agency, period_start=chosen.start, period_end=chosen.end)
    official = {s.indicator: s for s in scores}
    this_year = timezone.localdate().year
    return render(
        request,
        "procedures/quality.html",
        {
            "agency": agency,
            "period": chosen,
            "periods": PERIODS.items(),
            "years": range(this_year - 3, this_year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "unit": unit,
            "units": Unit.objects.filter(agency=agency),
            "result": result,
            "rows": _score_rows(result, official),
            "total": q2(sum((f.points or Decimal(0) for f in result.figures.values()), Decimal(0))),
            "official_total": official.get("total"),
            "form": OfficialScoreForm(),
            "can_manage": can_manage(request.user, agency),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def quality_drill(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    chosen = _period_from(request)
    qs, _unit = _unit_scope(request, agency)
    key, part = request.GET.get("key", "progress"), request.GET.get("part", "late")
    valid = (key == "progress" and part in PROGRESS_PARTS) or (
        key in RATIO_KEYS and part in ("numerator", "denominator")
    )
    if not valid:
        raise Http404
    behind = drill(qs, chosen.start, chosen.end, key, part).select_related("unit", "procedure")
    page = Paginator(behind, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/quality_drill.html",
        {
            "period": chosen,
            "page": page,
            "dossiers": page.object_list,
            "key": key,
            "part": part,
            "label": INDICATOR_LABELS.get(key, _("Progress")),
            "query": query.urlencode(),
            "back": reverse("procedures:quality") + "?" + request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def official_score(request: HttpRequest) -> HttpResponseBase:
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    form = OfficialScoreForm(request.POST)
    if form.is_valid():
        chosen = _period_from(request)
        services.enter_official_score(actor=request.user, agency=agency, period=chosen, **form.cleaned_data)
        messages.success(request, _("Portal score saved."))
    else:
        _form_error(request, form)
    return redirect(reverse("procedures:quality") + "?" + request.GET.urlencode())


# Public -------------------------------------------------------------------------------------------


def public_status(request: HttpRequest, code: str) -> HttpResponseBase:
    """What the QR code on the receipt opens: status and dates only, no personal data. Lookups
    are limited per address (DOSSIER_STATUS_LIMIT in DOSSIER_STATUS_WINDOW_SECONDS), so the
    register cannot be walked through sequential codes, and a wrong code gets one answer (same
    status, page and length, the code not repeated) however close it is to a real one."""
    window = settings.DOSSIER_STATUS_WINDOW_SECONDS
    if over_limit(address_key(request, "dossier-status"), settings.DOSSIER_STATUS_LIMIT, window):
        response = render(request, "procedures/public_status.html", {"reason": "too_many", "minutes": window // 60})
        response.status_code, response["Retry-After"] = 429, str(window)
        return response
    dossier = Dossier.objects.select_related("procedure", "agency").filter(code=code).order_by("pk").first()
    if dossier is None:
        return render(request, "procedures/public_status.html", {"reason": "unknown"}, status=404)
    return render(
        request, "procedures/public_status.html", {"d": dossier, "due_moment": services.adjusted_due(dossier)}
    )
