"""The procedure catalogue (danh mục TTHC), the dossier register (sổ theo dõi hồ sơ) with its
hand-overs and supplement requests, dossier imports and the portal's official 766 scores.

Lifecycle and forms: one_stop.md §2-§5; indicators: service_quality_766.md.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Agency, Unit
from procedures import quality


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("calendar days")
    HOURS = "hours", _("office hours")
    MONTHS = "months", _("months")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Not online")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


class Procedure(models.Model):
    """One administrative procedure in an agency's competence, as published (7 parts and the steps)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="procedures", verbose_name=_("agency"))
    code = models.CharField(_("national procedure code"), max_length=40)
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=50, blank=True)
    limit = models.PositiveIntegerField(_("time limit"))
    limit_unit = models.CharField(
        _("time limit unit"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    apply_cutoff = models.BooleanField(_("15:00 cut-off applies"), default=True)
    fees = models.CharField(_("fees and charges"), max_length=500, blank=True)
    fee_bearing = models.BooleanField(_("fee-bearing"), default=False)
    online_level = models.CharField(
        _("online service"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    paper_result = models.BooleanField(_("paper result issued"), default=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    where = models.TextField(_("where to submit"), blank=True)
    responsible = models.TextField(_("who is in charge"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    documents = models.TextField(_("dossier components"), blank=True)
    result = models.TextField(_("result"), blank=True)
    recourse = models.TextField(_("where to complain"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["field", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="procedure_code_per_agency")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def required_documents(self) -> list[str]:
        """The catalogue's dossier components, one document a line: the reception checklist."""
        return document_lines(self.documents)


BULLET = re.compile(r"^\s*(?:[-+*•·–]+|\(?\d{1,2}[.)]|\(?[a-zđ][)])\s*")


def document_lines(text: str) -> list[str]:
    """Lines of a list of documents, bullets and numbers ("- ", "1. ", "a) ") taken off; headings
    ("Thành phần hồ sơ gồm:") and the count of sets ("Số lượng hồ sơ: 01 bộ") are not documents."""
    names = []
    for line in text.splitlines():
        name = BULLET.sub("", line).strip().rstrip(";.").strip()
        if name and not name.endswith(":") and not name.lower().startswith("số lượng"):
            names.append(name)
    return list(dict.fromkeys(names))


class Channel(models.TextChoices):
    DIRECT = "direct", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


class DossierStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    FINISHED = "finished", _("Finished")
    RETURNED = "returned", _("Result returned")
    REJECTED = "rejected", _("Rejected")
    STOPPED = "stopped", _("Stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ENDED_STATUSES = ("finished", "returned", "rejected", "stopped", "withdrawn")
OPEN_STATUSES = ("received", "processing", "supplement_requested")


class ApplicantKind(models.TextChoices):
    """Who applies: a person is written to as "Ông/Bà <name>", an organisation by its name (D28).
    Blank on dossiers that came without it (imports, the API, older rows): see `addressee`."""

    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ApplicantTitle(models.TextChoices):
    MR = "mr", _("Mr.")
    MS = "ms", _("Ms.")


class Source(models.TextChoices):
    COUNTER = "counter", _("Counter")
    API = "api", _("Provincial system (API)")
    IMPORT = "import", _("File import")


class ResultDelivery(models.TextChoices):
    DESK = "desk", _("At the desk")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class Dossier(models.Model):
    # A register holds millions of rows and every index and foreign-key check is paid on each
    # insert: the agency's own index is covered by the composite indexes below, which lead with
    # it; the import batch is a provenance note (SET_NULL is applied by Django) that is not
    # checked by the database row by row.
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="dossiers", verbose_name=_("agency"), db_index=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers", verbose_name=_("unit")
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("procedure"),
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40, blank=True)
    code = models.CharField(_("dossier code"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.DIRECT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COUNTER)
    received_at = models.DateTimeField(_("received at"))
    due_date = models.DateField(_("due date"))
    due_time = models.TimeField(_("due time"), null=True, blank=True)  # hour limits only
    limit = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    limit_unit = models.CharField(_("time limit unit"), max_length=20, choices=LimitUnit.choices, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices, default="received")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    supplement_requested_at = models.DateTimeField(_("supplement requested at"), null=True, blank=True)
    supplement_completed_at = models.DateTimeField(_("supplement completed at"), null=True, blank=True)
    paper_result = models.BooleanField(_("paper result"), default=False)
    e_result = models.BooleanField(_("electronic result"), default=False)
    digitized = models.BooleanField(_("digitised"), default=False)
    reused_data = models.BooleanField(_("reused digitised data"), default=False)
    fee_bearing = models.BooleanField(_("fee-bearing"), default=False)
    paid_online = models.BooleanField(_("paid online"), default=False)
    complaint = models.BooleanField(_("complaint or dislike"), default=False)
    applicant_kind = models.CharField(_("applicant is"), max_length=12, choices=ApplicantKind.choices, blank=True)
    applicant_title = models.CharField(_("form of address"), max_length=2, choices=ApplicantTitle.choices, blank=True)
    applicant_name = models.CharField(_("applicant"), max_length=200, blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_id_number = models.CharField(_("personal ID number"), max_length=20, blank=True)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    components = models.TextField(_("components received"), blank=True)
    # The catalogue's required documents as checked at the counter: [{"name": ..., "received": bool}]
    checklist = models.JSONField(_("documents checked at reception"), default=list, blank=True)
    result_delivery = models.CharField(
        _("result collected"), max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.DESK
    )
    reception_point = models.CharField(_("reception point"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # why a dossier was refused, stopped or withdrawn (what the applicant is told, Mẫu 03)
    end_reason = models.TextField(_("reason given to the applicant"), blank=True)
    # Mẫu 04: the apology with a new date, set once (the 766 due date stays the original one)
    apology_date = models.DateField(_("new date (apology)"), null=True, blank=True)
    apology_reason = models.TextField(_("reason for the delay"), blank=True)
    apology_at = models.DateTimeField(_("apology issued at"), null=True, blank=True)
    apology_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_batch = models.ForeignKey(
        "DossierImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The 766 progress rule worked out when the dossier is written (procedures.quality.Facts), so
    # the indicators of a period are counted in the database. Kept in step by save() and by the
    # importer; never edited.
    progress_ended_on = models.DateField(null=True, blank=True, editable=False)
    progress_outcome = models.CharField(max_length=8, blank=True, editable=False)
    early_through = models.DateField(null=True, blank=True, editable=False)
    late_from = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="dossier_code_per_agency")]
        indexes = [
            # Covers the 766 counts of a period (selectors.quality reads only this index, in
            # reception order) and the register's newest-first list.
            models.Index(
                fields=[
                    "agency",
                    "received_at",
                    "progress_ended_on",
                    "progress_outcome",
                    "early_through",
                    "late_from",
                    "unit",
                    "channel",
                    "paper_result",
                    "e_result",
                    "digitized",
                    "reused_data",
                    "fee_bearing",
                    "paid_online",
                    "complaint",
                ],
                name="dossier_period_facts",
            ),
            models.Index(fields=["agency", "status", "due_date"], name="dossier_agency_open_due"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        if self.refresh_facts() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *FACT_FIELDS}
        super().save(*args, **kwargs)

    def refresh_facts(self) -> bool:
        """Works the FACT_FIELDS out from the fields they follow (save() does; call it before a
        bulk_create). False while the dossier has no reception time or due date yet."""
        if self.received_at is None or self.due_date is None:
            return False
        for name, value in progress_facts(self.as_record()).items():
            setattr(self, name, value)
        return True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def missing_documents(self) -> list[str]:
        """The catalogue's required documents the counter did not tick as received."""
        return [item["name"] for item in self.checklist or () if not item.get("received")]

    def received_documents(self) -> list[str]:
        """What the receipt lists: the ticked checklist documents, then the other components typed."""
        ticked = [item["name"] for item in self.checklist or () if item.get("received")]
        return list(dict.fromkeys([*ticked, *document_lines(self.components)]))

    def as_record(self) -> quality.Dossier:
        return quality.Dossier(*(getattr(self, name) for name in RECORD_FIELDS))


# The quality.Dossier fields, in its order (each is a field of the model, of the same name).
RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(quality.Dossier))
FACT_FIELDS = ("progress_ended_on", "progress_outcome", "early_through", "late_from")


def progress_facts(record: quality.Dossier) -> dict[str, Any]:
    """The FACT_FIELDS of a dossier."""
    facts = quality.facts(record)
    return {
        "progress_ended_on": facts.ended_on,
        "progress_outcome": facts.outcome,
        "early_through": facts.early_through,
        "late_from": facts.late_from,
    }


class Handover(models.Model):
    """One hand-over of the dossier between units or people (a row of Mẫu 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    handed_at = models.DateTimeField(_("time"))
    giver = models.CharField(_("handed over by"), max_length=200)
    receiver = models.CharField(_("received by"), max_length=200)
    to_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # the unit that held the dossier before this hand-over (the giver's unit)
    from_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    step_due = models.DateField(_("step due"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["handed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.giver} → {self.receiver}"


class SupplementRequest(models.Model):
    """A request to supplement the dossier (Mẫu 02): the clock pauses until it is completed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField(_("requested at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    missing = models.TextField(_("missing documents"), blank=True)  # one per line, printed on Mẫu 02
    items = models.TextField(_("items to add or correct, with reasons"), blank=True)
    second_reason = models.TextField(_("why a second request"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} @ {self.requested_at:%d/%m/%Y}"

    def missing_documents(self) -> list[str]:
        return [line.strip() for line in self.missing.splitlines() if line.strip()]


class DossierCounter(models.Model):
    """The sequence of the day per code prefix (one_stop.md §4): locked, incremented, never reused."""

    prefix = models.CharField(max_length=60)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="dossier_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day} {self.last}"


class DossierImport(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="dossier_imports")
    file = models.CharField(max_length=300)  # name under "imports/" in the shared storage (core.storage)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    problem_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class OfficialScore(models.Model):
    """A score published by the national portal (Cổng DVCQG) for a period, entered beside ours."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="official_766_scores")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    indicator = models.CharField(_("indicator"), max_length=40)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period_start", "period_end", "indicator"], name="official_score_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period_start}–{self.period_end}"
