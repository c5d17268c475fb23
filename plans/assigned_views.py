"""Pages of the register of tasks assigned by the province (issue 22): the register with its
on-time figures, a task and its steps (report done, reopen, withdraw), entry by hand, changes,
and the Excel import (upload -> checked preview -> confirm, all rows or none)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency_or_404
from core.files import FileRejected
from core.services import create_document, history_for
from core.text import small_int
from core.web import XLSX, download, parse_date, refuses_politely
from plans import assigned
from plans.access import (
    assigned_tasks_visible_to,
    can_edit_assigned,
    can_report_assigned,
    get_assigned_task_for_user,
)
from plans.assigned_file import read_assigned, template_workbook
from plans.assigned_forms import AssignedImportForm, AssignedReasonForm, AssignedTaskForm, CompleteForm
from plans.models import AssignedTask


def _task_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("plans:assigned_detail", args=[kwargs["pk"]])


@login_required
def assigned_list(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    today = timezone.localdate()
    base = assigned_tasks_visible_to(request.user).filter(agency=agency)
    p = request.GET
    tasks = assigned.register(
        base.select_related("lead_unit"),
        today=today,
        status=p.get("status", ""),
        issuer=p.get("issuer", ""),
        unit=small_int(p.get("unit")) or None,
        due_from=parse_date(p.get("due_from")),
        due_to=parse_date(p.get("due_to")),
        flag=p.get("flag", ""),
        q=p.get("q", ""),
    ).order_by("due_date", "code")
    year = small_int(p.get("year"), today.year) or today.year
    kind = p.get("period") if p.get("period") in assigned.PERIODS else "quarter"
    page = Paginator(tasks, 50).get_page(p.get("page"))
    for task in page:
        task.state = assigned.state_of(task, today)
    context = {
        "page": page,
        "figures": assigned.on_time_by_period(assigned.assigned_by_province(base), year=year, kind=kind, today=today),
        "year": year,
        "kind": kind,
        "today": today,
        "params": p,
        "units": assigned.unit_choices(agency),
        "statuses": AssignedTask.Status.choices,
        "issuers": AssignedTask.Issuer.choices,
        "can_edit": can_edit_assigned(request.user, agency),
    }
    return render(request, "plans/assigned_list.html", context)


def _detail(request: HttpRequest, task: AssignedTask, status: int = 200, **forms: Any) -> HttpResponse:
    may_report = can_report_assigned(request.user, task)
    task.state = assigned.state_of(task, timezone.localdate())
    context = {
        "task": task,
        "can_edit": can_edit_assigned(request.user, task),
        "can_report": may_report and task.status != AssignedTask.Status.WITHDRAWN,
        "complete_form": forms.get("complete_form") or CompleteForm(user=request.user, task=task),
        "reason_form": forms.get("reason_form") or AssignedReasonForm(),
        "history": history_for(task)[:50],
    }
    return render(request, "plans/assigned_detail.html", context, status=status)


@login_required
def assigned_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_assigned_task_for_user(request.user, pk))


@login_required
def assigned_new(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    if not can_edit_assigned(request.user, agency):
        raise PermissionDenied
    form = AssignedTaskForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            task = assigned.create_assigned(
                actor=request.user, agency=agency, data=dict(form.cleaned_data), today=timezone.localdate()
            )
        except assigned.AssignedError as refused:  # the typed task stays on the page with why
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Task %(code)s entered in the register.") % {"code": task.code})
            return redirect("plans:assigned_detail", pk=task.pk)
    return render(request, "plans/assigned_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@refuses_politely(_task_page, referer=False)
def assigned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_assigned_task_for_user(request.user, pk, action="edit")
    form = AssignedTaskForm(request.POST or None, instance=task, agency=task.agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        fresh = AssignedTask.objects.get(pk=task.pk)
        reason = form.cleaned_data.get("reason", "")
        try:
            assigned.update_assigned(actor=request.user, task=fresh, data=data, today=timezone.localdate(), note=reason)
        except assigned.AssignedError as refused:  # the typed change stays on the page with why
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Task saved."))
            return redirect("plans:assigned_detail", pk=pk)
    context = {"form": form, "task": task}
    return render(request, "plans/assigned_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@refuses_politely(_task_page, referer=False)
def assigned_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_assigned_task_for_user(request.user, pk, action="report")
    form = CompleteForm(request.POST, request.FILES, user=request.user, task=task)
    if not form.is_valid():
        return _detail(request, task, status=400, complete_form=form)
    data = form.cleaned_data
    with transaction.atomic():
        documents = list(data["documents"])
        if data["file"]:
            try:
                documents.append(_report_document(request, task, data))
            except FileRejected as exc:
                form.add_error("file", str(exc))
                return _detail(request, task, status=400, complete_form=form)
        assigned.complete_assigned(
            actor=request.user,
            task=task,
            completed_on=data["completed_on"],
            report_number=data["report_number"],
            report_date=data["report_date"],
            documents=documents,
            note=data["note"],
            today=timezone.localdate(),
        )
    messages.success(request, _("Task %(code)s reported done.") % {"code": task.code})
    return redirect("plans:assigned_detail", pk=pk)


def _report_document(request: HttpRequest, task: AssignedTask, data: dict[str, Any]) -> Any:
    upload = data["file"]
    return create_document(
        actor=request.user,
        agency=task.agency,
        unit=task.lead_unit,
        fileobj=upload,
        filename=upload.name,
        abstract=_("Report on the task %(code)s") % {"code": task.code},
        doc_number=data["report_number"],
        issued_on=data["report_date"],
        issuer=task.agency.name,
    )


def _with_reason(request: HttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
    task = get_assigned_task_for_user(request.user, pk, action="edit")
    form = AssignedReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, task, status=400, reason_form=form)
    step(actor=request.user, task=task, reason=form.cleaned_data["reason"])
    messages.success(request, done)
    return redirect("plans:assigned_detail", pk=pk)


@login_required
@require_POST
@refuses_politely(_task_page, referer=False)
def assigned_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, assigned.reopen_assigned, _("The task is in progress again."))


@login_required
@require_POST
@refuses_politely(_task_page, referer=False)
def assigned_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, assigned.withdraw_assigned, _("The task is recorded as withdrawn."))


@login_required
def assigned_template(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    return download(template_workbook(agency), "mau-nhiem-vu-duoc-giao.xlsx", XLSX)


def _import_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    failed = bool(context.get("parsed") and context["parsed"].problems.total) or bool(context["form"].errors)
    return render(request, "plans/assigned_import.html", context, status=400 if failed else 200)


@login_required
def assigned_import(request: HttpRequest) -> HttpResponse:
    """Upload -> checked preview (nothing saved) -> confirm (all rows or none)."""
    agency = current_agency_or_404(request)
    if not can_edit_assigned(request.user, agency):
        raise PermissionDenied
    purpose = f"assigned:{agency.pk}"
    if request.method == "POST" and "token" in request.POST:
        data = uploads.release(request, request.POST["token"], purpose=purpose)
        if data is None:
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("plans:assigned_import")
        return _commit(request, agency, data)
    form = AssignedImportForm(request.POST, request.FILES) if request.method == "POST" else AssignedImportForm()
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data["file"].read()
        context["parsed"] = read_assigned(data, agency=agency)
        if context["parsed"].ok:
            context["token"] = uploads.hold(request, data, purpose=purpose)
    return _import_page(request, context)


def _commit(request: HttpRequest, agency: Any, data: bytes) -> HttpResponse:
    parsed = read_assigned(data, agency=agency)  # read again: the register may have changed since
    if not parsed.ok:
        return _import_page(request, {"form": AssignedImportForm(), "parsed": parsed})
    try:
        result = assigned.import_assigned(
            actor=request.user,
            agency=agency,
            rows=[(r.code, r.data) for r in parsed.rows],
            today=timezone.localdate(),
        )
    except assigned.AssignedError as exc:
        messages.error(request, str(exc))
        return redirect("plans:assigned_import")
    messages.success(
        request,
        _("%(created)s tasks added, %(updated)s updated, %(unchanged)s unchanged.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("plans:assigned_list")
