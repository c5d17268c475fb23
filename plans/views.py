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
from django.db import transaction
from django.db.models import Case, F, QuerySet, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.access import current_agency_or_404, documents_visible_to, get_document_for_user
from core.calendar import WorkingCalendar
from core.files import FileRejected
from core.forms import DocumentForm
from core.models import Agency, Document, Unit, User
from core.services import create_document, history_for, load_calendar
from core.text import fold
from core.views import handle_document_upload
from core.web import XLSX, download, refuses_politely
from plans import excel, services
from plans.access import (
    RELATIONS,
    can,
    can_direct_obstacles,
    can_manage_inspections,
    can_manage_plan,
    contributing_units,
    get_evidence_for_task,
    get_inspection_for_user,
    get_obstacle_for_user,
    get_occurrence_for_user,
    get_plan_for_user,
    get_task_for_user,
    my_tasks,
    province_tasks_visible_to,
    relation_counts,
    task_permissions,
    tasks_visible_to,
)
from plans.forms import (
    ApproveForm,
    CommentForm,
    ContributionForm,
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
from plans.models import CLOSED_STATUSES, Obstacle, Plan, Task, TaskStatus
from plans.plan_views import may_create_plan
from plans.selectors import (
    FLAG_KEYS,
    Thresholds,
    due_periods,
    filter_due,
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
    task: Task,
    run: Callable[..., object],
    *,
    done: str = "",
    form: forms.Form | None = None,
    name: str = "",
    invalid: str = "",
) -> HttpResponse:
    """The end of a step on `task`: with a valid form (or none), the service call `run` takes the
    form's data, the user reads `done` and goes back to the task. An invalid form comes back on
    the task page as context `name`, with what was typed and its errors (status 400), and
    `invalid` as a message."""
    if form is None or form.is_valid():
        run(**(form.cleaned_data if form is not None else {}))
        if done:
            messages.success(request, done)
        return redirect("plans:task_detail", pk=task.pk)
    if invalid:
        messages.error(request, invalid)
    return _render_task(request, task, status=400, **{name: form})


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
        "can_create_plan": may_create_plan(request.user, agency),
    }
    return render(request, "plans/dashboard.html", context)


def _filtered_tasks(request: HttpRequest, base: QuerySet[Task], t: Thresholds, *, mine: bool) -> QuerySet[Task]:
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
    tasks = filter_due(tasks, params.get("due", ""))
    if mine and "sort" not in params:  # "My tasks": open work first, the nearest due date first (D9)
        closed = Case(When(status__in=CLOSED_STATUSES, then=1), default=0)
        return tasks.order_by(closed, F("next_due").asc(nulls_last=True), "code")
    sort = params.get("sort", "code")
    order = SORTS.get(sort.lstrip("-"), "code")
    return tasks.order_by(("-" if sort.startswith("-") else "") + order, "code")


@login_required
def task_list(request, mine: bool = False):
    agency = current_agency_or_404(request)
    t = _thresholds()
    base = tasks_visible_to(request.user).filter(agency=agency)
    relation = request.GET.get("rel") if request.GET.get("rel") in RELATIONS else "mine"
    tasks = _filtered_tasks(request, my_tasks(request.user, base, relation) if mine else base, t, mine=mine)
    if request.GET.get("export") == "xlsx":
        return download(excel.export_tasks(register_rows(tasks, t)), "nhiem-vu.xlsx", XLSX)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page:
        task.flags = task_flags(task, t)
    context = {
        "page": page,
        "mine": mine,
        "relation": relation,
        "relation_tabs": _relation_tabs(request, base) if mine else [],
        "default_sort": "deadline" if mine else "code",  # "My tasks": the nearest due date first
        "units": Unit.objects.filter(agency=agency),
        "statuses": TaskStatus.choices,
        "flags": FLAG_KEYS,
        "periods": due_periods(base),
        "params": request.GET,
        "t": t,
    }
    template = "plans/_task_table.html" if request.headers.get("HX-Request") else "plans/task_list.html"
    return render(request, template, context)


RELATION_LABELS = {
    "mine": gettext_lazy("Mine"),
    "lead": gettext_lazy("Led by my unit"),
    "coordinating": gettext_lazy("Coordinated by my unit"),
    "unit": gettext_lazy("All of my unit's"),
}


def _relation_tabs(request: HttpRequest, base: QuerySet[Task]) -> list[tuple[str, Any, int]]:
    """The filters of "My tasks" as (key, label, how many tasks)."""
    counts = relation_counts(request.user, base)
    return [(key, RELATION_LABELS[key], counts[key]) for key in RELATIONS]


def _task_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    """What the task page shows, with every form empty (a step with errors puts its bound form in)."""
    perms, t = task_permissions(request.user, task), _thresholds()
    evidence = list(task.evidence_links.select_related("document").prefetch_related("document__versions"))
    library = documents_visible_to(request.user).filter(agency=task.agency).exclude(task_links__task=task)
    units = contributing_units(request.user, task) if perms["contribute"] else []
    return {
        "task": task,
        "perms": perms,
        "flags": task_flags(task, t),
        "t": t,
        "updates": task.updates.select_related("author")[:50],
        "obstacles": task.obstacles.select_related("reported_by", "resolved_by"),
        "comments": task.comments.select_related("author"),
        "evidence": evidence,
        "lacks_evidence": task.needs_evidence and not evidence,
        "contributions": task.contributions.select_related("unit", "updated_by").prefetch_related("documents"),
        "occurrences": task.occurrences.all(),
        # the task's own changes and new file versions of its evidence documents
        "history": history_for(task, *(link.document for link in evidence))[:100],
        "progress_form": ProgressForm(initial={"progress": task.progress}),
        "contribution_form": ContributionForm(units=units) if units else None,
        "contribution_document_form": DocumentForm(prefix="doc"),
        "obstacle_form": ObstacleForm(),
        "comment_form": CommentForm(),
        "document_form": DocumentForm(),
        "approve_form": ApproveForm(),
        "return_form": ReasonForm(auto_id="return_form_%s"),
        "cancel_form": ReasonForm(auto_id="cancel_form_%s"),
        "resolve_form": None,
        "library": library.order_by("-created_at")[:100] if perms["report"] else [],
        # what the task serves, read through the reverse relations (targets and scorecards sit
        # above plans: no import of theirs here)
        "served_targets": task.targets.order_by("plan_id", "order", "code"),
        "criteria_links": task.criteria_links.order_by("set_code", "code"),
    }


def _render_task(
    request: HttpRequest, task: Task, *, status: int = 200, template: str = "plans/task_detail.html", **forms: Any
) -> HttpResponse:
    """The task page (or one of its partials), with `forms` in place of the empty ones."""
    context = _task_context(request, task)
    context.update(forms)
    return render(request, template, context, status=status)


@login_required
def task_detail(request, pk: int):
    return _render_task(request, get_task_for_user(request.user, pk))


@task_step
def post_progress(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")  # the lead unit's (D10): 403 otherwise
    form, can_approve = ProgressForm(request.POST), can(request.user, "approve", task)
    if task.is_closed:
        form.add_error(None, _("This task is closed."))
    if form.is_valid() and form.cleaned_data["progress"] == 100 and services.lacks_evidence(task):
        if not can_approve:
            form.add_error(None, services.evidence_refusal(task))
        elif not form.cleaned_data["no_evidence_reason"]:
            form.add_error("no_evidence_reason", services.evidence_refusal(task, approver=True))
    if form.is_valid():
        today, cal = _today()
        services.post_progress(
            actor=request.user, task=task, today=today, cal=cal, can_approve=can_approve, **form.cleaned_data
        )
        messages.success(request, _("Progress saved."))
        return _redirect_to_task(request, pk)
    if not request.headers.get("HX-Request"):
        return _render_task(request, task, status=400, progress_form=form)
    # htmx swaps only 2xx responses: the form with its errors comes back with 200.
    return _render_task(request, task, template="plans/task_detail.html#progress-form", progress_form=form)


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
    return _step(
        request, task, run, form=ApproveForm(request.POST), name="approve_form", done=_("Completion approved.")
    )


@task_step
def return_task(request, pk: int):
    done, invalid = _("Returned to the unit for rework."), _("Give a reason to return the task.")
    return _with_reason(request, pk, "approve", services.return_for_rework, "return_form", done=done, invalid=invalid)


@task_step
def cancel(request, pk: int):
    done, invalid = _("Task cancelled."), _("Give a reason to cancel the task.")
    return _with_reason(request, pk, "manage", services.cancel_task, "cancel_form", done=done, invalid=invalid)


def _with_reason(
    request: HttpRequest, pk: int, action: str, service: Callable[..., Any], name: str, **said: str
) -> HttpResponse:
    """A step on a task that needs a reason (return for rework, cancel), by who may `action`."""
    task = get_task_for_user(request.user, pk, action=action)
    today, cal = _today()
    run = partial(service, actor=request.user, task=task, today=today, cal=cal)
    return _step(request, task, run, form=ReasonForm(request.POST, auto_id=f"{name}_%s"), name=name, **said)


@task_step
def add_obstacle(request, pk: int):
    task = get_task_for_user(request.user, pk, action="obstacle")
    run = partial(services.report_obstacle, actor=request.user, task=task)
    form, done = ObstacleForm(request.POST), _("Obstacle reported to the leaders.")
    return _step(request, task, run, form=form, name="obstacle_form", done=done, invalid=_("Describe the obstacle."))


@task_step
def add_comment(request, pk: int):
    task = get_task_for_user(request.user, pk, action="comment")
    run = partial(services.add_comment, actor=request.user, task=task)
    # D2: only an empty comment is called empty; a too long one says its length on the form
    empty = _("The comment is empty.") if not request.POST.get("text", "").strip() else ""
    form = CommentForm(request.POST)
    return _step(request, task, run, form=form, name="comment_form", done=_("Comment added."), invalid=empty)


@related_step
def resolve_obstacle(request, pk: int):
    """The direction on an obstacle, from the task page or from the obstacles page (`back`)."""
    obstacle = get_obstacle_for_user(request.user, pk, resolve=True)
    form = ResolveForm(request.POST, auto_id=f"ob{obstacle.pk}_%s")
    if form.is_valid():
        services.resolve_obstacle(actor=request.user, obstacle=obstacle, **form.cleaned_data)
        messages.success(request, _("Direction recorded."))
        if request.POST.get("back") == "obstacles":
            return redirect("plans:obstacles")
        return redirect("plans:task_detail", pk=obstacle.task_id)
    if not request.POST.get("response", "").strip():
        messages.error(request, _("Write the direction."))
    if request.POST.get("back") == "obstacles":
        return _obstacles_page(request, status=400, bound={obstacle.pk: form})
    return _render_task(request, obstacle.task, status=400, resolve_form=form, resolve_pk=obstacle.pk)


@related_step
def occurrence_done(request, pk: int):
    occurrence = get_occurrence_for_user(request.user, pk)
    today, cal = _today()
    note = request.POST.get("note", "")[:2000]
    run = partial(
        services.complete_occurrence, actor=request.user, occurrence=occurrence, today=today, cal=cal, note=note
    )
    return _step(request, occurrence.task, run, done=_("Period marked as done."))


@task_step
def upload_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    form, document = handle_document_upload(request, task.agency, task.lead_unit)
    if document is None:  # D3: every typed field is kept; the file has to be chosen again
        chosen = request.FILES.get("file")
        messages.error(request, _("The evidence was not saved: see the errors in the form."))
        return _render_task(request, task, status=400, document_form=form, chosen_file=chosen.name if chosen else "")
    today, cal = _today()
    run = partial(services.link_evidence, actor=request.user, task=task, document=document, today=today, cal=cal)
    return _step(request, task, run, done=_("Evidence saved and linked to the task."))


@task_step
def link_evidence(request, pk: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_evidence_for_task(request.user, task, int(request.POST.get("document") or 0))
    today, cal = _today()
    run = partial(services.link_evidence, actor=request.user, task=task, document=document, today=today, cal=cal)
    return _step(request, task, run, done=_("Evidence linked to the task."))


@task_step
def unlink_evidence(request, pk: int, document_id: int):
    task = get_task_for_user(request.user, pk, action="report")
    document = get_document_for_user(request.user, document_id)
    today, cal = _today()
    services.unlink_evidence(actor=request.user, task=task, document=document, today=today, cal=cal)
    messages.success(request, _("Evidence unlinked from the task."))
    return redirect("plans:task_detail", pk=pk)


@task_step
def report_contribution(request, pk: int):
    """A coordinating unit reports its own part (D10), with an evidence document if one is chosen."""
    task = get_task_for_user(request.user, pk, action="contribute")
    form = ContributionForm(request.POST, units=contributing_units(request.user, task))
    upload = request.FILES.get("doc-file")
    document_form = DocumentForm(request.POST, request.FILES, prefix="doc") if upload else DocumentForm(prefix="doc")
    if form.is_valid() and (upload is None or document_form.is_valid()):
        with transaction.atomic():  # a part refused (the task closed meanwhile) leaves no document behind
            documents = _filed(request, task, form.cleaned_data["unit"], document_form) if upload else []
            if documents is not None:
                services.report_contribution(actor=request.user, task=task, documents=documents, **form.cleaned_data)
        if documents is not None:
            messages.success(request, _("Your unit's part was saved."))
            return redirect("plans:task_detail", pk=pk)
    context = {"contribution_form": form, "contribution_document_form": document_form}
    return _render_task(request, task, status=400, chosen_file=upload.name if upload else "", **context)


def _filed(request: HttpRequest, task: Task, unit: Unit, form: DocumentForm) -> list[Document] | None:
    """The document of a valid upload form, filed in the unit; None (the error on the form) when
    the file is refused."""
    data = dict(form.cleaned_data)
    upload = data.pop("file")
    try:
        return [
            create_document(
                actor=request.user, agency=task.agency, unit=unit, fileobj=upload, filename=upload.name, **data
            )
        ]
    except FileRejected as exc:
        form.add_error("file", str(exc))
        return None


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
    sections = list(plan.sections.all())
    parents = {s.parent_id for s in sections}
    for section in sections:  # a heading that only holds sub-sections does not say "no task"
        section.has_children = section.pk in parents
    tree: list[tuple[Any, list[Task]]] = [(s, by_section.get(s.pk, [])) for s in sections]
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
    return _obstacles_page(request)


def _obstacles_page(
    request: HttpRequest, *, status: int = 200, bound: dict[int, forms.Form] | None = None
) -> HttpResponse:
    """The agency's obstacles; who gives the direction writes it here, on each open one (a form
    posting to plans:resolve_obstacle that comes back here). `bound`: a form with errors, by
    obstacle."""
    agency = current_agency_or_404(request)
    visible = tasks_visible_to(request.user).filter(agency=agency)
    items = list(
        Obstacle.objects.filter(task__in=visible).select_related("task", "task__lead_unit", "reported_by")[:200]
    )
    can_direct = can_direct_obstacles(request.user, agency)
    for item in items:
        item.form = (bound or {}).get(item.pk) or ResolveForm(auto_id=f"ob{item.pk}_%s")
    return render(request, "plans/obstacles.html", {"items": items, "can_direct": can_direct}, status=status)


def _year_of(request: HttpRequest, agency: Agency) -> tuple[int, list[int]]:
    """The plan year asked for (`?year=`), else this year's plan, else the latest; and the years."""
    years = sorted(set(Plan.objects.filter(agency=agency).values_list("year", flat=True)), reverse=True)
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked), years
    this = timezone.localdate().year
    return (this if this in years else (years[0] if years else this)), years


@login_required
def year_end_view(request):
    agency = current_agency_or_404(request)
    year, years = _year_of(request, agency)
    tasks = tasks_visible_to(request.user).filter(agency=agency, plan__year=year)
    units = {u.pk: u for u in Unit.objects.filter(agency=agency)}
    by_unit = [dict(r, unit=units.get(r["lead_unit"])) for r in year_end(tasks, "lead_unit")]
    people = {u.pk: u for u in User.objects.filter(memberships__agency=agency).distinct()}
    by_person = [dict(r, person=people.get(r["assignees"])) for r in year_end(tasks, "assignees") if r["assignees"]]
    if request.GET.get("export") == "xlsx":
        data = excel.export_year_end(year=year, agency=agency.name, by_unit=by_unit, by_person=by_person)
        return download(data, f"ket-qua-cuoi-nam-{year}.xlsx", XLSX)
    context = {"by_unit": by_unit, "by_person": by_person, "year": year, "years": years}
    return render(request, "plans/year_end.html", context)


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
            messages.success(request, _("Inspection recorded: now add its findings."))
            return redirect("plans:inspection_detail", pk=inspection.pk)
    context = {"items": inspections_of(agency), "form": form, "can_manage": can_manage}
    return render(request, "plans/inspections.html", context, status=400 if form.errors else 200)


@login_required
def inspection_detail(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk, manage=request.method == "POST")
    form = FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        today, cal = _today()
        try:
            finding = services.add_finding(
                actor=request.user, inspection=inspection, today=today, cal=cal, **form.cleaned_data
            )
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            code = finding.remediation_task.code if finding.remediation_task else ""
            messages.success(request, _("Finding recorded; remediation task %(code)s created.") % {"code": code})
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
    return render(request, "plans/inspection_detail.html", context, status=400 if form.errors else 200)
