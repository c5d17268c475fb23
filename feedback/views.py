"""The feedback desk: the register with its deadlines, staff intake, one item with one view (and
URL) per workflow step, publication, the Open311 export, statistics, citizen reception and the
response templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.files import FileRejected, attachment_response
from core.models import Agency, AuditEntry, Unit
from core.services import history_for, load_calendar
from core.web import CSV, XLSX, download, parse_date
from core.workbook import Sheet, csv_dict_bytes, workbook_bytes
from feedback import access, selectors, services, stats
from feedback.deadlines import deadline_state
from feedback.forms import ClassifyForm, ReceptionForm, StaffFeedbackForm, TemplateForm
from feedback.models import ENDED_STATUSES, Category, Channel, Feedback, ReceptionSession, Status, Template

DUE_CHOICES = [
    ("open", gettext_lazy("Not finished")),
    ("overdue", gettext_lazy("Overdue")),
    ("due_soon", gettext_lazy("Due within 3 days")),
    ("later", gettext_lazy("Not yet due")),
]


def state_label(state: str, days: int) -> str:
    """An item's deadline state in words: "Quá hạn 2 ngày", "Đến hạn hôm nay", "Còn 5 ngày"."""
    if state == "overdue":
        return ngettext("%(n)s day overdue", "%(n)s days overdue", days) % {"n": days}
    if state == "due_soon" and days == 0:
        return _("Due today")
    if state in ("due_soon", "later"):
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return ""


@login_required
def desk(request):
    """The register: excerpt, sender, deadline state; search without diacritics, filters, pages;
    the same rows as a workbook (?export=xlsx)."""
    agency = current_agency_or_404(request)
    filters = selectors.DeskFilters.from_query(request.GET)
    today = timezone.localdate()
    visible = access.feedback_visible_to(request.user, agency).filter(confirmed=True)
    items = selectors.desk_items(visible, filters, today)
    if request.GET.get("export") == "xlsx":
        return download(_register_workbook(items, agency, today), f"phan-anh-kien-nghi-{agency.code}.xlsx", XLSX)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(item, state, state_label(state, days)) for item in page for state, days in [_state(item, today)]],
        "filters": filters,
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
        "units": Unit.objects.filter(agency=agency).order_by("name"),
        "due_choices": DUE_CHOICES,
        "can_receive": access.can_receive(request.user, agency),
        "query": urlencode(filters.query()),
    }
    return render(request, "feedback/desk.html", context)


def _state(item: Feedback, today: dt.date) -> tuple[str, int]:
    return deadline_state(getattr(item, "next_due", None), today)


def _register_workbook(items, agency: Agency, today: dt.date) -> bytes:
    rows = selectors.export_rows(items.iterator(chunk_size=2000), today, state_label)
    heading = f"Sổ theo dõi phản ánh, kiến nghị - {agency.name}"
    subtitle = [f"Ngày xuất: {today:%d/%m/%Y}"]
    sheet = Sheet(
        "Phản ánh, kiến nghị",
        selectors.EXPORT_HEADERS,
        rows,
        heading=heading,
        subtitle=subtitle,
        widths=selectors.EXPORT_WIDTHS,
    )
    return workbook_bytes([sheet], stream=True)


@login_required
def new(request):
    agency = current_agency_or_404(request)
    access.require(access.can_receive(request.user, agency))
    form = StaffFeedbackForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, _key = services.receive(
                agency=agency,
                actor=request.user,
                cal=load_calendar(),
                files=request.FILES.getlist("files"),
                **{k: data[k] for k in ("channel", "received_at", *StaffFeedbackForm.Meta.fields)},
            )
        except FileRejected as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Feedback %(code)s recorded.") % {"code": item.code})
            return redirect("feedback:item", pk=item.pk)
    return render(request, "feedback/new.html", {"form": form})


@login_required
def item_detail(request, pk):
    agency = current_agency_or_404(request)
    return _item_page(request, agency, access.get_feedback_for_user(request.user, agency, pk))


def _item_page(
    request: HttpRequest, agency: Agency, item: Feedback, *, typed: Mapping[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The item with its steps; `typed` refills the step forms after a refused step."""
    user = request.user
    handle = access.can_handle(user, item)
    templates = list(Template.objects.filter(agency=agency).filter(Q(category="") | Q(category=item.category)))
    chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
    prefill = {chosen.step: services.fill(chosen, item)} if chosen and handle else {}
    prefill.update(typed or {})
    visible = access.feedback_visible_to(user, agency)
    initial = {"category": item.category or Category.REGULATION, "unit": item.unit_id, "assignee": item.assignee_id}
    context = {
        "item": item,
        "addressee": services.sender_addressee(item),
        "opening": services.answer_opening(item),
        "limits": {"answer": services.MAX_ANSWER, "text": services.MAX_TEXT},
        "publish_days": services.step_days().publish,
        "handle": handle,
        "approve": access.can_approve(user, agency) and item.status == Status.AWAITING_APPROVAL,
        "publish": access.can_publish(user, agency) and item.status == Status.AWAITING_PUBLICATION,
        "reopen": access.can_approve(user, agency)
        and item.status in (Status.PUBLISHED, Status.CLOSED, Status.NOT_ACCEPTED),
        "repeat_candidates": services.repeat_candidates(item, visible) if handle else [],
        "classify_form": ClassifyForm(agency=agency, initial=initial),
        "templates": templates,
        "prefill": prefill,
        "notes": item.notes.select_related("author"),
        "attachments": item.attachments.all(),
        "history": _history(item),
        "status_url": request.build_absolute_uri(f"/phan-anh/{item.code}/"),
    }
    return render(request, "feedback/item.html", context, status=status)


# the changes the item's history shows beside each step (the others are the step itself)
HISTORY_FIELDS = ("channel", "status", "category", "within_competence", "extended_to", "forwarded_to", "due_publish")


def _history(item: Feedback) -> list[tuple[AuditEntry, list[tuple[str, Any, Any]]]]:
    """The latest 50 entries, each with the changes worth reading: (field, before, after)."""
    entries = history_for(item)[:50]
    return [(e, [(name, *e.changes[name]) for name in HISTORY_FIELDS if name in (e.changes or {})]) for e in entries]


Step = Callable[[HttpRequest, Agency, Feedback], str]


def _step(
    *, approver: bool = False, keep: Mapping[str, str] | None = None
) -> Callable[[Step], Callable[..., HttpResponse]]:
    """One workflow step of an item, by POST: the item the user sees (else 404), the right to take
    the step (the leader's for `approver` steps, else handling the item; else 403), then the
    decorated function calls the service and says what was done (the success message). A refused
    step shows the item page again (400) with the error and what was typed: `keep` maps the page's
    prefill keys to the posted fields."""

    def decorate(run: Step) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        @wraps(run)
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            agency = current_agency_or_404(request)
            item = access.get_feedback_for_user(request.user, agency, pk)
            may = access.can_approve(request.user, agency) if approver else access.can_handle(request.user, item)
            access.require(may)
            try:
                done = run(request, agency, item)
            except services.FeedbackError as exc:
                messages.error(request, str(exc))
                typed = {key: request.POST.get(field, "") for key, field in (keep or {}).items()}
                return _item_page(request, agency, item, typed=typed, status=400)
            messages.success(request, done)
            return redirect("feedback:item", pk=item.pk)

        return view

    return decorate


@_step()
def classify(request, agency, item):
    form = ClassifyForm(request.POST, agency=agency)
    if not form.is_valid():
        raise services.FeedbackError(_("Choose the category and the competence."))
    item = services.classify(item=item, actor=request.user, **form.cleaned_data)
    if item.assignee:
        return _("Classified and assigned to %(name)s.") % {"name": item.assignee.display_name}
    return _("Classification saved.")


@_step(keep={"not_accepted": "reason"})
def not_accept(request, agency, item):
    services.not_accept(item=item, actor=request.user, reason=request.POST.get("reason", ""), now=timezone.now())
    return _("Recorded as not accepted; the sender is told when they gave an e-mail address.")


@_step(keep={"info_requested": "text"})
def request_info(request, agency, item):
    services.request_info(item=item, actor=request.user, text=request.POST.get("text", ""), now=timezone.now())
    return _("Information requested from the sender.")


@_step()
def info_supplied(request, agency, item):
    services.info_supplied(item=item, actor=request.user, text=request.POST.get("text", ""))
    return _("Information recorded; the item is being handled again.")


@_step(keep={"forwarded": "to"})
def forward(request, agency, item):
    item = services.forward(item=item, actor=request.user, to=request.POST.get("to", ""), now=timezone.now())
    return _("Forwarded to %(to)s.") % {"to": item.forwarded_to}


@_step(keep={"answer": "answer"})
def answer(request, agency, item):
    services.submit_answer(item=item, actor=request.user, answer=request.POST.get("answer", ""))
    return _("Answer sent for the leader's approval.")


@_step(keep={"extension": "reason", "extend_until": "until"})
def extend(request, agency, item):
    until = parse_date(request.POST.get("until"))
    if until is None:
        raise services.FeedbackError(_("Give the new date."))
    item = services.extend(item=item, actor=request.user, until=until, reason=request.POST.get("reason", ""))
    return _("Answer date extended to %(date)s.") % {"date": f"{item.extended_to:%d/%m/%Y}"}


@_step(keep={"note": "text"})
def note(request, agency, item):
    services.add_note(item=item, actor=request.user, text=request.POST.get("text", ""))
    return _("Note added.")


@_step(keep={"repeat": "of"})
def repeat(request, agency, item):
    visible = access.feedback_visible_to(request.user, agency)
    item = services.mark_repeat(item=item, actor=request.user, of_code=request.POST.get("of", ""), visible=visible)
    if item.repeat_of:
        return _("Recorded as a repeat of %(code)s.") % {"code": item.repeat_of.code}
    return _("Recorded as not a repeat.")


@_step(approver=True)
def approve(request, agency, item):
    item = services.approve(item=item, actor=request.user, cal=load_calendar(), now=timezone.now())
    return _("Answer approved. The Office publishes it on the portal by %(date)s.") % {
        "date": f"{item.due_publish:%d/%m/%Y}"
    }


@_step(approver=True, keep={"returned": "reason"})
def return_answer(request, agency, item):
    services.return_answer(item=item, actor=request.user, reason=request.POST.get("reason", ""))
    return _("Answer returned to the officer with your remark.")


@_step(approver=True, keep={"reopened": "reason"})
def reopen(request, agency, item):
    services.reopen(item=item, actor=request.user, reason=request.POST.get("reason", ""))
    return _("Reopened: the item is being handled again and has left the portal.")


@login_required
def publish(request, pk):
    """The public texts as the portal will show them, with what redaction removes highlighted;
    staff may edit them and preview again; publishing needs the preview's confirmation, so what is
    published is what they saw (feedback_pakn.md §7)."""
    agency = current_agency_or_404(request)
    item = access.get_feedback_for_user(request.user, agency, pk)
    access.require(access.can_publish(request.user, agency))
    if item.status != Status.AWAITING_PUBLICATION:
        return redirect("feedback:item", pk=item.pk)
    texts = {"summary": request.POST.get("summary"), "answer": request.POST.get("answer")}
    error = ""
    if request.method == "POST" and request.POST.get("action") == "publish":
        confirmation = request.POST.get("confirmation", "")
        try:
            services.publish(item=item, actor=request.user, now=timezone.now(), confirmation=confirmation, **texts)
        except services.FeedbackError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Answer to %(code)s published on the portal; the sender can read and rate it.") % {"code": item.code},
            )
            return redirect("feedback:item", pk=item.pk)
    typed = {
        "summary": item.summary if texts["summary"] is None else texts["summary"],
        "answer": (item.public_answer or item.answer) if texts["answer"] is None else texts["answer"],
    }
    preview = services.publication_preview(item, **texts)
    context = {"item": item, "preview": preview, "typed": typed, "error": error}
    return render(request, "feedback/publish.html", context, status=400 if error else 200)


@login_required
def attachment(request, pk, file_pk):
    """A sender's file, for the staff who see the item (never public)."""
    item = access.get_feedback_for_user(request.user, current_agency_or_404(request), pk)
    found = item.attachments.filter(pk=file_pk).first()
    if found is None:
        raise Http404
    return attachment_response(found.file.open("rb"), name=found.name, content_type=found.content_type)


OPEN311_CLOSED = {s.value for s in ENDED_STATUSES}


def _moment(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _open311(item: Feedback, agency: Agency) -> dict[str, Any]:
    """One item with Open311 GeoReport v2 field names."""
    due = item.answer_due
    return {
        "service_request_id": item.code,
        "status": "closed" if item.status in OPEN311_CLOSED else "open",
        "status_notes": item.get_status_display(),
        "service_name": item.get_category_display() if item.category else "",
        "requested_datetime": _moment(item.received_at),
        "updated_datetime": _moment(item.updated_at),
        "expected_datetime": dt.datetime.combine(due, dt.time(23, 59, 59)).isoformat() if due else None,
        "agency_responsible": item.unit.name if item.unit else agency.name,
    }


@login_required
def export(request):
    """The register with Open311 GeoReport v2 field names (JSON, or CSV with ?format=csv)."""
    agency = current_agency_or_404(request)
    items = access.feedback_visible_to(request.user, agency).select_related("unit").order_by("received_at", "id")
    rows = [_open311(item, agency) for item in items]
    if request.GET.get("format") != "csv":
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    fieldnames = list(rows[0]) if rows else ["service_request_id"]
    return download(csv_dict_bytes(fieldnames, rows), f"pakn-{agency.code}.csv", CSV)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The ?from= and ?to= dates (default: this year to today)."""
    today = timezone.localdate()
    start = parse_date(request.GET.get("from")) or dt.date(today.year, 1, 1)
    end = parse_date(request.GET.get("to")) or today
    return start, max(start, end)


STEP_LABELS = {
    "reject": gettext_lazy("Not accepted within %(n)s working days"),
    "info": gettext_lazy("Information requested within %(n)s working days"),
    "forward": gettext_lazy("Forwarded within %(n)s working days"),
    "answer": gettext_lazy("Answered within %(n)s working days"),
    "publish": gettext_lazy("Published within %(n)s working days of the approval"),
}


@login_required
def statistics(request):
    agency = current_agency_or_404(request)
    start, end = _period(request)
    result = stats.compute(stats.period(access.feedback_visible_to(request.user, agency), start, end))
    days = services.step_days().as_data()
    context = {
        "start": start,
        "end": end,
        "stats": result,
        "steps": [(STEP_LABELS[key] % {"n": days[key]}, rate) for key, rate in result.steps.items()],
        "receptions": stats.receptions(agency, start, end),
    }
    return render(request, "feedback/stats.html", context)


def _saved(
    request: HttpRequest, form: ModelForm[Any], allowed: bool, save: Callable[[Any], Any], message: str, then: str
) -> HttpResponse | None:
    """A register's form (a reception, a template) posted: 403 unless `allowed`; when valid, the
    unsaved object goes to the service `save`, the user is told `message` and sent to `then`.
    None when there is nothing to save (the page shows the form, with its errors)."""
    if request.method != "POST":
        return None
    access.require(allowed)
    if not form.is_valid():
        return None
    save(form.save(commit=False))
    messages.success(request, message)
    return redirect(then)


@login_required
def receptions(request):
    agency = current_agency_or_404(request)
    start, end = _period(request)
    form = ReceptionForm(request.POST or None)
    can_record = access.can_receive(request.user, agency)

    def record(session: ReceptionSession) -> ReceptionSession:
        return services.record_reception(agency=agency, actor=request.user, session=session)

    saved = _saved(request, form, can_record, record, _("Reception recorded."), "feedback:receptions")
    if saved is not None:
        return saved
    sessions = ReceptionSession.objects.filter(agency=agency, held_on__range=(start, end))
    context = {
        "form": form,
        "page": Paginator(sessions, 30).get_page(request.GET.get("page")),
        "start": start,
        "end": end,
        "totals": stats.receptions(agency, start, end),
        "can_record": can_record,
    }
    return render(request, "feedback/receptions.html", context)


@login_required
def templates(request):
    agency = current_agency_or_404(request)
    form = TemplateForm(request.POST or None)
    can_edit = access.can_publish(request.user, agency)
    context = {"form": form, "templates": Template.objects.filter(agency=agency), "can_edit": can_edit}

    def keep(template: Template) -> Template:
        return services.save_template(agency=agency, actor=request.user, template=template)

    saved = _saved(request, form, can_edit, keep, _("Template saved."), "feedback:templates")
    if saved is not None:
        return saved
    return render(request, "feedback/templates.html", context)


@login_required
@require_POST
def delete_template(request, pk):
    agency = current_agency_or_404(request)
    access.require(access.can_publish(request.user, agency))
    services.delete_template(agency=agency, actor=request.user, pk=pk)
    messages.success(request, _("Template deleted."))
    return redirect("feedback:templates")
