"""Periodic CCHC reports (what the Office edits), the files the system generates (kept with who
asked for them and when, produced by the worker with a progress figure), and the DOCX templates
administrators may upload in place of the built-in layout."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Agency
from plans.models import Plan
from reports.periods import KINDS, ReportPeriod, report_period

KIND_CHOICES = [
    ("q1", _("Quarter I")),
    ("half", _("6 months")),
    ("q3", _("Quarter III")),
    ("nine", _("9 months")),
    ("year", _("Year")),
]
assert {k for k, _label in KIND_CHOICES} == set(KINDS)  # noqa: S101  (the two lists must agree)


# a report's document details, edited in its page (reports.forms.ReportForm, reports.services)
REPORT_DETAILS = (
    "title",
    "number",
    "issued_on",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
    "archive",
)


class Report(models.Model):
    """A periodic CCHC report of an agency: its document details and the Office's texts per part;
    the figures are read from the registers when the report is shown or generated."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reports", verbose_name=_("agency"))
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("period"), max_length=5, choices=KIND_CHOICES)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=200, blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    archive = models.CharField(_("archive line"), max_length=100, default="VT, VP")
    texts = models.JSONField(default=dict, blank=True)  # part key -> the Office's text
    # "Căn cứ ..." / "Thực hiện ...": the documents the report answers (the province's plan and
    # guidance, the agency's plan), one per line, printed at the top of the body
    basis = models.TextField(_("legal basis (one document per line)"), blank=True)
    # The report's figures frozen as of its data cut-off (reports.figures.ReportFigures.to_json):
    # once set, every file of the report is made from it, so a file made later says the same.
    snapshot = models.JSONField(null=True, blank=True)
    snapshot_at = models.DateTimeField(_("figures taken at"), null=True, blank=True)
    snapshot_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("CCHC report")
        verbose_name_plural = _("CCHC reports")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "kind"], name="report_once_per_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> ReportPeriod:
        return report_period(self.kind, self.year)


class FileKind(models.TextChoices):
    REPORT_DOCX = "report_docx", _("Report (DOCX)")
    REPORT_PDF = "report_pdf", _("Report (PDF)")
    REPORT_XLSX = "report_xlsx", _("Report annex tables (XLSX)")
    PLAN_DOCX = "plan_docx", _("Plan with its appendices (DOCX)")
    PLAN_PDF = "plan_pdf", _("Plan with its appendices (PDF)")
    PLAN_XLSX = "plan_xlsx", _("Plan appendices (XLSX)")
    EVIDENCE_ZIP = "evidence_zip", _("Evidence package (ZIP)")


class GeneratedFile(models.Model):
    """A file the worker produces on request; kept for download with who asked for it and when."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="generated_files")
    kind = models.CharField(_("file"), max_length=20, choices=FileKind.choices)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="generated_files")
    scorecard = models.ForeignKey(
        "scorecards.Scorecard", null=True, blank=True, on_delete=models.CASCADE, related_name="generated_files"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    attempts = models.PositiveSmallIntegerField(default=0)  # claims by a worker; each claim has its number
    step = models.CharField(max_length=200, blank=True)  # what the worker is doing now
    file = models.FileField(upload_to="generated/", max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)
    template_used = models.CharField(max_length=255, blank=True)  # an uploaded template's name, or empty
    # the figures the file was made from (a report's ReportFigures.to_json), kept with the file
    snapshot = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


def template_path(instance: DocumentTemplate, filename: str) -> str:
    return f"templates/{instance.agency_id or 'all'}/{instance.kind}-{instance.sha256[:16]}.docx"


class DocumentTemplate(models.Model):
    """A DOCX template (docxtpl, rendered in a sandbox) replacing the built-in layout of a kind of
    document for one agency; the newest active one is used, the built-in layout otherwise."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Periodic CCHC report")
        PLAN = "plan", _("Plan")

    class CheckState(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PASSED = "passed", _("Checked")
        REFUSED = "refused", _("Refused")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="document_templates")
    kind = models.CharField(_("kind of document"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=template_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Tried on the agency's data by the worker (reports.jobs.check_templates) before it is used;
    # checked_at is the check's claim heartbeat while it runs, then when it ended.
    check_state = models.CharField(_("check"), max_length=10, choices=CheckState.choices, default=CheckState.PASSED)
    check_error = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name
