"""Feedback and petitions (phản ánh, kiến nghị) under Decree 20/2008 (feedback_pakn.md): the
register of items with their deadlines per step, internal notes, attachments, and the register
of citizen reception sessions (tiếp công dân).

The sender's name, address, phone and e-mail and the original text stay private; what the portal
shows is the redacted summary and the approved answer (feedback_pakn.md §7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.files import EXTENSIONS
from core.models import Agency, Unit
from core.text import fold
from procedures.models import Procedure


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    INFO_REQUESTED = "info_requested", _("More information requested")
    FORWARDED = "forwarded", _("Forwarded to the competent body")
    PROCESSING = "processing", _("Being handled")
    AWAITING_APPROVAL = "awaiting_approval", _("Answer awaiting the leader's approval")
    AWAITING_PUBLICATION = "awaiting_publication", _("Awaiting publication")
    PUBLISHED = "published", pgettext_lazy("feedback status", "Published")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.RECEIVED, Status.INFO_REQUESTED, Status.PROCESSING, Status.AWAITING_APPROVAL)
ENDED_STATUSES = (Status.NOT_ACCEPTED, Status.FORWARDED, Status.PUBLISHED, Status.CLOSED)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    NATIONAL_PORTAL = "national_portal", _("National public service portal")
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")


class Category(models.TextChoices):
    REGULATION = "regulation", _("Regulation, policy or administrative procedure")
    CONDUCT = "conduct", _("Conduct of an official")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    REPORT = "report", _("Report (phản ánh)")
    PROPOSAL = "proposal", _("Proposal (kiến nghị)")


class SenderType(models.TextChoices):
    PERSON = "person", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class Salutation(models.TextChoices):
    """How a person is addressed in the answer (Ông, Bà; blank: "Ông/Bà")."""

    MR = "mr", pgettext_lazy("salutation", "Mr")
    MS = "ms", pgettext_lazy("salutation", "Ms")


class Feedback(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("agency"))
    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    access_hash = models.CharField(max_length=64, blank=True)  # the sender's key (rating), hashed
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    sender_type = models.CharField(_("sender"), max_length=12, choices=SenderType.choices, default=SenderType.PERSON)
    salutation = models.CharField(
        _("form of address"), max_length=2, choices=Salutation.choices, blank=True, default=""
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"), blank=True)
    content = models.TextField(_("content"))
    summary = models.TextField(_("public summary (redacted)"), blank=True)
    answer_only = models.BooleanField(_("publish only the answer"), default=False)
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("procedure")
    )
    dossier_code = models.CharField(_("dossier code"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received at"))
    confirmed = models.BooleanField(_("e-mail confirmed"), default=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    within_competence = models.BooleanField(_("within competence"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback", verbose_name=_("unit")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    # deadlines per step, in working days from day 0 (feedback_pakn.md §4)
    due_reject = models.DateField(_("reject by"))
    due_info = models.DateField(_("request information by"))
    due_forward = models.DateField(_("forward by"))
    due_answer = models.DateField(_("answer by"))
    extended_to = models.DateField(_("answer extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    due_publish = models.DateField(_("publish by"), null=True, blank=True)
    reason = models.TextField(_("reason (not accepted) or information requested"), blank=True)
    not_accepted_at = models.DateTimeField(_("not accepted at"), null=True, blank=True)
    info_requested_at = models.DateTimeField(_("information requested at"), null=True, blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    public_answer = models.TextField(_("published answer (redacted)"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answer approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    rated_unsatisfied = models.BooleanField(_("rated unsatisfied"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder from the sender"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders from the sender"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # the published summary, answer, code and unit, folded (core.text.fold): the portal's search
    search_text = models.TextField(blank=True, editable=False)
    # the tracking code, the sender's details and the original text, folded: the desk's search
    # (staff who see the item see all of these on its page)
    desk_text = models.TextField(blank=True, editable=False)
    # the public form's one-time key (feedback.public): a reload or a second tap creates nothing
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("repeat of")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "received_at"]),
            models.Index(fields=["-published_at", "-id"], name="feedback_published_idx"),  # the portal's list
            models.Index(fields=["agency", "-published_at", "-id"], name="feedback_agency_published_idx"),
        ]
        # PostgreSQL also has a trigram index on search_text (migration 0002), which serves the
        # portal's word search (LIKE '%word%') without reading every published answer.

    def __str__(self) -> str:
        return self.code

    @property
    def answer_due(self):
        return self.extended_to or self.due_answer

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def repeated(self) -> bool:
        return self.repeat_of_id is not None

    def folded_desk_text(self) -> str:
        """What the desk's search reads (staff only): code, sender, dossier and the original text."""
        parts = [self.code, self.name, self.address, self.phone, self.email, self.dossier_code, self.content]
        return fold(" ".join(parts))

    def folded_public_text(self) -> str:
        """What the portal's search reads: only what the public page shows."""
        parts = [self.code, self.public_answer, self.unit.name if self.unit_id and self.unit else ""]
        if not self.answer_only:
            parts.append(self.summary)
        return fold(" ".join(parts))


def attachment_path(instance: Attachment, filename: str) -> str:
    """Named by content: SHA-256 and the extension of the checked type, so identical files share
    one stored copy (feedback.services.attach) and no stored name carries the sender's extension."""
    extension = EXTENSIONS.get(instance.content_type, "")
    return f"feedback/{instance.feedback.agency_id}/{instance.sha256[:2]}/{instance.sha256}{extension}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """An internal note: never shown to the sender or on the portal."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Template(models.Model):
    """A response template per category and step, with {code}, {date} and {body} placeholders."""

    class Step(models.TextChoices):
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        FORWARDED = "forwarded", _("Forwarded")
        ANSWER = "answer", _("Answer")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="feedback_templates")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["step", "category", "title"]

    def __str__(self) -> str:
        return self.title


class ReceptionSession(models.Model):
    """A session of citizen reception (tiếp công dân, plan part II.1.a)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="receptions")
    held_on = models.DateField(_("date"))
    received_by = models.CharField(_("received by"), max_length=200)
    leader_present = models.BooleanField(_("the head of the agency received"), default=False)
    citizen = models.CharField(_("citizen or organisation"), max_length=200)
    citizen_address = models.CharField(_("address"), max_length=300, blank=True)
    people = models.PositiveSmallIntegerField(_("number of people"), default=1)
    content = models.TextField(_("content"))
    handling = models.TextField(_("handling"), blank=True)
    result = models.TextField(_("result"), blank=True)
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("feedback item")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("citizen reception")
        verbose_name_plural = _("citizen receptions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.citizen}"
