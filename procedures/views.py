from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min, Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency, current_agency_or_404
from core.deadlines import LOCAL
from core.models import Agency, Unit
from core.ratelimit import address_key, over_limit
from core.services import history_for, load_calendar
from core.text import fold
from core.web import XLSX, download, linked_agency, parse_date, query_without
from procedures import catalogue, documents, services
from procedures.access import (
    can_manage,
    can_receive,
    dossiers_visible_to,
    get_managed_agency_for_user,
)
from procedures.dossier_file import guide_rows
from procedures.forms import (
    INDICATOR_LABELS,
    FileForm,
    OfficialScoreForm,
)
from procedures.importing import UploadRefused, check_upload, read_progress, save_upload
from procedures.models import Channel, Dossier, DossierImport, DossierStatus, Procedure
from procedures.quality import PROGRESS_PARTS, RATIO_KEYS
from procedures.selectors import (
    PERIODS,
    Period,
    drill,
    judged_until,
    normalize_code,
    period_from,
    public_dossier,
    quality_report,
    quality_scope,
    unit_from,
    with_deadline,
)

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


def _register_xlsx(qs: QuerySet[Dossier], agency: Agency, params: dict[str, str]) -> HttpResponseBase:
    """Mẫu 07 of the filtered dossiers, in reception order, "Từ ngày … đến ngày …" the dates
    filtered on (else the first reception's date and today)."""
    today = timezone.localdate()
    first = qs.aggregate(first=Min("received_at"))["first"]
    start = parse_date(params.get("from", "")) or (timezone.localtime(first).date() if first else today)
    end = parse_date(params.get("to", "")) or today
    data = documents.register(qs, agency=agency, start=start, end=end)
    return download(data, f"so-theo-doi-ho-so-{today:%Y%m%d}.xlsx", XLSX)


@login_required
def register(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    qs, params = _filtered(request, agency)
    qs = qs.select_related("unit", "procedure")
    if request.GET.get("format") == "xlsx":
        return _register_xlsx(qs, agency, params)
    today = timezone.localdate()
    qs = with_deadline(qs, today=today, horizon=load_calendar().next_working_day(today))
    page = Paginator(qs.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = query_without(request, "page")
    context = {
        "agency": agency,
        "page": page,
        "params": params,
        "dates": {key: parse_date(params[key]) for key in ("from", "to")},
        "query": query.urlencode(),
        "statuses": DossierStatus.choices,
        "channels": Channel.choices,
        "units": Unit.objects.filter(agency=agency),
        "can_receive": can_receive(request.user, agency),
        "can_manage": can_manage(request.user, agency),
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


def _form_error(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


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
        {
            "agency": agency,
            "procedures": qs,
            "q": q,
            "can_manage": can_manage(request.user, agency),
            "incomplete": catalogue.incomplete(qs),
        },
    )


@login_required
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    procedure = get_object_or_404(Procedure, pk=pk, agency=agency)
    context = {"p": procedure, "history": history_for(procedure)[:20], "missing": catalogue.missing_parts(procedure)}
    return render(request, "procedures/catalogue_detail.html", context)


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponseBase:
    """A file is checked and previewed first (held for this session under a token); the confirm
    button commits the held file."""
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    purpose = f"catalogue:{agency.pk}"
    context: dict[str, Any] = {"form": FileForm(), "agency": agency, "guide": catalogue.guide_rows()}
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
    return download(catalogue.template(), "mau-danh-muc-tthc.xlsx", XLSX)


# Dossier file imports ----------------------------------------------------------------------------


@login_required
def imports(request: HttpRequest) -> HttpResponseBase:
    agency = get_managed_agency_for_user(request.user, current_agency(request))
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, name=upload.name, size=upload.size)
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            item = save_upload(agency=agency, actor=request.user, fileobj=upload, filename=upload.name)
            return redirect("procedures:import_detail", pk=item.pk)
    items = DossierImport.objects.filter(agency=agency).select_related("uploaded_by")[:30]
    context = {"form": form, "items": items, "agency": agency, "guide": guide_rows()}
    return render(request, "procedures/imports.html", context, status=400 if form.errors else 200)


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
    return period_from(request.GET, today=timezone.localdate())


@login_required
def quality_dashboard(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    report = quality_report(
        request.user, agency, _period_from(request), unit_from(request.GET), today=timezone.localdate()
    )
    this_year = timezone.localdate().year
    return render(
        request,
        "procedures/quality.html",
        {
            "agency": agency,
            "period": report.period,
            "periods": PERIODS.items(),
            "years": range(this_year - 3, this_year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "unit": request.GET.get("unit", ""),
            "units": Unit.objects.filter(agency=agency),
            "result": report.result,
            "rows": report.rows,
            "total": report.total,
            "official_total": report.official.get("total"),
            "form": OfficialScoreForm(),
            "can_manage": can_manage(request.user, agency),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def quality_drill(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    chosen = _period_from(request)
    qs = quality_scope(request.user, agency, unit_from(request.GET))
    key, part = request.GET.get("key", "progress"), request.GET.get("part", "late")
    valid = (key == "progress" and part in PROGRESS_PARTS) or (
        key in RATIO_KEYS and part in ("numerator", "denominator")
    )
    if not valid:
        raise Http404
    end = judged_until(chosen, timezone.localdate())  # as the dashboard counts them
    behind = drill(qs, chosen.start, end, key, part).select_related("unit", "procedure")
    page = Paginator(behind, 50).get_page(request.GET.get("page"))
    query = query_without(request, "page")
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
    status and page, whatever the code, only the typed code echoed) however close it is to a real
    one. The code is matched as the receipt prints it, whatever the case, spaces or dashes typed."""
    window = settings.DOSSIER_STATUS_WINDOW_SECONDS
    if over_limit(address_key(request, "dossier-status"), settings.DOSSIER_STATUS_LIMIT, window):
        response = render(request, "procedures/public_status.html", {"reason": "too_many", "minutes": window // 60})
        response.status_code, response["Retry-After"] = 429, str(window)
        return response
    dossier = public_dossier(code)
    if dossier is None:
        # the agency whose page the lookup came from (?co-quan=): its one-stop desk's phone
        context = {"reason": "unknown", "code": normalize_code(code)[:60], "lookup_agency": linked_agency(request)}
        return render(request, "procedures/public_status.html", context, status=404)
    return render(
        request,
        "procedures/public_status.html",
        {"d": dossier, "agency": dossier.agency, "due": services.due_shown(dossier)},  # as staff see it (D31)
    )
