"""The reports pages: the agency's periodic CCHC reports (edited in the page, generated as DOCX,
PDF and XLSX by the worker), the plan's documents, evidence packages, and uploaded templates.
Who may do what: reports.access."""

from __future__ import annotations

import re
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
from reports.figures import for_report
from reports.forms import (
    MAX_TEXT,
    NewReportForm,
    PlanTextForm,
    ReportForm,
    TemplateUploadForm,
    part_rows,
    part_texts,
)
from reports.models import DocumentTemplate, FileKind, GeneratedFile, Report
from reports.plan_document import walk_sections

REPORT_FILES = (FileKind.REPORT_DOCX, FileKind.REPORT_PDF, FileKind.REPORT_XLSX)
REPORT_DOCUMENTS = (FileKind.REPORT_DOCX, FileKind.REPORT_PDF)  # the text with its parts; XLSX: the tables
HEADING_NUMBER = re.compile(r"^([IVX]+\.|\d+\.|[a-zđ]\))\s*")
PLAN_FILES = (FileKind.PLAN_DOCX, FileKind.PLAN_PDF, FileKind.PLAN_XLSX)


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
    """The report: its details and legal basis, each part with the system's paragraphs (which the
    Office may rewrite) and the Office's text; its figures (frozen or provisional) read once."""
    agency = current_agency_or_404(request)
    report = access.get_report_for_user(request.user, agency, pk, write=request.method == "POST")
    figures = for_report(report)
    parts = outline.parts(figures, report.texts)
    form = ReportForm(request.POST or None, instance=report)
    if form.is_bound:
        texts, problems = part_texts(request.POST, parts)
        for problem in problems:
            form.add_error(None, problem)
        if form.is_valid():
            services.save_report(actor=request.user, report=form.save(commit=False), texts=texts)
            messages.success(request, _("Report saved."))
            return redirect("reports:report", pk=report.pk)
    rows = part_rows(parts, request.POST if form.is_bound else None)  # what was typed, after a failed save
    context = _report_context(request, report, figures, form, rows)
    return render(request, "reports/report.html", context, status=400 if form.is_bound else 200)


def _report_context(request: HttpRequest, report: Report, figures: Any, form: ReportForm, rows: list) -> dict:
    agency = report.agency
    return {
        "report": report,
        "form": form,
        "figures": figures,
        "rows": rows,
        "missing": [(row.key, part_label(row.part)) for row in rows if row.part.missing],
        "cutoff_passed": services.cutoff_passed(report, timezone.localdate()),
        "can_write": access.can_write(request.user, agency),
        "files": _files(report=report),
        "kinds": REPORT_FILES,
        "documents": REPORT_DOCUMENTS,
        "template": DocumentTemplate.objects.filter(
            agency=agency, kind=DocumentTemplate.Kind.REPORT, active=True
        ).first(),
    }


def part_label(part: Any) -> str:
    """A part as a list names it: "III.1. Ưu điểm", "V. Đề xuất, kiến nghị"."""
    heading = HEADING_NUMBER.sub("", part.heading).strip()
    return f"{part.key}. {heading[:1].upper()}{heading[1:].lower() if heading.isupper() else heading[1:]}"


def _check_parts(report: Report) -> None:
    """A document of the report is never made with a part the Office must write still empty."""
    missing = outline.missing_parts(for_report(report), report.texts)
    if missing:
        raise services.ReportError(
            _("The Office has not written these parts yet: %(parts)s. Write them, save, then make the document.")
            % {"parts": "; ".join(part_label(part) for part in missing)}
        )


@login_required
@require_POST
@refuses_politely(lambda request, kwargs: reverse("reports:report", args=[kwargs["pk"]]), referer=False)
def refresh_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The Office's "take the figures from the registers again" (confirmed): files made already
    keep the figures they were made from."""
    report = access.get_report_for_user(request.user, current_agency_or_404(request), pk, write=True)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick “I confirm” to go ahead."))
        return redirect("reports:report", pk=report.pk)
    services.refresh_figures(actor=request.user, report=report)
    messages.success(
        request, _("The figures will be read from the registers again; the files made already keep theirs.")
    )
    return redirect("reports:report", pk=report.pk)


def _request_file(request: HttpRequest, kind: str) -> tuple[GeneratedFile, str]:
    """Queues the file asked for: an evidence package (scorecard=pk), a report's (report=pk) or a
    plan's (plan=pk) of the current agency; returns it with the page to go back to. A report's
    document waits for the parts the Office must write (ReportError)."""
    user, post = request.user, request.POST
    if kind == FileKind.EVIDENCE_ZIP:
        scorecard = access.get_package_scorecard_for_user(user, _id(post.get("scorecard")))
        item = jobs.request_file(kind=kind, agency=scorecard.agency, actor=user, scorecard=scorecard)
        return item, reverse("scorecards:scorecard", args=[scorecard.pk])
    agency = current_agency_or_404(request)
    access.require_write(user, agency)
    if kind in REPORT_FILES:
        report = access.get_report_for_user(user, agency, _id(post.get("report")), write=True)
        if kind in REPORT_DOCUMENTS:
            _check_parts(report)
        item = jobs.request_file(kind=kind, agency=agency, actor=user, report=report)
        return item, reverse("reports:report", args=[report.pk])
    plan = access.get_plan_document_for_user(user, _id(post.get("plan")), agency=agency, write=True)
    item = jobs.request_file(kind=kind, agency=agency, actor=user, plan=plan)
    return item, reverse("reports:home")


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    """Queues a file (see _request_file); an HTMX request gets the file's row, polling its state.
    A refused report document: its page again, saying which parts are still to write."""
    kind = request.POST.get("kind", "")
    if kind not in FileKind.values:
        raise Http404
    try:
        item, back = _request_file(request, kind)
    except services.ReportError as exc:
        messages.error(request, str(exc))
        back = reverse("reports:report", args=[_id(request.POST.get("report"))])
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = back
            return response
        return redirect(back)
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
