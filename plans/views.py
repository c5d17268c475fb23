"""Pages of plans and tasks. Each step: access helper (plans.access) -> form -> one keyword-only
service call -> message -> redirect; a step the object's state no longer allows (the service
raises WorkflowError) comes back as a message (core.web.refuses_politely)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency_or_404, documents_visible_to, get_document_for_user
from core.calendar import WorkingCalendar
from core.forms import DocumentForm
from core.models import Agency, Unit, User
from core.services import history_for, load_calendar
from core.text import fold
from core.views import handle_document_upload
from core.web import XLSX, download, refuses_politely
from plans import excel, services
from plans.access import (
    can,
    can_manage_inspections,
    can_manage_plan,
    get_evidence_for_task,
    get_inspection_for_user,
    get_obstacle_for_user,
    get_occurrence_for_user,
    get_plan_for_user,
    get_task_for_user,
    my_tasks,
    province_tasks_visible_to,
    task_permissions,
    tasks_visible_to,
)
from plans.forms import (
    CommentForm,
    FindingForm,
    ImportForm,
    InspectionForm,
    NewTaskForm,
    ObstacleForm,
    ProgressForm,
    ReasonForm,
    ResolveForm,
    TaskForm,
)
from plans.importing import commit_import, preview
from plans.models import Obstacle, Plan, Task, TaskStatus
from plans.selectors import (
    FLAG_KEYS,
    Thresholds,
    filter_flag,
    grouped,
    inspections_of,
    register_rows,
    remediation_links,
    summary,
    task_flags,
    totals,
    year_end,
)

SORTS = {
    "code": "code",
    "deadline": "next_due",
    "progress": "progress",
    "unit": "lead_unit__name",
    "status": "status",
    "updated": "last_update_at",
}


def _task_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("plans:task_detail", args=[kwargs["pk"]])


def _post_step(fallback: str | Callable[[HttpRequest, dict[str, Any]], str]) -> Callable[..., Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(require_POST(refuses_politely(fallback)(view)))

    return decorate


# A POST step of the workflow, for logged-in people; refused, it goes back to the page the user
# came from (else the task; for a step on an object of a task, an obstacle or a period, the
# dashboard).
task_step = _post_step(_task_page)
related_step = _post_step("plans:dashboard")


def _step(
    request: HttpRequest,
    pk: int,
    run: Callable[..., object],
    *,
    done: str = "",
    form: forms.Form | None = None,
    invalid: str = "",
) -> HttpResponse:
    """The end of a step on task `pk`: with a valid form (or none), the service call `run` takes
    the form's data and the user reads `done`; an invalid form reads `invalid`. Back to the task."""
    if form is None or form.is_valid():
        run(**(form.cleaned_data if form is not None else {}))
        if done:
            messages.success(request, done)
    else:
        messages.error(request, invalid)
    return redirect("plans:task_detail", pk=pk)


def _today() -> tuple[dt.date, WorkingCalendar]:
    return timezone.localdate(), load_calendar()


def _thresholds() -> Thresholds:
    return Thresholds.compute(*_today())


@login_required
def dashboard(request):
    agency = current_agency_or_404(request)
    t = _thresholds()
    tasks = tasks_visible_to(request.user).filter(agency=agency)
    units = {u.pk: u for u in Unit.objects.filter(agency=agency)}
    rows = [dict(r, unit=units.get(r["lead_unit"])) for r in grouped(tasks, t, "lead_unit")]
    lists = {
        key: filter_flag(tasks, key, t).select_related("lead_unit").order_by("next_due")[:8]
        for key in ("overdue", "at_risk", "awaiting_approval")
    }
    context = {
        "summary": totals(rows),
        "rows": rows,
        "lists": lists,
        "t": t,
        "obstacles": Obstacle.objects.filter(task__in=tasks, status="open").select_related("task")[:8],
        "plans": Plan.objects.filter(agency=agency),
    }
    return render(request, "plans/dashboard.html", context)


def _filtered_tasks(request: HttpRequest, base: QuerySet[Task], t: Thresholds) -> QuerySet[Task]:
    params = request.GET
    tasks = base.select_related("lead_unit", "section")
    if q := params.get("q", "").strip():
        for word in fold(q).split():
            tasks = tasks.filter(search_text__contains=word)
    if unit := params.get("unit"):
        tasks = tasks.filter(lead_unit_id=unit) if unit.isdigit() else tasks.none()
    if status := params.get("status"):
        tasks = tasks.filter(status=status)
    if flag := params.get("flag"):
        tasks = filter_flag(tasks, flag, t)
    if section := params.get("section"):
        tasks = tasks.filter(section__code=section)
    sort = params.get("sort", "code")
    order = SORTS.get(sort.lstrip("-"), "code")
    return tasks.order_by(("-" if sort.startswith("-") else "") + order, "code")


@login_required
def task_list(request, mine: bool = False):
    agency = current_agency_or_404(request)
    t = _thresholds()
    base = tasks_visible_to(request.user).filter(agency=agency)
    tasks = _filtered_tasks(request, (my_tasks(request.user, base) if mine else base).distinct(), t)
    if request.GET.get("export") == "xlsx":
        return download(excel.export_tasks(register_rows(tasks, t)), "nhiem-vu.xlsx", XLSX)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page:
        task.flags = task_flags(task, t)
    context = {
        "page": page,
        "mine": mine,
        "units": Unit.objects.filter(agency=agency),
        "statuses": TaskStatus.choices,
        "flags": FLAG_KEYS,
        "params": request.GET,
        "t": t,
    }
    template = "plans/_task_table.html" if request.headers.get("HX-Request") else "plans/task_list.html"
    return render(request, template, context)


@login_required
def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    perms, t = task_permissions(request.user, task), _thresholds()
    evidence = list(task.evidence_links.select_related("document").prefetch_related("document__versions"))
    library = documents_visible_to(request.user).filter(agency=task.agency).exclude(task_links__task=task)
    context = {
        "task": task,
        "perms": perms,
        "flags": task_flags(task, t),
        "t": t,
        "updates": task.updates.select_related("author")[:50],
        "obstacles": task.obstacles.select_related("reported_by", "resolved_by"),
        "comments": task.comments.select_related("author"),
        "evidence": evidence,
        "occurrences": task.occurrences.all(),
        # the task's own changes and new file versions of its evidence documents
        "history": history_for(task, *(link.document for link in evidence))[:100],
        "progress_form": ProgressForm(initial={"progress": task.progress}),
        "obstacle_form": ObstacleForm(),
        "comment_form": CommentForm(),
        "document_form": DocumentForm(),
        "reason_form": ReasonForm(),
        "resolve_form": ResolveForm(),
        "library": library.order_by("-created_at")[:100] if perms["report"] else [],
    }
    return render(request, "plans/task_detail.html", context)


@task_step
def post_progress(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    form = ProgressForm(request.POST)
    if task.is_closed:
        form.add_error(None, _("This task is closed."))
    if form.is_valid():
        today, cal = _today()
        can_approve = can(request.user, "approve", task)
        services.post_progress(
            actor=request.user, task=task, today=today, cal=cal, can_approve=can_approve, **form.cleaned_data
        )
        messages.success(request, _("Progress saved."))
        return _redirect_to_task(request, pk)
    if not request.headers.get("HX-Request"):
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("plans:task_detail", pk=pk)
    # htmx swaps only 2xx responses: the form with its errors comes back with 200.
    return render(request, "plans/task_detail.html#progress-form", {"task": task, "progress_form": form})


def _redirect_to_task(request: HttpRequest, pk: int) -> HttpResponse:
    url = reverse("plans:task_detail", args=[pk])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@task_step
def approve(request, pk: int):
    task = get_task_for_user(request.user, pk, action="approve")
    today, cal = _today()
    run = partial(services.approve_completion, actor=request.user, task=task, today=today, cal=cal)
    return _step(request, pk, run, done=_("Completion approved."))


@task_step
def return_task(request, pk: int):
    done, invalid = _("Returned to the unit for rework."), _("Give a reason to return the task.")
    return _with_reason(request, pk, "approve", services.return_for_rework, done=done, invalid=invalid)


@task_step
def cancel(request, pk: int):
    done, invalid = _("Task cancelled."), _("Give a reason to cancel the task.")
    return _with_reason(request, pk, "manage", services.cancel_task, done=done, invalid=invalid)


def _with_reason(request: HttpRequest, pk: int, action: str, service: Callable[..., Any], **said: str) -> HttpResponse:
    """A step on a task that needs a reason (return for rework, cancel), by who may `action`."""
    task = get_task_for_user(request.user, pk, action=action)
    today, cal = _today()
    run = partial(service, actor=request.user, task=task, today=today, cal=cal)
    return _step(request, pk, run, form=ReasonForm(request.POST), **said)


@task_step
def add_obstacle(request, pk: int):
    task = get_task_for_user(request.user, pk, action="obstacle")
    run = partial(services.report_obstacle, actor=request.user, task=task)
    form = ObstacleForm(request.POST)
    return _step(
        request, pk, run, form=form, done=_("Obstacle reported to the leaders."), invalid=_("Describe the obstacle.")
    )


@task_step
def add_comment(request, pk: int):
    task = get_task_for_user(request.user, pk, action="comment")
    run = partial(services.add_comment, actor=request.user, task=task)
    form = CommentForm(request.POST)
    return _step(request, pk, run, form=form, invalid=_("The comment is empty."))


@related_step
def resolve_obstacle(request, pk: int):
    obstacle = get_obstacle_for_user(request.user, pk, resolve=True)
    run = partial(services.resolve_obstacle, actor=request.user, obstacle=obstacle)
    form = ResolveForm(request.POST)
    return _step(
        request, obstacle.task_id, run, form=form, done=_("Direction recorded."), invalid=_("Write the direction.")
    )


@related_step
def occurrence_done(request, pk: int):
    occurrence = get_occurrence_for_user(request.user, pk)
    today, cal = _today()
    note = request.POST.get("note", "")[:2000]
    run = partial(
        services.complete_occurrence, actor=request.user, occurrence=occurrence, today=today, cal=cal, note=note
    )
    return _step(request, occurrence.task_id, run, done=_("Period marked as done."))


@task_step
def upload_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    form, document = handle_document_upload(request, task.agency, task.lead_unit)
    if document is None:
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
        )
        messages.error(request, _("The evidence was not saved: %(errors)s") % {"errors": errors})
        return redirect("plans:task_detail", pk=pk)
    today, cal = _today()
    run = partial(services.link_evidence, actor=request.user, task=task, document=document, today=today, cal=cal)
    return _step(request, pk, run, done=_("Evidence saved and linked to the task."))


@task_step
def link_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_evidence_for_task(request.user, task, int(request.POST.get("document") or 0))
    today, cal = _today()
    run = partial(services.link_evidence, actor=request.user, task=task, document=document, today=today, cal=cal)
    return _step(request, pk, run, done=_("Evidence linked to the task."))


@task_step
def unlink_evidence(request, pk: int, document_id: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_document_for_user(request.user, document_id)
    today, cal = _today()
    services.unlink_evidence(actor=request.user, task=task, document=document, today=today, cal=cal)
    return redirect("plans:task_detail", pk=pk)


@login_required
@refuses_politely(_task_page)
def edit_task(request, pk: int):
    task = get_task_for_user(request.user, pk, action="manage")
    if task.is_closed:
        messages.error(request, _("This task is closed."))
        return redirect("plans:task_detail", pk=pk)
    form = TaskForm(request.POST or None, instance=task, agency=task.agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        today, cal = _today()
        fresh = Task.objects.get(pk=task.pk)
        reason = form.cleaned_data.get("reason", "")
        services.update_task(actor=request.user, task=fresh, data=data, today=today, cal=cal, reason=reason)
        messages.success(request, _("Task saved."))
        return redirect("plans:task_detail", pk=pk)
    return render(request, "plans/task_form.html", {"form": form, "task": task}, status=400 if form.errors else 200)


@login_required
def new_task(request, pk: int):
    plan = get_plan_for_user(request.user, pk, manage=True)
    form = NewTaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        today, cal = _today()
        task = services.create_task(actor=request.user, plan=plan, data=dict(form.cleaned_data), today=today, cal=cal)
        messages.success(request, _("Task created."))
        return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


@login_required
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    visible = tasks_visible_to(request.user).filter(plan=plan)
    tasks = visible.select_related("lead_unit", "section").order_by("section__order", "code")
    t = _thresholds()
    by_section: dict[int | None, list[Task]] = {}
    for task in tasks:
        task.flags = task_flags(task, t)
        by_section.setdefault(task.section_id, []).append(task)
    tree: list[tuple[Any, list[Task]]] = [(s, by_section.get(s.pk, [])) for s in plan.sections.all()]
    if None in by_section:  # tasks added without a section (Excel, new task form)
        tree.append((None, by_section[None]))
    context = {
        "plan": plan,
        "tree": tree,
        "summary": summary(tasks, t),
        "can_manage": can_manage_plan(request.user, plan),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def import_template(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    codes = list(Unit.objects.filter(agency=plan.agency).values_list("code", flat=True))
    return download(excel.template_workbook(codes), "mau-nhap-ke-hoach.xlsx", XLSX)


def _import_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    failed = bool(context.get("parsed") and context["parsed"].errors) or bool(context["form"].errors)
    return render(request, "plans/import.html", context, status=400 if failed else 200)


@login_required
def import_plan(request, pk: int):
    """Upload -> checked preview (nothing saved) -> confirm (all rows or none)."""
    plan = get_plan_for_user(request.user, pk, manage=True)
    if request.method == "POST" and "token" in request.POST:
        return _confirm_import(request, plan)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context: dict[str, Any] = {"plan": plan, "form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data["file"].read()
        context["parsed"] = preview(plan=plan, data=data)
        if context["parsed"].ok:
            context["token"] = uploads.hold(request, data, purpose=f"plan:{plan.pk}")
    return _import_page(request, context)


def _confirm_import(request: HttpRequest, plan: Plan) -> HttpResponse:
    data = uploads.release(request, request.POST["token"], purpose=f"plan:{plan.pk}")
    if data is None:
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect("plans:import", pk=plan.pk)
    today, cal = _today()
    parsed = commit_import(actor=request.user, plan=plan, data=data, today=today, cal=cal)
    if parsed.errors:
        return _import_page(request, {"plan": plan, "form": ImportForm(), "parsed": parsed})
    messages.success(request, _("%(n)s tasks imported.") % {"n": len(parsed.rows)})
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
def province_dashboard(request):
    tasks = province_tasks_visible_to(request.user)
    t = _thresholds()
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=tasks.values("agency_id"))}
    rows = [dict(r, agency=agencies.get(r["agency"])) for r in grouped(tasks, t, "agency")]
    return render(request, "plans/province.html", {"rows": rows, "summary": totals(rows), "t": t})


@login_required
def obstacles(request):
    agency = current_agency_or_404(request)
    visible = tasks_visible_to(request.user).filter(agency=agency)
    items = Obstacle.objects.filter(task__in=visible).select_related("task", "task__lead_unit", "reported_by")
    return render(request, "plans/obstacles.html", {"items": items[:200]})


@login_required
def year_end_view(request):
    agency = current_agency_or_404(request)
    tasks = tasks_visible_to(request.user).filter(agency=agency)
    units = {u.pk: u for u in Unit.objects.filter(agency=agency)}
    by_unit = [dict(r, unit=units.get(r["lead_unit"])) for r in year_end(tasks, "lead_unit")]
    people = {u.pk: u for u in User.objects.filter(memberships__agency=agency).distinct()}
    by_person = [dict(r, person=people.get(r["assignees"])) for r in year_end(tasks, "assignees") if r["assignees"]]
    return render(request, "plans/year_end.html", {"by_unit": by_unit, "by_person": by_person})


@login_required
def inspections(request):
    agency = current_agency_or_404(request)
    can_manage = can_manage_inspections(request.user, agency)
    form = InspectionForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            inspection = form.save(commit=False)
            inspection.agency = agency
            services.create_inspection(actor=request.user, inspection=inspection)
            return redirect("plans:inspection_detail", pk=inspection.pk)
    context = {"items": inspections_of(agency), "form": form, "can_manage": can_manage}
    return render(request, "plans/inspections.html", context)


@login_required
def inspection_detail(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk, manage=request.method == "POST")
    form = FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        today, cal = _today()
        try:
            services.add_finding(actor=request.user, inspection=inspection, today=today, cal=cal, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("plans:inspection_detail", pk=pk)
    findings, resolved, total = remediation_links(inspection, tasks_visible_to(request.user))
    context = {
        "inspection": inspection,
        "findings": findings,
        "form": form,
        "resolved": resolved,
        "total": total,
        "share": round(100 * resolved / total) if total else None,
        "can_manage": can_manage_inspections(request.user, inspection.agency),
    }
    return render(request, "plans/inspection_detail.html", context)
