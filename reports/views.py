"""The reports pages: the agency's periodic CCHC reports (edited in the page, generated as DOCX,
PDF and XLSX by the worker), the plan's documents, evidence packages, and uploaded templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.files import attachment_response
from core.services import diff, load_calendar, log_action
from plans.access import get_plan_for_user
from plans.models import Plan
from reports import access, jobs, outline, templating
from reports import plan_text as plan_texts
from reports.documents import report_defaults, walk_sections
from reports.figures import collect
from reports.forms import NewReportForm, PlanTextForm, ReportForm, TemplateUploadForm
from reports.models import DocumentTemplate, FileKind, GeneratedFile, Report
from scorecards.access import get_scorecard_for_user

REPORT_FILES = (FileKind.REPORT_DOCX, FileKind.REPORT_PDF, FileKind.REPORT_XLSX)
PLAN_FILES = (FileKind.PLAN_DOCX, FileKind.PLAN_PDF, FileKind.PLAN_XLSX)


def _id(value) -> int:
    """An object id from a form; anything else is a missing object (404), not an error page."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _files(**filters):
    return GeneratedFile.objects.filter(**filters).select_related("requested_by")[:20]


@login_required
def home(request):
    agency = current_agency_or_404(request)
    access.require_read(request.user, agency)
    reports = Report.objects.filter(agency=agency)
    plans = Plan.objects.filter(agency=agency).order_by("-year", "-pk")
    return render(
        request,
        "reports/home.html",
        {
            "agency": agency,
            "reports": reports,
            "plans": plans,
            "form": NewReportForm(),
            "can_write": access.can_write(request.user, agency),
            "files": _files(agency=agency, scorecard__isnull=True),
            "plan_kinds": PLAN_FILES,
        },
    )


@login_required
@require_POST
def create(request):
    agency = current_agency_or_404(request)
    access.require_write(request.user, agency)
    form = NewReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the period and the year."))
        return redirect("reports:home")
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    try:
        with transaction.atomic():
            report = Report.objects.create(
                agency=agency, kind=kind, year=year, created_by=request.user, **report_defaults(agency, kind, year)
            )
    except IntegrityError:
        existing = Report.objects.get(agency=agency, kind=kind, year=year)
        messages.info(request, _("This report exists already; here it is."))
        return redirect("reports:report", pk=existing.pk)
    log_action(actor=request.user, agency=agency, action="report.created", obj=report, note=report.title)
    return redirect("reports:report", pk=report.pk)


def _report(request, pk: int) -> Report:
    agency = current_agency_or_404(request)
    report = get_object_or_404(Report.objects.select_related("agency", "agency__province"), pk=pk, agency=agency)
    access.require_read(request.user, agency)
    return report


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    can_write = access.can_write(request.user, report.agency)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        before = {"texts": dict(report.texts), **{f: getattr(report, f) for f in form.Meta.fields}}
        if form.is_valid():
            report = form.save(commit=False)
            report.texts = {
                key: request.POST.get(f"text_{key}", "").strip()[:20000]
                for key in outline.PART_KEYS
                if request.POST.get(f"text_{key}", "").strip()
            }
            report.save()
            after = {"texts": report.texts, **{f: getattr(report, f) for f in form.Meta.fields}}
            log_action(
                actor=request.user, agency=report.agency, action="report.saved", obj=report, changes=diff(before, after)
            )
            messages.success(request, _("Report saved."))
            return redirect("reports:report", pk=report.pk)
    figures = collect(report.agency, report.period)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "form": form,
            "parts": outline.parts(figures, report.texts),
            "figures": figures,
            "can_write": can_write,
            "files": _files(report=report),
            "kinds": REPORT_FILES,
            "template": DocumentTemplate.objects.filter(
                agency=report.agency, kind=DocumentTemplate.Kind.REPORT, active=True
            ).first(),
        },
    )


@login_required
@require_POST
def generate(request):
    """Queues a file: a report's (report=pk), a plan's (plan=pk) or an evidence package (scorecard=pk)."""
    kind = request.POST.get("kind", "")
    if kind not in FileKind.values:
        raise Http404
    if kind == FileKind.EVIDENCE_ZIP:
        scorecard = get_scorecard_for_user(request.user, _id(request.POST.get("scorecard")))
        if not access.can_request_package(request.user, scorecard):
            raise PermissionDenied
        item = jobs.request_file(kind=kind, agency=scorecard.agency, actor=request.user, scorecard=scorecard)
        back = reverse("scorecards:scorecard", args=[scorecard.pk])
    else:
        agency = current_agency_or_404(request)
        access.require_write(request.user, agency)
        if kind in REPORT_FILES:
            report = get_object_or_404(Report, pk=_id(request.POST.get("report")), agency=agency)
            item = jobs.request_file(kind=kind, agency=agency, actor=request.user, report=report)
            back = reverse("reports:report", args=[report.pk])
        else:
            plan = get_object_or_404(Plan, pk=_id(request.POST.get("plan")), agency=agency)
            item = jobs.request_file(kind=kind, agency=agency, actor=request.user, plan=plan)
            back = reverse("reports:home")
    if request.headers.get("HX-Request"):
        return render(request, "reports/_file.html", {"f": item})
    messages.info(request, _("The file is being generated; it appears below when ready."))
    return redirect(back)


@login_required
def file_status(request, pk):
    item = access.get_file(request.user, pk)
    return render(request, "reports/_file.html", {"f": item})


@login_required
def download(request, pk):
    item = access.get_file(request.user, pk)
    if item.state != GeneratedFile.State.DONE or not item.file:
        raise Http404
    return attachment_response(item.file.open("rb"), name=item.name)


@login_required
def templates(request):
    """Uploaded templates: a new one is checked as a Word file here and tried on the agency's data
    by the worker, in a limited child process (reports.jobs.check_templates); the list polls its
    state while a trial runs."""
    agency = current_agency_or_404(request)
    access.require_read(request.user, agency)
    can_write = access.can_write(request.user, agency)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                templating.check_size(upload.size)  # before reading it
                data = upload.read()
                templating.check_docx(data)
            except templating.TemplateRejected as exc:
                form.add_error("file", str(exc))
            else:
                jobs.submit_template(
                    agency=agency, actor=request.user, kind=form.cleaned_data["kind"], name=upload.name, data=data
                )
                messages.success(
                    request, _("Template uploaded; it is used once its trial on the agency's data passes.")
                )
                return redirect("reports:templates")
    items = DocumentTemplate.objects.filter(agency=agency).select_related("uploaded_by")
    checking = any(t.check_state == DocumentTemplate.CheckState.CHECKING for t in items)
    context = {"form": form, "items": items, "can_write": can_write, "checking": checking}
    if request.headers.get("HX-Request"):
        return render(request, "reports/templates.html#items", context)
    return render(request, "reports/templates.html", context)


@login_required
@require_POST
def template_off(request, pk):
    agency = current_agency_or_404(request)
    access.require_write(request.user, agency)
    item = get_object_or_404(DocumentTemplate, pk=pk, agency=agency)
    item.active = False
    item.save(update_fields=["active"])
    log_action(actor=request.user, agency=agency, action="report.template_disabled", obj=item, note=item.name)
    messages.success(request, _("The built-in layout is used again."))
    return redirect("reports:templates")


@login_required
def sample_template(request, kind):
    if kind not in DocumentTemplate.Kind.values:
        raise Http404
    response = HttpResponse(
        templating.sample_template(kind),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.docx"'
    return response


@login_required
def plan_text(request, pk):
    """The plan's document text: its details and the text of each section."""
    plan = get_plan_for_user(request.user, pk)
    access.require_read(request.user, plan.agency)
    can_write = access.can_write(request.user, plan.agency)
    form = PlanTextForm(request.POST or None, instance=plan)
    sections = list(plan.sections.order_by("order", "pk"))
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            texts = {s.pk: request.POST.get(f"section_{s.pk}", "").strip()[:20000] for s in sections}
            plan_texts.save_text(actor=request.user, plan=plan, data=form.cleaned_data, section_texts=texts)
            messages.success(request, _("The plan's text is saved."))
            return redirect("reports:plan_text", pk=plan.pk)
    labels = {section.pk: label for section, _depth, label in walk_sections(sections)}
    return render(
        request,
        "reports/plan_text.html",
        {
            "plan": plan,
            "form": form,
            "sections": [(s, labels.get(s.pk, "")) for s in sections],
            "can_write": can_write,
            "kinds": PLAN_FILES,
        },
    )


@login_required
@require_POST
def plan_next_year(request, pk):
    plan = get_plan_for_user(request.user, pk)
    access.require_write(request.user, plan.agency)
    try:
        new = plan_texts.copy_to_next_year(
            actor=request.user, plan=plan, today=timezone.localdate(), cal=load_calendar()
        )
    except plan_texts.PlanCopyError:
        messages.error(request, _("There is a plan for %(year)s already.") % {"year": plan.year + 1})
        return redirect("reports:plan_text", pk=plan.pk)
    messages.success(
        request,
        _("The %(year)s plan is drafted from this one: revise its text and tasks, then issue it.") % {"year": new.year},
    )
    return redirect("reports:plan_text", pk=new.pk)
