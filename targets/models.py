"""Targets (chỉ tiêu) of a plan, measured from the registers, a periodic series or an entered
value, with their period-end history (issue 22; rules in docs/targets.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Agency, Document, Unit
from plans.models import ParDomain, Plan, SipasElement, Task


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


class Target(models.Model):
    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("At least")
        AT_MOST = "at_most", _("At most")
        EXACTLY = "exactly", _("Exactly")
        ZERO = "zero", _("None (zero)")
        YES = "yes", _("Done (yes/no)")

    class Measure(models.TextChoices):
        COMPUTED = "computed", _("Computed from the registers")
        SERIES = "series", _("Periodic figure entered by the owner unit")
        MANUAL = "manual", _("Value or yes/no entered with evidence")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="targets", verbose_name=_("agency"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("province target served"),
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=300)
    section = models.CharField(_("plan section"), max_length=20, blank=True)
    source_text = models.TextField(_("sentence of the plan"), blank=True)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True, default="%")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_label = models.CharField(_("baseline period"), max_length=60, blank=True, default="2025")
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(_("due date"))
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("How far from the target still counts as at risk rather than off track (empty: the default rule)."),
    )
    owner_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("owner unit")
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.COMPUTED)
    measure_key = models.CharField(_("measure key"), max_length=60, blank=True)
    tasks = models.ManyToManyField(Task, blank=True, related_name="targets", verbose_name=_("tasks"))
    par_domain = models.PositiveSmallIntegerField(_("PAR domain"), choices=ParDomain.choices, null=True, blank=True)
    sipas_element = models.CharField(_("SIPAS element"), max_length=20, choices=SipasElement.choices, blank=True)
    criteria = models.JSONField(_("PAR criteria"), default=list, blank=True)  # criterion codes, e.g. ["1.5"]
    sipas_items = models.JSONField(_("SIPAS elements and items"), default=list, blank=True)
    indicators_766 = models.JSONField(_("Decision 766 indicators"), default=list, blank=True)
    to_be_confirmed = models.BooleanField(_("to be confirmed by the agency"), default=False)
    confirmation_note = models.CharField(_("why it is to be confirmed"), max_length=300, blank=True)
    public = models.BooleanField(_("shown on the public portal"), default=False)
    order = models.PositiveIntegerField(default=0)
    source_key = models.CharField(max_length=100, blank=True, help_text="identifies a target loaded from a data file")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan")]
        indexes = [models.Index(fields=["agency", "plan"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("targets:detail", args=[self.pk])


class TargetReading(models.Model):
    """A value entered for a `manual` target (a yes/no as 1/0), dated, with its evidence."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="readings", verbose_name=_("target"))
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(Document, blank=True, related_name="target_readings", verbose_name=_("evidence"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target value")
        verbose_name_plural = _("target values")
        ordering = ["target", "-as_of", "-pk"]
        indexes = [models.Index(fields=["target", "-as_of"])]

    def __str__(self) -> str:
        return f"{self.target.code} {self.as_of:%d/%m/%Y}"


class TargetSnapshot(models.Model):
    """The value and status of a target at a period end (month), kept so that the trend and last
    year's comparison survive later corrections of the registers; corrections are audited."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("target"))
    period_end = models.DateField(_("period end"))
    period_label = models.CharField(_("period"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("period value")
        verbose_name_plural = _("period values")
        ordering = ["target", "period_end"]
        constraints = [models.UniqueConstraint(fields=["target", "period_end"], name="target_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.target.code} {self.period_label}"
