from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency_or_404, documents_visible_to, scope_for
from core.forms import DocumentForm
from core.models import Agency, Unit, User
from core.services import history_for, load_calendar
from core.text import fold
from core.views import get_document_for_user, handle_document_upload
from plans import excel, services
from plans.access import can, get_plan_for_user, get_task_for_user, tasks_visible_to
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
from plans.importing import ERROR_MESSAGES, commit_import, preview
from plans.models import Inspection, Obstacle, Occurrence, Plan, Task, TaskStatus
from plans.selectors import (
    FLAG_KEYS,
    Thresholds,
    filter_flag,
    grouped,
    summary,
    task_flags,
    totals,
    year_end,
)
from plans.templatetags.plan_ui import FLAG_LABELS

SORTS = {
    "code": "code",
    "deadline": "next_due",
    "progress": "progress",
    "unit": "lead_unit__name",
    "status": "status",
    "updated": "last_update_at",
}


def refuses_politely(view):
    """A step the task's state no longer allows (e.g. approved by someone else a moment ago)
    becomes a message on the page the user came from, not an error page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            back = request.headers.get("Referer", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
                back = reverse("plans:dashboard")
            return redirect(back)

    return wrapper


def _context_today():
    cal = load_calendar()
    today = timezone.localdate()
    return today, cal, Thresholds.compute(today, cal)


@login_required
def dashboard(request):
    agency = current_agency_or_404(request)
    today, cal, t = _context_today()
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


def _filtered_tasks(request, base, t):
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
    today, cal, t = _context_today()
    base = tasks_visible_to(request.user).filter(agency=agency)
    if mine:
        scope = scope_for(request.user)
        my_units = scope.units_with("officer", "unit_head")
        base = base.filter(
            Q(assignees=request.user) | Q(lead_unit_id__in=my_units) | Q(coordinating_units__in=my_units)
        )
    tasks = _filtered_tasks(request, base.distinct(), t)
    if request.GET.get("export") == "xlsx":
        return _export(tasks, t)
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


def _export(tasks, t):
    labels = dict(TaskStatus.choices)
    rows = (
        [
            task.code,
            task.section.code if task.section else "",
            task.title,
            task.lead_unit.name,
            ", ".join(u.code for u in task.coordinating_units.all()),
            task.start_date,
            task.deadline,
            task.get_recurrence_display() if task.recurrence else "",
            task.expected_product,
            task.target,
            str(labels[task.status]),
            task.progress,
            task.next_due,
            task.evidence_count,
            ", ".join(str(FLAG_LABELS[f]) for f in task_flags(task, t)),
            timezone.localtime(task.last_update_at) if task.last_update_at else None,
        ]
        for task in tasks.prefetch_related("coordinating_units")
    )
    response = HttpResponse(excel.export_tasks(rows), content_type=excel_mime())
    response["Content-Disposition"] = 'attachment; filename="nhiem-vu.xlsx"'
    return response


def excel_mime():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    today, cal, t = _context_today()
    perms = {
        action: can(request.user, action, task) for action in ("report", "approve", "obstacle", "comment", "manage")
    }
    evidence = list(task.evidence_links.select_related("document").prefetch_related("document__versions"))
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
        "library": documents_visible_to(request.user)
        .filter(agency=task.agency)
        .exclude(task_links__task=task)
        .order_by("-created_at")[:100]
        if perms["report"]
        else [],
    }
    return render(request, "plans/task_detail.html", context)


@login_required
@require_POST
@refuses_politely
def post_progress(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    form = ProgressForm(request.POST)
    if task.is_closed:
        form.add_error(None, _("This task is closed."))
    if form.is_valid():
        today, cal, _t = _context_today()
        services.post_progress(
            actor=request.user,
            task=task,
            today=today,
            cal=cal,
            can_approve=can(request.user, "approve", task),
            **form.cleaned_data,
        )
        messages.success(request, _("Progress saved."))
        return _redirect_to_task(request, pk)
    if not request.headers.get("HX-Request"):
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("plans:task_detail", pk=pk)
    # htmx swaps only 2xx responses: the form with its errors comes back with 200.
    return render(request, "plans/task_detail.html#progress-form", {"task": task, "progress_form": form})


def _redirect_to_task(request, pk: int):
    url = reverse("plans:task_detail", args=[pk])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
@refuses_politely
def approve(request, pk: int):
    task = get_task_for_user(request.user, pk, action="approve")
    if task.completion_requested_at is None or task.is_closed:
        messages.error(request, _("There is no completion to approve."))
    else:
        today, cal, _t = _context_today()
        services.approve_completion(actor=request.user, task=task, today=today, cal=cal)
        messages.success(request, _("Completion approved."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def return_task(request, pk: int):
    task = get_task_for_user(request.user, pk, action="approve")
    form = ReasonForm(request.POST)
    if form.is_valid() and task.completion_requested_at and not task.is_closed:
        today, cal, _t = _context_today()
        services.return_for_rework(
            actor=request.user, task=task, reason=form.cleaned_data["reason"], today=today, cal=cal
        )
        messages.success(request, _("Returned to the unit for rework."))
    else:
        messages.error(request, _("Give a reason to return the task."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def cancel(request, pk: int):
    task = get_task_for_user(request.user, pk, action="manage")
    form = ReasonForm(request.POST)
    if task.is_closed:
        messages.error(request, _("This task is closed."))
    elif form.is_valid():
        today, cal, _t = _context_today()
        services.cancel_task(actor=request.user, task=task, reason=form.cleaned_data["reason"], today=today, cal=cal)
        messages.success(request, _("Task cancelled."))
    else:
        messages.error(request, _("Give a reason to cancel the task."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@refuses_politely
def edit_task(request, pk: int):
    task = get_task_for_user(request.user, pk, action="manage")
    if task.is_closed:
        messages.error(request, _("This task is closed."))
        return redirect("plans:task_detail", pk=pk)
    form = TaskForm(request.POST or None, instance=task, agency=task.agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        today, cal, _t = _context_today()
        fresh = Task.objects.get(pk=task.pk)
        services.update_task(
            actor=request.user, task=fresh, data=data, today=today, cal=cal, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(request, _("Task saved."))
        return redirect("plans:task_detail", pk=pk)
    return render(request, "plans/task_form.html", {"form": form, "task": task}, status=400 if form.errors else 200)


@login_required
@refuses_politely
def new_task(request, pk: int):
    plan = get_plan_for_user(request.user, pk, manage=True)
    form = NewTaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        today, cal, _t = _context_today()
        task = services.create_task(actor=request.user, plan=plan, data=data, today=today, cal=cal)
        messages.success(request, _("Task created."))
        return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


@login_required
@require_POST
@refuses_politely
def add_obstacle(request, pk: int):
    task = get_task_for_user(request.user, pk, action="obstacle")
    form = ObstacleForm(request.POST)
    if form.is_valid():
        services.report_obstacle(actor=request.user, task=task, **form.cleaned_data)
        messages.success(request, _("Obstacle reported to the leaders."))
    else:
        messages.error(request, _("Describe the obstacle."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def resolve_obstacle(request, pk: int):
    obstacle = get_object_or_404(Obstacle, pk=pk)
    task = get_task_for_user(request.user, obstacle.task_id)
    if not scope_for(request.user).is_manager(task.agency_id):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if obstacle.status != Obstacle.Status.OPEN:
        messages.error(request, _("A direction was already recorded."))
    elif form.is_valid():
        services.resolve_obstacle(actor=request.user, obstacle=obstacle, response=form.cleaned_data["response"])
        messages.success(request, _("Direction recorded."))
    else:
        messages.error(request, _("Write the direction."))
    return redirect("plans:task_detail", pk=task.pk)


@login_required
@require_POST
def add_comment(request, pk: int):
    task = get_task_for_user(request.user, pk, action="comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(actor=request.user, task=task, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("The comment is empty."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def upload_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    form, document = handle_document_upload(request, task.agency, task.lead_unit)
    if document is None:
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
        )
        messages.error(request, _("The evidence was not saved: %(errors)s") % {"errors": errors})
        return redirect("plans:task_detail", pk=pk)
    today, cal, _t = _context_today()
    services.link_evidence(actor=request.user, task=task, document=document, today=today, cal=cal)
    messages.success(request, _("Evidence saved and linked to the task."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def link_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_document_for_user(request.user, int(request.POST.get("document") or 0))
    today, cal, _t = _context_today()
    try:
        services.link_evidence(actor=request.user, task=task, document=document, today=today, cal=cal)
    except ValueError as exc:
        raise Http404 from exc
    messages.success(request, _("Evidence linked to the task."))
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def unlink_evidence(request, pk: int, document_id: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_document_for_user(request.user, document_id)
    today, cal, _t = _context_today()
    services.unlink_evidence(actor=request.user, task=task, document=document, today=today, cal=cal)
    return redirect("plans:task_detail", pk=pk)


@login_required
@require_POST
@refuses_politely
def occurrence_done(request, pk: int):
    occurrence = get_object_or_404(Occurrence, pk=pk)
    task = get_task_for_user(request.user, occurrence.task_id, action="report")
    if task.is_closed:
        messages.error(request, _("This task is closed."))
    elif occurrence.done_on is None:
        today, cal, _t = _context_today()
        services.complete_occurrence(
            actor=request.user, occurrence=occurrence, today=today, cal=cal, note=request.POST.get("note", "")[:2000]
        )
        messages.success(request, _("Period marked as done."))
    return redirect("plans:task_detail", pk=occurrence.task_id)


@login_required
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    sections = plan.sections.all()
    visible = tasks_visible_to(request.user).filter(plan=plan)
    tasks = visible.select_related("lead_unit", "section").order_by("section__order", "code")
    today, cal, t = _context_today()
    by_section: dict = {}
    for task in tasks:
        task.flags = task_flags(task, t)
        by_section.setdefault(task.section_id, []).append(task)
    tree = [(s, by_section.get(s.pk, [])) for s in sections]
    if None in by_section:  # tasks added without a section (Excel, new task form)
        tree.append((None, by_section[None]))
    context = {
        "plan": plan,
        "tree": tree,
        "summary": summary(tasks, t),
        "can_manage": scope_for(request.user).is_manager(plan.agency_id),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def import_template(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    codes = list(Unit.objects.filter(agency=plan.agency).values_list("code", flat=True))
    response = HttpResponse(excel.template_workbook(codes), content_type=excel_mime())
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ke-hoach.xlsx"'
    return response


@login_required
def import_plan(request, pk: int):
    """Upload -> checked preview (nothing saved) -> confirm (all rows or none)."""
    plan = get_plan_for_user(request.user, pk, manage=True)
    uploading = request.method == "POST" and "token" not in request.POST
    form = ImportForm(request.POST, request.FILES) if uploading else ImportForm()
    context = {"plan": plan, "form": form, "error_messages": ERROR_MESSAGES}
    purpose = f"plan:{plan.pk}"
    if request.method == "POST" and "token" in request.POST:
        data = uploads.release(request, request.POST["token"], purpose=purpose)
        if data is None:
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("plans:import", pk=pk)
        today, cal, _t = _context_today()
        context["parsed"] = commit_import(actor=request.user, plan=plan, data=data, today=today, cal=cal)
        if not context["parsed"].errors:
            messages.success(request, _("%(n)s tasks imported.") % {"n": len(context["parsed"].rows)})
            return redirect("plans:plan_detail", pk=pk)
    elif uploading and form.is_valid():
        data = form.cleaned_data["file"].read()
        context["parsed"] = preview(plan=plan, data=data)
        if context["parsed"].ok:
            context["token"] = uploads.hold(request, data, purpose=purpose)
    failed = bool(context.get("parsed") and context["parsed"].errors) or bool(form.errors)
    return render(request, "plans/import.html", context, status=400 if failed else 200)


@login_required
def province_dashboard(request):
    scope = scope_for(request.user)
    province_ids = scope.province_appraiser_of()
    if not scope.is_superuser and not province_ids:
        raise Http404
    today, cal, t = _context_today()
    tasks = Task.objects.all() if scope.is_superuser else Task.objects.filter(agency__province_id__in=province_ids)
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
    items = Inspection.objects.filter(agency=agency).select_related("inspected_unit")
    form = InspectionForm(request.POST or None, agency=agency)
    if request.method == "POST":
        if not scope_for(request.user).is_manager(agency.pk):
            raise PermissionDenied
        if form.is_valid():
            inspection = form.save(commit=False)
            inspection.agency = agency
            services.create_inspection(actor=request.user, inspection=inspection)
            return redirect("plans:inspection_detail", pk=inspection.pk)
    resolution = services.inspection_resolution([i.pk for i in items])
    for item in items:
        item.resolved, item.total = resolution.get(item.pk, (0, 0))
    context = {"items": items, "form": form, "can_manage": scope_for(request.user).is_manager(agency.pk)}
    return render(request, "plans/inspections.html", context)


@login_required
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.select_related("agency", "inspected_unit"), pk=pk)
    scope = scope_for(request.user)
    if not scope.can_view_agency(inspection.agency_id):
        raise Http404
    form = FindingForm(request.POST or None)
    if request.method == "POST":
        if not scope.is_manager(inspection.agency_id):
            raise PermissionDenied
        plan = Plan.objects.filter(agency=inspection.agency).order_by("-year").first()
        if plan is None:
            form.add_error(None, _("The agency has no plan to hold remediation tasks."))
        elif form.is_valid():
            today, cal, _t = _context_today()
            services.add_finding(
                actor=request.user, inspection=inspection, plan=plan, today=today, cal=cal, **form.cleaned_data
            )
            return redirect("plans:inspection_detail", pk=pk)
    findings = list(inspection.findings.select_related("remediation_task__lead_unit"))
    visible = set(tasks_visible_to(request.user).filter(finding__inspection=inspection).values_list("pk", flat=True))
    for finding in findings:  # other units' remediation tasks show as a status only, without a link
        finding.task_visible = finding.remediation_task_id in visible
    resolved, total = services.inspection_resolution([pk]).get(pk, (0, 0))
    return render(
        request,
        "plans/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "form": form,
            "resolved": resolved,
            "total": total,
            "share": round(100 * resolved / total) if total else None,
            "can_manage": scope.is_manager(inspection.agency_id),
        },
    )
