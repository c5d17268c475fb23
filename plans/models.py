"""The yearly CCHC plan, its sections and tasks, progress, obstacles, evidence links and inspections."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Agency, Document, Unit


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DONE_LATE = "done_late", _("Done late")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.CANCELLED)


class Recurrence(models.TextChoices):
    NONE = "", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every 6 months")
    YEARLY = "yearly", _("Yearly")


class ParDomain(models.IntegerChoices):
    DIRECTION = 1, _("1. Direction and management of PAR")
    INSTITUTIONS = 2, _("2. Institutional reform")
    PROCEDURES = 3, _("3. Administrative procedure reform")
    ORGANISATION = 4, _("4. Organisational reform")
    CIVIL_SERVICE = 5, _("5. Civil service reform")
    PUBLIC_FINANCE = 6, _("6. Public finance reform")
    DIGITAL_GOVERNMENT = 7, _("7. E-government and digital government")
    IMPACT = 8, _("8. Impact of PAR")


class SipasElement(models.TextChoices):
    POLICY = "policy", _("Policy making and implementation")
    SERVICE = "service", _("Public service delivery")
    ACCESS = "access", _("Access to services")
    PROCEDURE = "procedure", _("Administrative procedures")
    CIVIL_SERVANT = "civil_servant", _("Civil servants")
    RESULT = "result", _("Service results")
    FEEDBACK = "feedback", _("Feedback handling")


class Plan(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="plans", verbose_name=_("agency"))
    year = models.PositiveIntegerField(_("year"))
    number = models.CharField(_("number and symbol"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    signer = models.CharField(_("signer"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer title"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # the plan's own text, for the document (reports.documents): the opening paragraph, the
    # closing one, and who receives it; each section carries its text
    preamble = models.TextField(_("opening paragraph"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    archive = models.CharField(_("archive line"), max_length=100, blank=True, default="VT, VP")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    source_key = models.CharField(max_length=100, blank=True, help_text="identifies a plan loaded from a data file")
    # The cascade (issue 22): the plan this one carries out, when it is in the system (the
    # province's plan is a plan of the Sở Nội vụ's agency), and the citation as the text gives it.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("plan carried out"),
    )
    parent_reference = models.CharField(_("plan carried out (as cited)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source_key"], condition=~models.Q(source_key=""), name="plan_source_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(default=0)
    par_domain = models.PositiveSmallIntegerField(_("PAR domain"), choices=ParDomain.choices, null=True, blank=True)
    sipas_element = models.CharField(_("SIPAS element"), max_length=20, choices=SipasElement.choices, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("A blank line starts a new paragraph."))

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="section_code_unique_in_plan")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    # Denormalised from plan for scoped, index-friendly queries on dashboards.
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("agency"))
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks", verbose_name=_("section")
    )
    code = models.CharField(_("code"), max_length=30)
    appendix = models.CharField(_("appendix"), max_length=5, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    par_domain = models.PositiveSmallIntegerField(_("PAR domain"), choices=ParDomain.choices, null=True, blank=True)
    sipas_element = models.CharField(_("SIPAS element"), max_length=20, choices=SipasElement.choices, blank=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit"))
    coordinating_units = models.ManyToManyField(
        Unit, blank=True, related_name="coordinated_tasks", verbose_name=_("coordinating units")
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tasks", verbose_name=_("assignees")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=12, choices=Recurrence.choices, blank=True, default="")
    recurrence_day = models.PositiveSmallIntegerField(
        _("due day of month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    expected_product = models.TextField(_("expected product"), blank=True)
    target = models.CharField(_("target"), max_length=300, blank=True)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    # D11: a task needing evidence reaches 100 % or is approved only with evidence linked, unless
    # the approver records why (kept in `evidence_waiver`, audited).
    needs_evidence = models.BooleanField(
        _("evidence needed to complete"),
        default=True,
        help_text=_(
            "Without an evidence document it cannot be reported complete or approved, unless the approver says why."
        ),
    )
    evidence_waiver = models.TextField(_("reason for approving without evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    completion_requested_at = models.DateTimeField(_("completion requested"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    next_due = models.DateField(_("next due date"), null=True, blank=True, db_index=True)
    evidence_count = models.PositiveIntegerField(default=0)
    # Computed by plans.monitoring (docs/risk-rules.md), refreshed on every change and daily; never typed.
    at_risk = models.BooleanField(_("at risk"), default=False, db_index=True)
    risk_reasons = models.CharField(_("risk reasons"), max_length=200, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan_id", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan")]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["lead_unit", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:task_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)

    @property
    def progress_decimal(self) -> Decimal:
        return Decimal(self.progress)


class Occurrence(models.Model):
    """One due date of a recurring task (e.g. the Q3 report due 20/09)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("task"))
    period_label = models.CharField(_("period"), max_length=40)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("done by")
    )

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["task", "due_date"]
        constraints = [models.UniqueConstraint(fields=["task", "due_date"], name="occurrence_unique_due")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period_label}"


class ProgressUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task"))
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("period")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("content"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.progress}%"


class Obstacle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="obstacles", verbose_name=_("task"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    text = models.TextField(_("difficulty or obstacle"))
    proposal = models.TextField(_("proposal"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("direction from the leaders"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Comment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class TaskEvidence(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence_links", verbose_name=_("task"))
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="task_links", verbose_name=_("document")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("linked by")
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "document"], name="task_evidence_unique")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.document_id}"


class Inspection(models.Model):
    """A CCHC inspection (kiểm tra CCHC, plan II.1.a) and its findings."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("agency"))
    title = models.CharField(_("title"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    inspected_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("inspected unit"))
    inspected_on = models.DateField(_("inspection date"))
    team_lead = models.CharField(_("team lead"), max_length=200, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("CCHC inspection")
        verbose_name_plural = _("CCHC inspections")
        ordering = ["-inspected_on"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("inspection")
    )
    text = models.TextField(_("finding"))
    remediation_task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="finding"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class TaskContribution(models.Model):
    """A coordinating unit's own part of a task (D10): how far it is, what it did and its evidence.
    One per unit and task, updated in place; each update is audited on the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("task"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("coordinating unit"))
    progress = models.PositiveSmallIntegerField(
        _("progress of its part (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("what the unit did"))
    documents = models.ManyToManyField(
        Document, blank=True, related_name="task_contributions", verbose_name=_("evidence documents")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("coordinating unit's part")
        verbose_name_plural = _("coordinating units' parts")
        ordering = ["task", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="contribution_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id} {self.progress}%"


class AssignedTask(models.Model):
    """A task assigned to the agency by the UBND tỉnh, its Chairman or Vice-Chairmen (or a ministry):
    the register behind the first target of II.1.a and PAR criterion 1.5 (issue 22). One row per
    task of the assigning document, as the Government Office's task tracking system lists them."""

    class Issuer(models.TextChoices):
        PROVINCE = "province", _("Provincial People's Committee")
        CHAIRMAN = "chairman", _("Chairman of the Provincial People's Committee")
        VICE_CHAIRMAN = "vice_chairman", _("Vice-Chairman of the Provincial People's Committee")
        MINISTRY = "ministry", _("Ministry or central agency")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn by the issuer")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="assigned_tasks", verbose_name=_("agency")
    )
    code = models.CharField(_("tracking code"), max_length=60)
    document_number = models.CharField(_("assigning document number"), max_length=100)
    document_date = models.DateField(_("assigning document date"))
    issuer = models.CharField(_("assigned by"), max_length=20, choices=Issuer.choices, default=Issuer.PROVINCE)
    issuer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    excerpt = models.TextField(_("excerpt of the document"), blank=True)
    content = models.TextField(_("task"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
        verbose_name=_("lead unit"),
    )
    coordinating_units = models.ManyToManyField(
        Unit, blank=True, related_name="coordinated_assigned_tasks", verbose_name=_("coordinating units")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    report_number = models.CharField(_("report number"), max_length=100, blank=True)
    report_date = models.DateField(_("report date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(Document, blank=True, related_name="assigned_tasks", verbose_name=_("evidence"))
    source = models.CharField(_("entered through"), max_length=20, blank=True)  # manual, import, api
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        ordering = ["due_date", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="assigned_task_code_unique")]
        indexes = [models.Index(fields=["agency", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("plans:assigned_detail", args=[self.pk])

    @property
    def on_time(self) -> bool | None:
        """Done by its due date; None while open, withdrawn or without a due date."""
        if self.status != self.Status.DONE or self.completed_on is None or self.due_date is None:
            return None
        return self.completed_on <= self.due_date
