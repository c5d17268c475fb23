"""PAR INDEX: versioned criteria sets, yearly rounds, scorecards, per-criterion scores and evidence,
unit assignments, links from plan tasks to criteria, and periodic metric series.

Scores are stored as declared values and appraisers' points; totals are always recomputed by the
pure module `scorecards.scoring`, so the web, the command line and the benchmark agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Agency, Document, DocumentVersion, Province, Unit
from scorecards.criteria import CriteriaSet as ParsedSet
from scorecards.criteria import parse_criteria


class CriteriaSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="criteria_sets", verbose_name=_("province")
    )
    code = models.CharField(_("code"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    year = models.PositiveIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=500)
    unit_group = models.CharField(_("group of agencies"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField(_("definition"))
    source_text = models.TextField(_("source file"), blank=True)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code", "version"], name="criteria_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def parsed(self) -> ParsedSet:
        """The validated set (cached on the instance; a stored definition was valid when loaded)."""
        cached: ParsedSet | None = getattr(self, "_parsed", None)
        if cached is None:
            cached = parse_criteria(self.definition, source=str(self))
            self._parsed = cached
        return cached


class Phase(models.TextChoices):
    SETUP = "setup", _("Setup")
    SELF = "self", _("Self-scoring")
    APPRAISAL1 = "appraisal1", _("Appraisal 1")
    EXPLANATION = "explanation", _("Explanation")
    APPRAISAL2 = "appraisal2", _("Appraisal 2")
    COUNCIL = "council", _("Council")
    PUBLISHED = "published", _("Published")


PHASE_ORDER = [p.value for p in Phase]
# The deadline field of each phase that has one.
PHASE_DEADLINES = {
    Phase.SELF: "self_closes_on",
    Phase.APPRAISAL1: "appraisal1_closes_on",
    Phase.EXPLANATION: "explanation_closes_on",
    Phase.APPRAISAL2: "appraisal2_closes_on",
    Phase.COUNCIL: "council_closes_on",
}


class Round(models.Model):
    """One yearly assessment of a group of agencies, organised by a Sở Nội vụ."""

    organizer = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="organised_rounds", verbose_name=_("organiser")
    )
    year = models.PositiveIntegerField(_("assessed year"))
    name = models.CharField(_("name"), max_length=300)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("criteria set")
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("previous round")
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.SETUP)
    self_closes_on = models.DateField(_("self-scoring closes"), null=True, blank=True)
    appraisal1_closes_on = models.DateField(_("appraisal 1 closes"), null=True, blank=True)
    explanation_closes_on = models.DateField(_("explanation closes"), null=True, blank=True)
    appraisal2_closes_on = models.DateField(_("appraisal 2 closes"), null=True, blank=True)
    council_closes_on = models.DateField(_("council closes"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED

    def closes_on(self, phase: str | None = None):
        field = PHASE_DEADLINES.get(phase or self.phase)
        return getattr(self, field) if field else None


class Scorecard(models.Model):
    """One agency in one round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the leader's approval")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("round"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("agency"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved and submitted by"),
    )
    explanation_submitted_at = models.DateTimeField(_("explanations submitted"), null=True, blank=True)
    # Totals per column (self, a1, a2, final), refreshed on every change: ranking reads only this.
    results = models.JSONField(_("results"), default=dict, blank=True)
    # The published result, frozen at publication.
    published_results = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["round", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="scorecard_unique_in_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.agency}"


class Block(models.TextChoices):
    NODE = "", _("Criterion")
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")


class NodeScore(models.Model):
    """Everything said about one leaf criterion (or bonus/penalty item) of one scorecard."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    code = models.CharField(_("code"), max_length=40)
    block = models.CharField(max_length=10, choices=Block.choices, blank=True, default="")
    declared = models.JSONField(_("declared value"), null=True, blank=True)
    note = models.TextField(_("explanation of the self-assessment"), blank=True)
    # external criteria: where the value came from ({key, label, period, value}), or an override
    metric = models.JSONField(null=True, blank=True)
    metric_overridden = models.BooleanField(default=False)
    metric_override_reason = models.TextField(blank=True)
    a1_points = models.DecimalField(_("appraisal 1"), max_digits=7, decimal_places=2, null=True, blank=True)
    a1_reason = models.TextField(_("reason (appraisal 1)"), blank=True)
    explanation_requested = models.BooleanField(_("explanation requested"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    a2_points = models.DecimalField(_("appraisal 2"), max_digits=7, decimal_places=2, null=True, blank=True)
    a2_reason = models.TextField(_("reason (appraisal 2)"), blank=True)
    final_points = models.DecimalField(_("council"), max_digits=7, decimal_places=2, null=True, blank=True)
    final_reason = models.TextField(_("reason (council)"), blank=True)
    carried_from = models.JSONField(null=True, blank=True)  # {round, code, max} when pre-filled
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.ManyToManyField(Document, through="ScoreEvidence", related_name="score_uses", blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "block", "code"], name="node_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id} {self.block}{self.code}"


class ScoreEvidence(models.Model):
    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial")
        SUPPLEMENTARY = "supplementary", _("Supplementary (explanation)")

    score = models.ForeignKey(NodeScore, on_delete=models.CASCADE, related_name="evidence_links")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="score_links")
    # the file version the agency submitted: later versions do not change what was appraised
    version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="score_links"
    )
    stage = models.CharField(max_length=15, choices=Stage.choices, default=Stage.INITIAL)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["score", "document"], name="score_evidence_unique")]

    def __str__(self) -> str:
        return f"{self.score_id} {self.document_id}"


class Assignment(models.Model):
    """A block of criteria (a node and everything under it) given to a unit to prepare."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SUBMITTED = "submitted", _("Submitted by the unit")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="assignments")
    code = models.CharField(_("criterion"), max_length=40)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="score_assignments", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "code"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.code} → {self.unit}"

    def covers(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


class TaskLink(models.Model):
    """A plan task that protects the points of a criterion (by criteria set code and node code, so
    links survive new versions of the set)."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="criteria_links")
    set_code = models.CharField(max_length=100)
    code = models.CharField(_("criterion"), max_length=40)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "set_code", "code"], name="task_link_unique")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.code}"


class MetricSeries(models.Model):
    """A periodic figure no system produces (e.g. public investment disbursement rate), entered by
    its owner unit with evidence; feeds the criteria whose `metric` is its key."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMIANNUAL = "semiannual", _("Every 6 months")
        YEARLY = "yearly", _("Yearly")

    class Kind(models.TextChoices):
        RATIO = "ratio", _("Ratio (numerator / denominator)")
        PERCENT = "percent", _("Percentage")
        COUNT = "count", _("Count")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="metric_series")
    key = models.SlugField(_("metric key"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATIO)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit"))

    class Meta:
        verbose_name = _("metric series")
        verbose_name_plural = _("metric series")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "key"], name="metric_series_key_unique")]

    def __str__(self) -> str:
        return self.name


class MetricEntry(models.Model):
    series = models.ForeignKey(MetricSeries, on_delete=models.CASCADE, related_name="entries")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    period_label = models.CharField(_("period"), max_length=40)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(Document, blank=True, related_name="metric_entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        ordering = ["series", "period_end"]
        constraints = [models.UniqueConstraint(fields=["series", "period_end"], name="metric_entry_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.period_label}"
