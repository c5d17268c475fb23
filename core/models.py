"""Organisation (province, agencies, units, people, roles), audit trail, calendar, evidence, notifications."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    LEADER = "leader", _("Agency leader")
    FOCAL_POINT = "focal_point", _("Office focal point")
    UNIT_HEAD = "unit_head", _("Unit head")
    OFFICER = "officer", _("Officer")
    APPRAISER = "appraiser", _("Appraiser")
    AUDITOR = "auditor", _("Auditor")
    # The provincial system's account: pushes and reads the agency's dossiers through the API and
    # nothing else (no pages, no other data; see core.access.Scope and core.auth).
    INTEGRATION = "integration", _("Integration account (API)")


class Province(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department (sở)")
        BOARD = "board", _("Board (ban)")
        SECTOR = "sector", _("Sector agency (ngành)")
        COMMUNE = "commune", _("Commune People's Committee")
        WARD = "ward", _("Ward People's Committee")  # two-level local government since 1/7/2025
        HOME_AFFAIRS = "home_affairs", _("Department of Home Affairs")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("province")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    symbol = models.CharField(_("document symbol"), max_length=40, blank=True)
    electronic_id = models.CharField(
        _("electronic identifier"), max_length=40, blank=True, help_text=_("Mã định danh điện tử, e.g. H38.15")
    )
    parent_body = models.CharField(
        _("governing body"), max_length=200, blank=True, help_text=_("e.g. UBND TỈNH LẠNG SƠN")
    )
    letterhead = models.TextField(
        _("name in the document header"),
        blank=True,
        help_text=_(
            "The issuing body as the header of the agency's documents prints it, one line per line "
            "(e.g. BAN QUẢN LÝ KHU KINH TẾ / CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN); empty: the name, broken "
            "where it fits."
        ),
    )
    phone = models.CharField(
        _("one-stop desk phone"),
        max_length=40,
        blank=True,
        help_text=_("Shown to citizens on the agency's public page and when a dossier code is not found."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        DIVISION = "division", _("Division")
        CENTRE = "centre", _("Centre")
        LEADERSHIP = "leadership", _("Leadership")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units", verbose_name=_("agency"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_("As documents' tables write it (e.g. VP, Phòng QLDN, TTQLCK); empty: the full name."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DIVISION)
    is_office = models.BooleanField(_("is the CCHC focal office"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency_id", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_in_agency")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The unit as documents' tables name it: its short name, else its name."""
        return self.short_name or self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    second_factor = models.BooleanField(
        _("second log-in factor on"),
        default=False,
        editable=False,
        help_text=_("Kept in step with the person's confirmed authenticator (core.two_factor)."),
    )
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_("Set when an administrator gives a temporary password: a new one is chosen at log-in."),
    )
    email_digest = models.BooleanField(
        _("daily e-mail digest"),
        default=True,
        help_text=_("Receives the daily e-mail summary of their notifications (core.jobs.send_digests)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.get_username()


class Membership(models.Model):
    """A role held by a person in an agency, optionally tied to one unit. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency"))
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.agency}"


def token_expiry():
    """A new token's expiry: settings.API_TOKEN_DAYS from now (existing tokens got theirs from
    the migration that brought expiry in)."""
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored. A `read` token may only read
    (GET); it expires at `expires_at` (settings.API_TOKEN_DAYS after its creation by default)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class Signer(models.Model):
    """Who signs the agency's documents of one kind, as printed in the Decree 30 signature block:
    the authority line ("KT. TRƯỞNG BAN", blank when signing in one's own name), the title
    ("PHÓ TRƯỞNG BAN") and the name. Kept by the agency's administrator; the first active signer of
    a use (by `order`) is the one documents of that use carry (core.signers.signer_for)."""

    class Use(models.TextChoices):
        REPORTS = "reports", _("Periodic reports and plans")
        DOSSIERS = "dossiers", _("Dossier letters (apology, refusal)")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="signers", verbose_name=_("agency"))
    use = models.CharField(_("documents signed"), max_length=20, choices=Use.choices)
    authority = models.CharField(
        _("signing authority"),
        max_length=100,
        blank=True,
        help_text=_("e.g. KT. TRƯỞNG BAN; blank when signing in one's own name"),
    )
    title = models.CharField(_("title"), max_length=100, help_text=_("e.g. PHÓ TRƯỞNG BAN"))
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        ordering = ["agency_id", "use", "order", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}".strip()


class CalendarOverride(models.Model):
    """An official correction of the `holidays` package: takes precedence over it (one_stop.md §6)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (day off)")
        SWAP_OFF = "swap_off", _("Swapped day off")
        SWAP_WORK = "swap_work", _("Swapped working day")
        REMOVE_HOLIDAY = "remove_holiday", _("Not a holiday (working day)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_ref = models.CharField(_("legal reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class Document(models.Model):
    """An evidence document (tài liệu kiểm chứng) with official-document metadata; files are versions."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agency"))
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents", verbose_name=_("unit")
    )
    doc_number = models.CharField(_("number and symbol"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=255, blank=True)
    abstract = models.CharField(_("abstract"), max_length=500)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.abstract}".strip()

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join([self.doc_number, self.issuer, self.abstract]))


def evidence_path(instance: DocumentVersion, filename: str) -> str:
    return f"evidence/{instance.document.agency_id}/{instance.sha256[:2]}/{instance.sha256}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=evidence_path, max_length=300, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.version}"


class Notification(models.Model):
    """An in-app message; `key` makes creation idempotent across worker restarts and processes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    for_date = models.DateField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]

    def __str__(self) -> str:
        return self.title


class DigestDelivery(models.Model):
    """One e-mail digest per person per day; the unique row is the claim that prevents a second send."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    day = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class WorkerRun(models.Model):
    """A daily job run claimed by exactly one worker (unique job + day)."""

    job = models.CharField(max_length=60)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="worker_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class RateCount(models.Model):
    """A request counter of core.ratelimit: the salted hash of a client and what it did (never an
    address), and its count in the window that ends at `expires` (epoch seconds). Counted by one
    atomic statement, so app processes counting at once lose nothing."""

    name = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.name
