"""The counter's pages: reception, the dossier's page with its steps, and the paper forms (Mẫu 01,
02, 03, 04, 06) as Word files and as print pages.

A step's form with an error, or a step refused for what was typed (services.InputRefused), shows
the dossier's page again with everything typed kept (status 400); a step the dossier's state no
longer allows is a message on the dossier's page (core.web.refuses_politely)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.models import Agency
from core.services import history_for, load_calendar
from core.web import DOCX, XLSX, download, refuses_politely
from procedures import documents, services
from procedures.access import can_handle, can_receive, can_receive_for, get_dossier_for_user, units_handled_by
from procedures.forms import (
    ApologyForm,
    CounterForm,
    FinishForm,
    HandoverForm,
    StepForm,
    SupplementForm,
    holder_of,
    people_of,
)
from procedures.models import Dossier, DossierStatus, SupplementRequest

# Reception ---------------------------------------------------------------------------------------


@login_required
def receive(request: HttpRequest) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    if not can_receive(request.user, agency):
        raise PermissionDenied
    units = units_handled_by(request.user, agency)
    form = CounterForm(request.POST or None, agency=agency, units=units, procedure=request.GET.get("procedure"))
    if request.headers.get("HX-Request") and request.method == "GET":  # the procedure's checklist
        return render(request, "procedures/receive.html#checklist", {"form": form})
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
        due = (
            f"{dossier.due_date:%d/%m/%Y}"
            if dossier.due_time is None
            else f"{dossier.due_time:%H:%M} {dossier.due_date:%d/%m/%Y}"
        )
        messages.success(request, _("Dossier %(code)s received; due %(date)s.") % {"code": dossier.code, "date": due})
        return redirect("procedures:dossier", pk=dossier.pk)
    return render(request, "procedures/receive.html", {"form": form, "agency": agency})


# The dossier's page and its steps ------------------------------------------------------------------

# the page's slot of each step's form
SLOTS = {
    HandoverForm: "handover_form",
    SupplementForm: "supplement_form",
    FinishForm: "finish_form",
    ApologyForm: "apology_form",
}


def paper_forms(dossier: Dossier, *, handle: bool) -> list[dict[str, Any]]:
    """The paper forms the dossier has now, each with its print page and its Word file."""
    pk = dossier.pk
    out = []
    if handle:  # Mẫu 01 carries the citizen's single-use survey link: the counter roles only
        out.append(_paper("Mẫu 01", _("Receipt and appointment slip"), "print_receipt", "receipt", pk))
    for request in dossier.supplements.all():
        out.append(
            {
                **_paper("Mẫu 02", _("Supplement request slip"), "print_supplement", "supplement_docx", pk, request.pk),
                "when": request.requested_at,
            }
        )
    if dossier.status == DossierStatus.REJECTED:
        out.append(_paper("Mẫu 03", _("Refusal slip"), "print_refusal", "refusal_docx", pk))
    if dossier.apology_date is not None:
        out.append(_paper("Mẫu 04", _("Apology letter"), "print_apology", "apology_docx", pk))
    out.append(_paper("Mẫu 06", _("Control slip"), "print_control", "control_docx", pk))
    return out


def _paper(form: str, name: str, print_view: str, word_view: str, *args: int) -> dict[str, Any]:
    return {
        "form": form,
        "name": name,
        "print": reverse(f"procedures:{print_view}", args=args),
        "word": reverse(f"procedures:{word_view}", args=args),
    }


def _finish_form(dossier: Dossier) -> FinishForm:
    """The end step offering only the outcomes the dossier's state allows (waiting for a
    supplement: stopped or withdrawn; a result or a refusal once the applicant has completed it)."""
    form = FinishForm(initial={"e_result": dossier.e_result, "digitized": dossier.digitized})
    allowed = services.TRANSITIONS.get(dossier.status, set())
    form.fields["outcome"].choices = [c for c in FinishForm.OUTCOMES if not c[0] or c[0] in allowed]  # type: ignore[attr-defined]
    return form


def _page(request: HttpRequest, agency: Agency, dossier: Dossier, *, bound: StepForm | None = None) -> HttpResponseBase:
    cal = load_calendar()
    today = timezone.localdate()
    handle = can_handle(request.user, dossier)
    new_date = cal.add_working_days(max(dossier.due_date, today), 3)
    handovers = list(dossier.handovers.select_related("to_unit"))
    people = people_of(agency)
    giver = holder_of(dossier, request.user, handovers=handovers, people=people)
    context = {
        "d": dossier,
        "handle": handle,
        "handovers": handovers,
        "supplements": dossier.supplements.all(),
        "history": history_for(dossier).select_related("actor")[:50],
        "due": services.due_shown(dossier),
        "apology_deadline": services.apology_deadline(dossier, cal),
        "at_risk": services.is_at_risk(dossier, today=today, cal=cal),
        "overdue": dossier.is_open and dossier.due_date < today,
        "handover_form": HandoverForm(agency=agency, people=people, initial={"giver": giver}),
        "supplement_form": SupplementForm(initial={"missing": "\n".join(dossier.missing_documents())}),
        "finish_form": _finish_form(dossier),
        "apology_form": ApologyForm(initial={"new_date": new_date}),
        "papers": paper_forms(dossier, handle=handle),
        "addressee": documents.addressee(dossier) if dossier.applicant_name else "",
        "status_url": documents.status_url(dossier),
        "bound": type(bound).__name__ if bound is not None else "",
        # the single-use survey link is printed on the receipt only, never shown on a page
    }
    if bound is not None:
        context[SLOTS[type(bound)]] = bound
    return render(request, "procedures/dossier_detail.html", context, status=400 if bound is not None else 200)


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = current_agency_or_404(request)
    return _page(request, agency, get_dossier_for_user(request.user, agency, pk))


def _dossier_url(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("procedures:dossier", args=[kwargs["pk"]])


Step = Callable[[HttpRequest, Dossier, dict[str, Any]], object]
View = Callable[..., HttpResponseBase]


def dossier_step(form_class: type[StepForm] | None, done: str | Promise) -> Callable[[Step], View]:
    """The shape of every step on a dossier's page (a POST to its own URL): the dossier (404 when
    unseen, 403 when the user may not handle it), the step's form, the step itself (one service
    call, given the form's cleaned data), the message `done`, back to the dossier. A form with
    errors, or a step refused for what was typed (InputRefused), shows the page again with the
    typed values kept; a step the dossier's state refuses is a message on the dossier."""

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
                messages.error(request, _("The form has errors (shown beside the fields); what you typed is kept."))
                return _page(request, agency, dossier, bound=form)
            try:
                result = step(request, dossier, form.cleaned_data if form is not None else {})
            except services.InputRefused as refused:
                if form is None:
                    raise
                messages.error(request, str(refused))
                dossier.refresh_from_db()
                return _page(request, agency, dossier, bound=form)
            messages.success(request, str(result or done))
            return redirect("procedures:dossier", pk=pk)

        return view

    return decorate


@dossier_step(HandoverForm, gettext_lazy("Hand-over recorded."))
def handover(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    # the giver left empty: the person holding the dossier (forms.holder_of)
    if not data.get("giver"):
        handovers = list(dossier.handovers.all())
        people = people_of(dossier.agency)
        data = {**data, "giver": holder_of(dossier, request.user, handovers=handovers, people=people)}
    services.hand_over(dossier=dossier, actor=request.user, **data)


@dossier_step(SupplementForm, gettext_lazy("Supplement request recorded: the clock is paused."))
def supplement(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> str:
    services.request_supplement(dossier=dossier, actor=request.user, **data)
    return _("Supplement request recorded: the clock is paused. Print the request slip (Mẫu 02) for the applicant.")


@dossier_step(None, gettext_lazy("Supplement received: the clock runs again."))
def supplement_done(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.complete_supplement(dossier=dossier, actor=request.user)


FINISHED = {
    "finished": gettext_lazy("Processing ended: result issued. Return it to the applicant when they collect it."),
    "rejected": gettext_lazy("Processing ended: dossier refused. Print the refusal slip (Mẫu 03) for the applicant."),
    "stopped": gettext_lazy("Processing ended: stopped at the applicant's request."),
    "withdrawn": gettext_lazy("Processing ended: dossier withdrawn."),
}


@dossier_step(FinishForm, gettext_lazy("Dossier closed."))
def finish(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> str:
    # the result's flags are set by issuing the result, not by a refusal
    flags = {"e_result": data["e_result"], "digitized": data["digitized"]} if data["outcome"] == "finished" else {}
    services.finish(dossier=dossier, actor=request.user, outcome=data["outcome"], note=data["note"], flags=flags)
    return str(FINISHED[data["outcome"]])


@dossier_step(None, gettext_lazy("Result returned to the applicant."))
def return_result(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.return_result(dossier=dossier, actor=request.user)


@dossier_step(ApologyForm, gettext_lazy("Apology recorded: print the letter (Mẫu 04) for the applicant."))
def apology(request: HttpRequest, dossier: Dossier, data: dict[str, Any]) -> None:
    services.apologise(dossier=dossier, actor=request.user, cal=load_calendar(), **data)


# Paper forms ---------------------------------------------------------------------------------------


def _dossier(request: HttpRequest, pk: int, *, handle: bool = False) -> Dossier:
    return get_dossier_for_user(request.user, current_agency_or_404(request), pk, handle=handle)


def _printed(request: HttpRequest, dossier: Dossier, form: documents.PaperForm, word: str) -> HttpResponseBase:
    context = {"d": dossier, "f": form, "word": word, "back": reverse("procedures:dossier", args=[dossier.pk])}
    return render(request, "procedures/print_form.html", context)


def _word(form: documents.PaperForm) -> HttpResponseBase:
    return download(documents.docx(form), f"{form.filename}.docx", DOCX)


@login_required
def receipt_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Mẫu 01 carries the citizen's single-use survey link: only the counter roles (those who may
    handle the dossier) print it, never the read-only roles; every print is audited
    (services.log_receipt_print)."""
    dossier = _dossier(request, pk, handle=True)
    data = services.print_receipt(dossier=dossier, actor=request.user)
    return download(data, f"mau-01-{dossier.code}.docx", DOCX)


@login_required
def print_receipt(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _dossier(request, pk, handle=True)
    form = documents.receipt_form(dossier)
    services.log_receipt_print(dossier=dossier, actor=request.user, kind=_("print page"))
    return _printed(request, dossier, form, reverse("procedures:receipt", args=[pk]))


def _supplement(request: HttpRequest, pk: int, request_id: int) -> SupplementRequest:
    dossier = _dossier(request, pk)
    supplement_request = get_object_or_404(
        SupplementRequest.objects.select_related("requested_by"), pk=request_id, dossier=dossier
    )
    supplement_request.dossier = dossier
    return supplement_request


@login_required
def supplement_docx(request: HttpRequest, pk: int, request_id: int) -> HttpResponseBase:
    return _word(documents.supplement_form(_supplement(request, pk, request_id)))


@login_required
def print_supplement(request: HttpRequest, pk: int, request_id: int) -> HttpResponseBase:
    supplement_request = _supplement(request, pk, request_id)
    word = reverse("procedures:supplement_docx", args=[pk, request_id])
    return _printed(request, supplement_request.dossier, documents.supplement_form(supplement_request), word)


def _refused(request: HttpRequest, pk: int) -> Dossier:
    dossier = _dossier(request, pk)
    if dossier.status != DossierStatus.REJECTED:
        raise Http404
    return dossier


@login_required
def refusal_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _word(documents.refusal_form(_refused(request, pk)))


@login_required
def print_refusal(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _refused(request, pk)
    return _printed(request, dossier, documents.refusal_form(dossier), reverse("procedures:refusal_docx", args=[pk]))


def _apologised(request: HttpRequest, pk: int) -> Dossier:
    dossier = _dossier(request, pk)
    if dossier.apology_date is None:
        raise Http404
    return dossier


@login_required
def apology_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _word(documents.apology_form(_apologised(request, pk)))


@login_required
def print_apology(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _apologised(request, pk)
    return _printed(request, dossier, documents.apology_form(dossier), reverse("procedures:apology_docx", args=[pk]))


@login_required
def control_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _word(documents.control_form(_dossier(request, pk)))


@login_required
def print_control(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _dossier(request, pk)
    return _printed(request, dossier, documents.control_form(dossier), reverse("procedures:control_docx", args=[pk]))


@login_required
def control_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = _dossier(request, pk)
    return download(documents.control_slip(dossier), f"mau-06-{dossier.code}.xlsx", XLSX)
