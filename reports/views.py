"""The reports pages: the agency's periodic CCHC reports (edited in the page, generated as DOCX,
PDF and XLSX by the worker), the plan's documents, evidence packages, and uploaded templates.
Who may do what: reports.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import current_agency_or_404
from core.files import attachment_response
from core.services import load_calendar
from core.web import DOCX, download, refuses_politely
from plans.models import Plan
from reports import access, jobs, outline, services, templating
from reports import plan_text as plan_texts
from reports.figures import collect
from reports.forms import NewReportForm, PlanTextForm, ReportForm, TemplateUploadForm
from reports.models import DocumentTemplate, FileKind, GeneratedFile, Report
from reports.plan_document import walk_sections

REPORT_FILES = (FileKind.REPORT_DOCX, FileKind.REPORT_PDF, FileKind.REPORT_XLSX)
PLAN_FILES = (FileKind.PLAN_DOCX, FileKind.PLAN_PDF, FileKind.PLAN_XLSX)
MAX_TEXT = 20000  # characters of one edited text


def _id(value: Any) -> int:
    """An object id from a form; anything else is a missing object (404), not an error page."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _files(**filters: Any) -> Any:
    return GeneratedFile.objects.filter(**filters).select_related("requested_by")[:20]


def _texts(post: QueryDict, names: dict[Any, str]) -> dict[Any, str]:
    """The edited texts posted as `names` (key -> field name), trimmed."""
    return {key: post.get(name, "").strip()[:MAX_TEXT] for key, name in names.items()}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    access.require_read(request.user, agency)
    context = {
        "agency": agency,
        "reports": Report.objects.filter(agency=agency),
        "plans": Plan.objects.filter(agency=agency).order_by("-year", "-pk"),
        "form": NewReportForm(),
        "can_write": access.can_write(request.user, agency),
        "files": _files(agency=agency, scorecard__isnull=True),
        "plan_kinds": PLAN_FILES,
    }
    return render(request, "reports/home.html", context)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    agency = current_agency_or_404(request)
    access.require_write(request.user, agency)
    form = NewReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the period and the year."))
        return redirect("reports:home")
    report, created = services.create_report(
        actor=request.user, agency=agency, kind=form.cleaned_data["kind"], year=form.cleaned_data["year"]
    )
    if not created:
        messages.info(request, _("This report exists already; here it is."))
    return redirect("reports:report", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_or_404(request)
    report = access.get_report_for_user(request.user, agency, pk, write=request.method == "POST")
    form = ReportForm(request.POST or None, instance=report)
    if form.is_valid():
        texts = _texts(request.POST, {key: f"text_{key}" for key in outline.PART_KEYS})
        services.save_report(actor=request.user, report=form.save(commit=False), texts=_nonblank(texts))
        messages.success(request, _("Report saved."))
        return redirect("reports:report", pk=report.pk)
    figures = collect(report.agency, report.period)
    context = {
        "report": report,
        "form": form,
        "parts": outline.parts(figures, report.texts),
        "figures": figures,
        "can_write": access.can_write(request.user, agency),
        "files": _files(report=report),
        "kinds": REPORT_FILES,
        "template": DocumentTemplate.objects.filter(
            agency=agency, kind=DocumentTemplate.Kind.REPORT, active=True
        ).first(),
    }
    return render(request, "reports/report.html", context)


def _nonblank(texts: dict[str, str]) -> dict[str, str]:
    return {key: text for key, text in texts.items() if text}


def _request_file(request: HttpRequest, kind: str) -> tuple[GeneratedFile, str]:
    """Queues the file asked for: an evidence package (scorecard=pk), a report's (report=pk) or a
    plan's (plan=pk) of the current agency; returns it with the page to go back to."""
    user, post = request.user, request.POST
    if kind == FileKind.EVIDENCE_ZIP:
        scorecard = access.get_package_scorecard_for_user(user, _id(post.get("scorecard")))
        item = jobs.request_file(kind=kind, agency=scorecard.agency, actor=user, scorecard=scorecard)
        return item, reverse("scorecards:scorecard", args=[scorecard.pk])
    agency = current_agency_or_404(request)
    access.require_write(user, agency)
    if kind in REPORT_FILES:
        report = access.get_report_for_user(user, agency, _id(post.get("report")), write=True)
        item = jobs.request_file(kind=kind, agency=agency, actor=user, report=report)
        return item, reverse("reports:report", args=[report.pk])
    plan = access.get_plan_document_for_user(user, _id(post.get("plan")), agency=agency, write=True)
    item = jobs.request_file(kind=kind, agency=agency, actor=user, plan=plan)
    return item, reverse("reports:home")


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    """Queues a file (see _request_file); an HTMX request gets the file's row, polling its state."""
    kind = request.POST.get("kind", "")
    if kind not in FileKind.values:
        raise Http404
    item, back = _request_file(request, kind)
    if request.headers.get("HX-Request"):
        return render(request, "reports/_file.html", {"f": item})
    messages.info(request, _("The file is being generated; it appears below when ready."))
    return redirect(back)


@login_required
def file_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_generated_file_for_user(request.user, pk)
    return render(request, "reports/_file.html", {"f": item})


@login_required
def download_file(request: HttpRequest, pk: int) -> FileResponse:
    item = access.get_generated_file_for_user(request.user, pk)
    if item.state != GeneratedFile.State.DONE or not item.file:
        raise Http404
    return attachment_response(item.file.open("rb"), name=item.name)


def _submit_template(request: HttpRequest, agency: Any, form: TemplateUploadForm) -> bool:
    """Checks the upload as a Word file (size first, before reading it) and leaves it to the
    worker's trial; False with the reason on the form when it is refused."""
    upload = form.cleaned_data["file"]
    try:
        data = templating.read_upload(upload)
    except templating.TemplateRejected as exc:
        form.add_error("file", str(exc))
        return False
    jobs.submit_template(agency=agency, actor=request.user, kind=form.cleaned_data["kind"], name=upload.name, data=data)
    return True


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    """Uploaded templates: a new one is checked as a Word file here and tried on the agency's data
    by the worker, in a limited child process (reports.jobs.check_templates); the list polls its
    state while a trial runs."""
    agency = current_agency_or_404(request)
    (access.require_write if request.method == "POST" else access.require_read)(request.user, agency)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid() and _submit_template(request, agency, form):
        messages.success(request, _("Template uploaded; it is used once its trial on the agency's data passes."))
        return redirect("reports:templates")
    items = DocumentTemplate.objects.filter(agency=agency).select_related("uploaded_by")
    context = {
        "form": form,
        "items": items,
        "can_write": access.can_write(request.user, agency),
        "checking": any(t.check_state == DocumentTemplate.CheckState.CHECKING for t in items),
    }
    partial = "#items" if request.headers.get("HX-Request") else ""
    return render(request, f"reports/templates.html{partial}", context)


@login_required
@require_POST
def template_off(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_template_for_user(request.user, current_agency_or_404(request), pk)
    services.disable_template(actor=request.user, template=item)
    messages.success(request, _("The built-in layout is used again."))
    return redirect("reports:templates")


@login_required
def sample_template(request: HttpRequest, kind: str) -> FileResponse:
    if kind not in DocumentTemplate.Kind.values:
        raise Http404
    return download(templating.sample_template(kind), f"mau-{kind}.docx", DOCX)


@login_required
def plan_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's document text: its details and the text of each section."""
    plan = access.get_plan_document_for_user(request.user, pk, write=request.method == "POST")
    form = PlanTextForm(request.POST or None, instance=plan)
    sections = list(plan.sections.order_by("order", "pk"))
    if form.is_valid():
        texts = _texts(request.POST, {s.pk: f"section_{s.pk}" for s in sections})
        plan_texts.save_text(actor=request.user, plan=plan, data=form.cleaned_data, section_texts=texts)
        messages.success(request, _("The plan's text is saved."))
        return redirect("reports:plan_text", pk=plan.pk)
    labels = {section.pk: label for section, _depth, label in walk_sections(sections)}
    context = {
        "plan": plan,
        "form": form,
        "sections": [(s, labels.get(s.pk, "")) for s in sections],
        "can_write": access.can_write(request.user, plan.agency),
        "kinds": PLAN_FILES,
    }
    return render(request, "reports/plan_text.html", context)


@login_required
@require_POST
@refuses_politely(lambda request, kwargs: reverse("reports:plan_text", args=[kwargs["pk"]]), referer=False)
def plan_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_document_for_user(request.user, pk, write=True)
    new = plan_texts.copy_to_next_year(actor=request.user, plan=plan, today=timezone.localdate(), cal=load_calendar())
    messages.success(
        request,
        _("The %(year)s plan is drafted from this one: revise its text and tasks, then issue it.") % {"year": new.year},
    )
    return redirect("reports:plan_text", pk=new.pk)
