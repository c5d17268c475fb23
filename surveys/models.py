"""SIPAS campaigns, single-use survey tokens and anonymous responses (sipas.md §9).

A token row holds only a keyed hash of the token, a used flag and what the response will copy
(agency, unit, procedure); nothing links it to the response. A response holds its answers, the
date (never the time), the channel and how it came in; no token, dossier code, name, IP address
or arrival order (its id is a random UUID and lists are ordered by it). A receipt-link answer
waits in the mix pool (PendingResponse) and is written with others in a shuffled batch, in a
transaction of its own (surveys.mixing): no xmin, physical order or id ties it to its link, and
a spent link keeps only its hash.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Agency, Unit
from procedures.models import Procedure


def open_key() -> str:
    return secrets.token_urlsafe(9)


class Campaign(models.Model):
    """A survey round of an agency: its period, the units and procedures it covers (none = all),
    the margin of error of its sample plan, and whether it has an open link (no receipt)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="sipas_campaigns", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.CharField(_("questionnaire"), max_length=60, default="sipas-service-2026")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="+", verbose_name=_("procedures"))
    margin = models.DecimalField(_("margin of error"), max_digits=4, decimal_places=3, default=Decimal("0.050"))
    open_link = models.BooleanField(_("open link"), default=False)
    open_key = models.CharField(max_length=20, unique=True, default=open_key, editable=False)
    min_cell = models.PositiveSmallIntegerField(_("smallest cell shown"), default=5)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class SurveyToken(models.Model):
    """A single-use invitation: the keyed hash of the token printed on a receipt, never the token.
    Once spent, only the hash and the used flag remain."""

    digest = models.CharField(max_length=64, unique=True)
    # agency, unit and procedure are what the response will copy; a spent link forgets them all
    # (surveys.mixing.spend), so that nothing it keeps matches its response
    agency = models.ForeignKey(Agency, null=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    procedure = models.ForeignKey(Procedure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    procedure_code = models.CharField(max_length=40, blank=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self) -> str:
        return self.digest[:12]


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (link or QR code)")
    DIRECT = "direct", _("At the counter")
    PAPER = "paper", _("Paper form")


class Source(models.TextChoices):
    RECEIPT = "receipt", _("Receipt link (one per dossier)")
    OPEN = "open", _("Open link")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported file")


class CommentState(models.TextChoices):
    NONE = "", _("No comment")
    PENDING = "pending", _("Awaiting review")
    SHOWN = "shown", _("Shown")
    HIDDEN = "hidden", _("Hidden")


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="sipas_responses", verbose_name=_("agency")
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses", verbose_name=_("campaign")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("unit")
    )
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("procedure")
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    questionnaire = models.CharField(_("questionnaire"), max_length=60)
    answered_on = models.DateField(_("date"))
    answers = models.JSONField(_("answers"), default=dict)
    profile = models.JSONField(_("respondent profile"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    comment_shown = models.TextField(_("comment as shown to staff"), blank=True)
    comment_state = models.CharField(_("comment"), max_length=10, choices=CommentState.choices, blank=True)
    external_id = models.CharField(_("response id in the file"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invalid_reason = models.TextField(_("reason for invalidation"), blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["id"]  # random: never the order of arrival
        indexes = [models.Index(fields=["agency", "answered_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_id"], condition=~models.Q(external_id=""), name="sipas_external_id_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_valid(self) -> bool:
        return not self.invalid_reason


class PendingResponse(models.Model):
    """A receipt-link answer waiting in the mix pool (surveys.mixing) before it is written, with
    others, as a Response in a shuffled batch. While it waits it names the hash of its link
    (`claim`), so that a crash between keeping the answer and spending the link neither loses nor
    doubles it; that tie disappears with the row when its batch is written. No time, only the
    date; its id is random."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    claim = models.CharField(max_length=64, db_index=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    procedure = models.ForeignKey(Procedure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    procedure_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    questionnaire = models.CharField(max_length=60)
    answered_on = models.DateField()
    answers = models.JSONField(default=dict)
    profile = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey response waiting to be written")
        verbose_name_plural = _("survey responses waiting to be written")

    def __str__(self) -> str:
        return str(self.id)
