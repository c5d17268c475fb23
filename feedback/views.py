"""The feedback desk: the register with its deadlines, staff intake, one item with its steps, and
the Open311 export."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import sheets
from core.access import current_agency_or_404
from core.files import FileRejected, attachment_response
from core.services import history_for, load_calendar, log_action
from feedback import access, services, stats
from feedback.forms import ClassifyForm, ReceptionForm, StaffFeedbackForm, TemplateForm
from feedback.models import ENDED_STATUSES, OPEN_STATUSES, Category, ReceptionSession, Status, Template

FILTERS = ("status", "flag", "q")


def _deadline(item, today: dt.date) -> tuple[str, dt.date | None]:
    """The next deadline of an open item and whether it is passed."""
    if item.status == Status.AWAITING_PUBLICATION:
        due = item.due_publish
    elif item.is_open:
        due = item.answer_due
    else:
        return "", None
    return ("overdue" if due and due < today else "due_soon" if due and (due - today).days <= 3 else ""), due


@login_required
def desk(request):
    agency = current_agency_or_404(request)
    qs = access.visible_to(request.user, agency).filter(confirmed=True).select_related("unit", "assignee")
    params = {key: request.GET.get(key, "").strip() for key in FILTERS}
    today = timezone.localdate()
    if params["status"] in Status.values:
        qs = qs.filter(status=params["status"])
    if params["flag"] == "open":
        qs = qs.filter(status__in=[*OPEN_STATUSES, Status.AWAITING_PUBLICATION])
    elif params["flag"] == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_answer__lt=today, extended_to__isnull=True) | qs.filter(
            status__in=OPEN_STATUSES, extended_to__lt=today
        )
    if params["q"]:
        qs = qs.filter(code__icontains=params["q"])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(item, *_deadline(item, today)) for item in page]
    return render(
        request,
        "feedback/desk.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "statuses": Status.choices,
            "can_receive": access.can_receive(request.user, agency),
            "query": "&".join(f"{k}={v}" for k, v in params.items() if v),
        },
    )


@login_required
def new(request):
    agency = current_agency_or_404(request)
    access.require(access.can_receive(request.user, agency))
    form = StaffFeedbackForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                item = _record(request, agency, data)
        except FileRejected as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Feedback %(code)s recorded.") % {"code": item.code})
            return redirect("feedback:item", pk=item.pk)
    return render(request, "feedback/new.html", {"form": form})


def _record(request, agency, data):
    item, _key = services.receive(
        agency=agency,
        actor=request.user,
        cal=load_calendar(),
        channel=data["channel"],
        received_at=data["received_at"],
        **{k: data[k] for k in ("name", "address", "phone", "email", "content", "dossier_code", "answer_only")},
        kind=data["kind"],
        sender_type=data["sender_type"],
        procedure=data["procedure"],
    )
    services.attach(item, request.FILES.getlist("files"))
    return item


@login_required
def item_detail(request, pk):
    agency = current_agency_or_404(request)
    return _item_page(request, agency, access.get_item(request.user, agency, pk))


def _item_page(request, agency, item, *, typed: dict | None = None, status: int = 200):
    """The item with its steps; `typed` refills the step forms after a refused step."""
    handle = access.can_handle(request.user, item)
    templates = list(Template.objects.filter(agency=agency).filter(Q(category="") | Q(category=item.category)))
    chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
    prefill = {chosen.step: services.fill(chosen, item)} if chosen and handle else {}
    prefill.update(typed or {})
    return render(
        request,
        "feedback/item.html",
        {
            "item": item,
            "handle": handle,
            "approve": access.can_approve(request.user, agency) and item.status == Status.AWAITING_APPROVAL,
            "publish": access.can_publish(request.user, agency) and item.status == Status.AWAITING_PUBLICATION,
            "reopen": access.can_approve(request.user, agency)
            and item.status in (Status.PUBLISHED, Status.CLOSED, Status.NOT_ACCEPTED),
            "repeat_candidates": services.repeat_candidates(item, access.visible_to(request.user, agency))
            if handle
            else [],
            "classify_form": ClassifyForm(
                agency=agency,
                initial={
                    "category": item.category or Category.REGULATION,
                    "unit": item.unit_id,
                    "assignee": item.assignee_id,
                },
            ),
            "templates": templates,
            "prefill": prefill,
            "notes": item.notes.select_related("author"),
            "attachments": item.attachments.all(),
            "history": history_for(item)[:50],
            "status_url": request.build_absolute_uri(f"/phan-anh/{item.code}/"),
        },
        status=status,
    )


# what a refused step's form had typed, by the key the item page refills it from
TYPED = {
    "answer": ("answer", "answer"),
    "request_info": ("text", "info_requested"),
    "forward": ("to", "forwarded"),
    "not_accept": ("reason", "not_accepted"),
    "return": ("reason", "returned"),
    "reopen": ("reason", "reopened"),
    "extend": ("reason", "extension"),
    "note": ("text", "note"),
    "repeat": ("of", "repeat"),
}


@login_required
@require_POST
def step(request, pk, name):  # noqa: C901
    agency = current_agency_or_404(request)
    item = access.get_item(request.user, agency, pk)
    post = request.POST
    try:
        if name == "approve":
            access.require(access.can_approve(request.user, agency))
            services.approve(item, actor=request.user, cal=load_calendar())
        elif name == "return":
            access.require(access.can_approve(request.user, agency))
            services.return_answer(item, actor=request.user, reason=post.get("reason", ""))
        elif name == "reopen":
            access.require(access.can_approve(request.user, agency))
            services.reopen(item, actor=request.user, reason=post.get("reason", ""))
        else:
            access.require(access.can_handle(request.user, item))
            if name == "classify":
                form = ClassifyForm(post, agency=agency)
                if not form.is_valid():
                    raise services.FeedbackError(_("Choose the category and the competence."))
                services.classify(item, actor=request.user, **form.cleaned_data)
            elif name == "not_accept":
                services.not_accept(item, actor=request.user, reason=post.get("reason", ""))
            elif name == "request_info":
                services.request_info(item, actor=request.user, text=post.get("text", ""))
            elif name == "info_supplied":
                services.info_supplied(item, actor=request.user, text=post.get("text", ""))
            elif name == "forward":
                services.forward(item, actor=request.user, to=post.get("to", ""))
            elif name == "answer":
                services.submit_answer(item, actor=request.user, answer=post.get("answer", ""))
            elif name == "extend":
                try:
                    until = dt.date.fromisoformat(post.get("until", ""))
                except ValueError:
                    raise services.FeedbackError(_("Give the new date.")) from None
                services.extend(item, actor=request.user, until=until, reason=post.get("reason", ""))
            elif name == "note":
                services.add_note(item, actor=request.user, text=post.get("text", ""))
            elif name == "repeat":
                services.mark_repeat(
                    item,
                    actor=request.user,
                    of_code=post.get("of", ""),
                    visible=access.visible_to(request.user, agency),
                )
            else:
                raise Http404
    except services.FeedbackError as exc:
        messages.error(request, str(exc))
        field, key = TYPED.get(name, ("", ""))
        typed = {key: post.get(field, "")} if key else {}
        if name == "extend":
            typed["extend_until"] = post.get("until", "")
        return _item_page(request, agency, item, typed=typed, status=400)  # what was typed stays
    return redirect("feedback:item", pk=item.pk)


@login_required
def publish(request, pk):
    """The public texts as the portal will show them, with what redaction removes highlighted;
    staff may edit them and preview again; publishing needs the preview's confirmation, so what is
    published is what they saw (feedback_pakn.md §7)."""
    agency = current_agency_or_404(request)
    item = access.get_item(request.user, agency, pk)
    access.require(access.can_publish(request.user, agency))
    if item.status != Status.AWAITING_PUBLICATION:
        return redirect("feedback:item", pk=item.pk)
    summary, answer = request.POST.get("summary"), request.POST.get("answer")
    error = ""
    if request.method == "POST" and request.POST.get("action") == "publish":
        try:
            services.publish(
                item,
                actor=request.user,
                summary=summary,
                answer=answer,
                confirmation=request.POST.get("confirmation", ""),
            )
        except services.FeedbackError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Published on the portal."))
            return redirect("feedback:item", pk=item.pk)
    preview = services.publication_preview(item, summary=summary, answer=answer)
    typed = {
        "summary": item.summary if summary is None else summary,
        "answer": (item.public_answer or item.answer) if answer is None else answer,
    }
    return render(
        request,
        "feedback/publish.html",
        {"item": item, "preview": preview, "typed": typed, "error": error},
        status=400 if error else 200,
    )


@login_required
def attachment(request, pk, file_pk):
    """A sender's file, for the staff who see the item (never public)."""
    item = access.get_item(request.user, current_agency_or_404(request), pk)
    found = item.attachments.filter(pk=file_pk).first()
    if found is None:
        raise Http404
    return attachment_response(found.file.open("rb"), name=found.name, content_type=found.content_type)


OPEN311_CLOSED = {s.value for s in ENDED_STATUSES}


def _moment(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


@login_required
def export(request):
    """The register with Open311 GeoReport v2 field names (JSON, or CSV with ?format=csv)."""
    agency = current_agency_or_404(request)
    rows = []
    for item in access.visible_to(request.user, agency).select_related("unit").order_by("received_at", "id"):
        due = item.answer_due
        rows.append(
            {
                "service_request_id": item.code,
                "status": "closed" if item.status in OPEN311_CLOSED else "open",
                "status_notes": item.get_status_display(),
                "service_name": item.get_category_display() if item.category else "",
                "requested_datetime": _moment(item.received_at),
                "updated_datetime": _moment(item.updated_at),
                "expected_datetime": dt.datetime.combine(due, dt.time(23, 59, 59)).isoformat() if due else None,
                "agency_responsible": item.unit.name if item.unit else agency.name,
            }
        )
    if request.GET.get("format") != "csv":
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    out = io.StringIO()
    out.write("\ufeff")
    writer = sheets.csv_dict_writer(out, fieldnames=list(rows[0]) if rows else ["service_request_id"])
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pakn-{agency.code}.csv"'
    return response


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@login_required
def statistics(request):
    agency = current_agency_or_404(request)
    start, end = _period(request)
    qs = stats.period(access.visible_to(request.user, agency), start, end)
    result = stats.compute(qs)
    days = services.step_days()
    return render(
        request,
        "feedback/stats.html",
        {
            "start": start,
            "end": end,
            "stats": result,
            "steps": [(STEP_LABELS[key] % {"n": days[key]}, rate) for key, rate in result.steps.items()],
            "receptions": stats.receptions(agency, start, end),
        },
    )


STEP_LABELS = {
    "reject": gettext_lazy("Not accepted within %(n)s working days"),
    "info": gettext_lazy("Information requested within %(n)s working days"),
    "forward": gettext_lazy("Forwarded within %(n)s working days"),
    "answer": gettext_lazy("Answered within %(n)s working days"),
    "publish": gettext_lazy("Published within %(n)s working days of the approval"),
}


@login_required
def receptions(request):
    agency = current_agency_or_404(request)
    form = ReceptionForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_receive(request.user, agency))
        if form.is_valid():
            session = form.save(commit=False)
            session.agency, session.created_by = agency, request.user
            session.save()
            log_action(actor=request.user, agency=agency, action="reception.recorded", obj=session)
            messages.success(request, _("Reception recorded."))
            return redirect("feedback:receptions")
    start, end = _period(request)
    sessions = ReceptionSession.objects.filter(agency=agency, held_on__gte=start, held_on__lte=end)
    return render(
        request,
        "feedback/receptions.html",
        {
            "form": form,
            "page": Paginator(sessions, 30).get_page(request.GET.get("page")),
            "start": start,
            "end": end,
            "totals": stats.receptions(agency, start, end),
            "can_record": access.can_receive(request.user, agency),
        },
    )


@login_required
def templates(request):
    agency = current_agency_or_404(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_publish(request.user, agency))
        if request.POST.get("delete"):
            found = Template.objects.filter(agency=agency, pk=request.POST["delete"]).first()
            if found is not None:
                log_action(actor=request.user, agency=agency, action="feedback.template_deleted", obj=found)
                found.delete()
            return redirect("feedback:templates")
        if form.is_valid():
            template = form.save(commit=False)
            template.agency = agency
            template.save()
            log_action(actor=request.user, agency=agency, action="feedback.template", obj=template)
            messages.success(request, _("Template saved."))
            return redirect("feedback:templates")
    return render(
        request,
        "feedback/templates.html",
        {
            "form": form,
            "templates": Template.objects.filter(agency=agency),
            "can_edit": access.can_publish(request.user, agency),
        },
    )
