from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency, current_agency_or_404
from core.deadlines import LOCAL
from core.models import Unit
from core.ratelimit import address_key, over_limit
from core.services import diff, history_for, load_calendar, log_action
from core.text import fold
from procedures import catalogue, documents, services
from procedures.access import (
    can_handle,
    can_manage,
    can_receive,
    can_receive_for,
    dossiers_visible_to,
    get_dossier_for_user,
    require_manager,
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
    SupplementForm,
)
from procedures.importing import read_progress, save_upload
from procedures.models import Channel, Dossier, DossierImport, DossierStatus, OfficialScore, Procedure
from procedures.quality import PROGRESS_PARTS, RATIO_KEYS, q2
from procedures.selectors import EXTRA_FIGURES, PERIODS, drill, period, quality

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_IMPORT_BYTES = 300 * 1024 * 1024


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def refuses_politely(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("procedures:dossier", pk=kwargs["pk"])

    return wrapper


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


FILTERS = ("q", "status", "unit", "procedure", "channel", "flag", "from", "to")


def _filtered(request, agency):
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
    start, end = _parse_date(params["from"]), _parse_date(params["to"])
    if start:
        qs = qs.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL))
    if end:
        qs = qs.filter(received_at__lte=dt.datetime.combine(end, dt.time.max, tzinfo=LOCAL))
    today = timezone.localdate()
    if params["flag"] == "open":
        qs = qs.filter(status__in=("received", "processing", "supplement_requested"))
    elif params["flag"] == "at_risk":
        qs = services.at_risk(qs, today=today, cal=load_calendar()).filter(due_date__gte=today)
    elif params["flag"] == "overdue":
        qs = qs.filter(status__in=("received", "processing"), due_date__lt=today)
    elif params["flag"] == "apology":
        qs = qs.filter(apology_date__isnull=False)
    return qs, params


@login_required
def register(request):
    agency = current_agency_or_404(request)
    qs, params = _filtered(request, agency)
    qs = qs.select_related("unit", "procedure")
    if request.GET.get("format") == "xlsx":
        rows = qs.annotate(first_handover=Min("handovers__handed_at")).order_by("received_at")
        title = f"{agency.name} · {timezone.localdate():%d/%m/%Y}"
        data = documents.register(rows.iterator(chunk_size=2000), title=title)
        return _download(data, f"so-theo-doi-ho-so-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
    page = Paginator(qs.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/register.html",
        {
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
        },
    )


@login_required
def at_risk(request):
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
def receive(request):
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
def dossier_detail(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk)
    cal = load_calendar()
    handle = can_handle(request.user, dossier)
    today = timezone.localdate()
    return render(
        request,
        "procedures/dossier_detail.html",
        {
            "d": dossier,
            "handle": handle,
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
            "apology_form": ApologyForm(initial={"new_date": cal.add_working_days(max(dossier.due_date, today), 3)}),
            "status_url": documents.status_url(dossier),
            # the single-use survey link is printed on the receipt only, never shown on a page
        },
    )


def _form_error(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@login_required
@require_POST
@refuses_politely
def handover(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    form = HandoverForm(request.POST, agency=agency)
    if form.is_valid():
        services.hand_over(
            dossier,
            actor=request.user,
            giver=request.user.display_name,
            receiver=form.cleaned_data["receiver"],
            to_unit=form.cleaned_data["to_unit"],
            step_due=form.cleaned_data["step_due"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Hand-over recorded."))
    else:
        _form_error(request, form)
    return redirect("procedures:dossier", pk=pk)


@login_required
@require_POST
@refuses_politely
def supplement(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    form = SupplementForm(request.POST)
    if form.is_valid():
        services.request_supplement(
            dossier, actor=request.user, items=form.cleaned_data["items"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Supplement request recorded: the clock is paused."))
    else:
        _form_error(request, form)
    return redirect("procedures:dossier", pk=pk)


@login_required
@require_POST
@refuses_politely
def supplement_done(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    services.complete_supplement(dossier, actor=request.user)
    messages.success(request, _("Supplement received: the clock runs again."))
    return redirect("procedures:dossier", pk=pk)


@login_required
@require_POST
@refuses_politely
def finish(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    form = FinishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        flags = {"e_result": data["e_result"], "digitized": data["digitized"]} if data["outcome"] == "finished" else {}
        services.finish(dossier, actor=request.user, outcome=data["outcome"], note=data["note"], flags=flags)
        messages.success(request, _("Dossier closed."))
    else:
        _form_error(request, form)
    return redirect("procedures:dossier", pk=pk)


@login_required
@require_POST
@refuses_politely
def return_result(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    services.return_result(dossier, actor=request.user)
    messages.success(request, _("Result returned to the applicant."))
    return redirect("procedures:dossier", pk=pk)


@login_required
@require_POST
@refuses_politely
def apology(request, pk):
    agency = current_agency_or_404(request)
    dossier = get_dossier_for_user(request.user, agency, pk, handle=True)
    form = ApologyForm(request.POST)
    if form.is_valid():
        services.apologise(
            dossier,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            new_date=form.cleaned_data["new_date"],
            cal=load_calendar(),
        )
        messages.success(request, _("Apology recorded; download the letter (Mẫu 04) below."))
    else:
        _form_error(request, form)
    return redirect("procedures:dossier", pk=pk)


@login_required
def receipt_docx(request, pk):
    """Mẫu 01 carries the citizen's single-use survey link: only the counter roles (those who may
    handle the dossier) print it, never the read-only roles; every print is in the audit log, and
    a print after the first one is logged as a reprint (who and when) for the auditors to see."""
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk, handle=True)
    data = documents.receipt(dossier)
    printed = history_for(dossier).filter(action__in=documents.RECEIPT_ACTIONS).exists()
    log_action(
        actor=request.user,
        agency=dossier.agency,
        action="dossier.receipt_reprinted" if printed else "dossier.receipt_printed",
        obj=dossier,
        note="Mẫu 01",
    )
    return _download(data, f"mau-01-{dossier.code}.docx", DOCX)


@login_required
def apology_docx(request, pk):
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk)
    if dossier.apology_date is None:
        raise Http404
    return _download(documents.apology(dossier), f"mau-04-{dossier.code}.docx", DOCX)


@login_required
def control_xlsx(request, pk):
    dossier = get_dossier_for_user(request.user, current_agency_or_404(request), pk)
    return _download(documents.control_slip(dossier), f"mau-06-{dossier.code}.xlsx", XLSX)


# Catalogue -------------------------------------------------------------------------------------


@login_required
def catalogue_list(request):
    agency = current_agency_or_404(request)
    qs = Procedure.objects.filter(agency=agency)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(search_text__contains=fold(q))
    if request.GET.get("format") == "xlsx":
        return _download(catalogue.export(qs), "danh-muc-tthc.xlsx", XLSX)
    return render(
        request,
        "procedures/catalogue_list.html",
        {"agency": agency, "procedures": qs, "q": q, "can_manage": can_manage(request.user, agency)},
    )


@login_required
def catalogue_detail(request, pk):
    agency = current_agency_or_404(request)
    procedure = get_object_or_404(Procedure, pk=pk, agency=agency)
    return render(request, "procedures/catalogue_detail.html", {"p": procedure, "history": history_for(procedure)[:20]})


@login_required
def catalogue_import(request):
    agency = require_manager(request.user, current_agency(request))
    purpose = f"catalogue:{agency.pk}"
    context = {"form": FileForm(), "agency": agency}
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
        form = FileForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            parsed = catalogue.preview(agency=agency, data=data)
            context["parsed"] = parsed
            if not parsed.errors:
                context["token"] = uploads.hold(request, data, purpose=purpose)
    return render(request, "procedures/catalogue_import.html", context)


@login_required
def catalogue_template(request):
    return _download(catalogue.export([]), "mau-danh-muc-tthc.xlsx", XLSX)


# Dossier file imports ----------------------------------------------------------------------------


@login_required
def imports(request):
    agency = require_manager(request.user, current_agency(request))
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


def _import_for(request, pk) -> DossierImport:
    agency = require_manager(request.user, current_agency(request))
    return get_object_or_404(DossierImport.objects.select_related("uploaded_by"), pk=pk, agency=agency)


def _import_context(item: DossierImport) -> dict:
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
def import_detail(request, pk):
    item = _import_for(request, pk)
    return render(request, "procedures/import_detail.html", _import_context(item))


@login_required
def import_progress(request, pk):
    item = _import_for(request, pk)
    return render(request, "procedures/_import_progress.html", _import_context(item))


# Decision 766 dashboard -------------------------------------------------------------------------


def _period_from(request):
    today = timezone.localdate()
    kind = request.GET.get("period", "quarter")
    kind = kind if kind in PERIODS else "quarter"
    try:
        year = int(request.GET.get("year", today.year))
        number = int(request.GET.get("n", (today.month - 1) // 3 + 1 if kind == "quarter" else today.month))
        return period(kind, min(max(year, 2000), 2100), number)
    except (ValueError, TypeError):
        return period("quarter", today.year, (today.month - 1) // 3 + 1)


def _unit_scope(request, agency):
    qs = dossiers_visible_to(request.user, agency)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    return qs, unit


@login_required
def quality_dashboard(request):
    agency = current_agency_or_404(request)
    chosen = _period_from(request)
    qs, unit = _unit_scope(request, agency)
    result = quality(qs, chosen.start, chosen.end)
    for provider in EXTRA_FIGURES:
        result.figures.update(
            provider(request.user, agency, int(unit) if unit.isdigit() else None, chosen.start, chosen.end)
        )
    official = {
        s.indicator: s
        for s in OfficialScore.objects.filter(agency=agency, period_start=chosen.start, period_end=chosen.end)
    }
    gap = Decimal(2)
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
                "big_gap": difference is not None and abs(difference) > gap,
                "drill": key in RATIO_KEYS,
            }
        )
    total = q2(sum((f.points or Decimal(0) for f in result.figures.values()), Decimal(0)))
    return render(
        request,
        "procedures/quality.html",
        {
            "agency": agency,
            "period": chosen,
            "periods": PERIODS.items(),
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "unit": unit,
            "units": Unit.objects.filter(agency=agency),
            "result": result,
            "rows": rows,
            "total": total,
            "official_total": official.get("total"),
            "form": OfficialScoreForm(),
            "can_manage": can_manage(request.user, agency),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def quality_drill(request):
    agency = current_agency_or_404(request)
    chosen = _period_from(request)
    qs, _unit = _unit_scope(request, agency)
    key, part = request.GET.get("key", "progress"), request.GET.get("part", "late")
    valid = (key == "progress" and part in PROGRESS_PARTS) or (
        key in RATIO_KEYS and part in ("numerator", "denominator")
    )
    if not valid:
        raise Http404
    page = Paginator(drill(qs, chosen.start, chosen.end, key, part).select_related("unit", "procedure"), 50).get_page(
        request.GET.get("page")
    )
    dossiers = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/quality_drill.html",
        {
            "period": chosen,
            "page": page,
            "dossiers": dossiers,
            "key": key,
            "part": part,
            "label": INDICATOR_LABELS.get(key, _("Progress")),
            "query": query.urlencode(),
            "back": reverse("procedures:quality") + "?" + request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def official_score(request):
    agency = require_manager(request.user, current_agency(request))
    chosen = _period_from(request)
    form = OfficialScoreForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        score, _created = OfficialScore.objects.get_or_create(
            agency=agency,
            period_start=chosen.start,
            period_end=chosen.end,
            indicator=data["indicator"],
            defaults={"points": data["points"]},
        )
        before = {"points": None if _created else score.points, "rate": None if _created else score.rate}
        score.points, score.rate, score.source_url, score.entered_by = (
            data["points"],
            data["rate"],
            data["source_url"],
            request.user,
        )
        score.save()
        log_action(
            actor=request.user,
            agency=agency,
            action="official_766.entered",
            obj=score,
            changes=diff(before, {"points": score.points, "rate": score.rate}),
            note=f"{data['indicator']} {chosen.label} {data['source_url']}",
        )
        messages.success(request, _("Portal score saved."))
    else:
        _form_error(request, form)
    return redirect(reverse("procedures:quality") + "?" + request.GET.urlencode())


# Public -------------------------------------------------------------------------------------------


def public_status(request, code):
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
