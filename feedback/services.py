"""The feedback workflow (feedback_pakn.md §3-§5): intake with a tracking code and the deadlines
of every step, classification and assignment, not accepting, asking for information, forwarding
out of competence, the answer drafted, approved by a leader, published redacted, the sender's
rating (once), extensions with a reason. Every change is logged with its before and after.

Transitions:

    received ─┬─ not_accept ──────────────► not_accepted
              ├─ request_info ─► info_requested ─ info_supplied ─► processing
              ├─ forward ─────────────────► forwarded
              └─ classify ──► processing ─ submit_answer ─► awaiting_approval
                                  ▲                               │ approve
                                  └────────── return_answer ──────┤
                                                                  ▼
                              published ◄── publish ── awaiting_publication
                                  │ (the rating window ends: feedback.reminders)
                                  ▼
                               closed

    published, closed, not_accepted ─ reopen (reason) ─► processing

The sender may remind the agency (nhắc lại) while the item is open, once a day, and may rate the
published answer once. A staff member may mark an item as a repeat of an earlier one (the 766
ratio 5.3 counts repeats as not satisfied). The sender is e-mailed at each public step when they
gave an address (notify_sender).

Every step is keyword-only (`classify(item=..., actor=..., ...)`) and is given the moment it
happens (`now`, the view's `timezone.now()`) rather than reading the clock; the working-day rules
of the deadlines are in feedback.deadlines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import storage
from core.calendar import WorkingCalendar
from core.files import FileRejected, check_upload, checked_name
from core.forms import too_long
from core.jobs import notifications, notify
from core.models import Agency, Unit, User
from core.privacy import redact, segments
from core.services import StepRefused, diff, log_action
from feedback.addressing import addressee, public_greeting
from feedback.deadlines import StepDays, intake_deadlines, publish_by
from feedback.models import (
    OPEN_STATUSES,
    Attachment,
    Feedback,
    Note,
    ReceptionSession,
    SenderType,
    Status,
    Template,
    attachment_path,
)
from feedback.recipients import Recipients

log = logging.getLogger(__name__)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


class FeedbackError(StepRefused):
    """A step the item's state does not allow, said in plain words."""


# the longest texts the desk and the public form take (the server checks them and says so: a
# browser's maxlength would cut a pasted text without a word)
MAX_CONTENT = 5000
MAX_ANSWER = 10000
MAX_TEXT = 2000  # a note, a reason, an information request
MAX_FORWARDED_TO = 200  # Feedback.forwarded_to
SOON = 2  # working days before a date: the handlers are reminded, the sender may remind (nhắc lại)


def _fits(text: str | None, limit: int, what: str) -> None:
    """Refuses a text over `limit` characters in the house's words (core.forms.too_long)."""
    message = too_long(text or "", limit, what)
    if message:
        raise FeedbackError(message)


def step_days() -> StepDays:
    """Working days per step, from the settings (defaults: the national portal's)."""
    return StepDays(
        reject=settings.FEEDBACK_REJECT_DAYS,
        info=settings.FEEDBACK_INFO_DAYS,
        forward=settings.FEEDBACK_FORWARD_DAYS,
        answer=settings.FEEDBACK_ANSWER_DAYS,
        publish=settings.FEEDBACK_PUBLISH_DAYS,
    )


def new_code(day: dt.date) -> str:
    """PA-YYMMDD-XXXXXX: dated for the reader, random so that codes cannot be guessed."""
    for _attempt in range(10):
        code = f"PA-{day:%y%m%d}-" + "".join(secrets.choice(CODE_ALPHABET) for _n in range(6))
        if not Feedback.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free tracking code")  # pragma: no cover  (31^6 codes a day)


def key_hash(key: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:feedback:{key}".encode()).hexdigest()


def is_sender(item: Feedback, key: str) -> bool:
    """Whether `key` is the sender's key given at submission."""
    return bool(key) and bool(item.access_hash) and secrets.compare_digest(item.access_hash, key_hash(key))


def snapshot(item: Feedback) -> dict[str, Any]:
    return {
        f.name: getattr(item, f.attname)
        for f in Feedback._meta.concrete_fields
        if f.name not in ("updated_at", "access_hash", "content", "name", "address", "phone", "email")
    }


def _begin(item: Feedback, *states: str, text: str | None = None, missing: str = "") -> tuple[Feedback, dict[str, Any]]:
    """The item locked for a step and its state before: the step must be possible in the item's
    status (one of `states`, when given) and, when the step needs a `text`, the text given
    (FeedbackError `missing` otherwise)."""
    item = Feedback.objects.select_for_update().get(pk=item.pk)
    if states:
        _require(item, *states)
    if text is not None and not text.strip():
        raise FeedbackError(missing)
    return item, snapshot(item)


def _require(item: Feedback, *states: str) -> None:
    if item.status not in states:
        raise FeedbackError(
            _("This step is not possible while the item is “%(status)s”.") % {"status": item.get_status_display()}
        )


def _save(item: Feedback, before: dict[str, Any], *, actor: User | None, action: str, note: str = "") -> Feedback:
    item.save()
    log_action(
        actor=actor, agency=item.agency, action=action, obj=item, changes=diff(before, snapshot(item)), note=note
    )
    return item


def _known(item: Feedback) -> list[str]:
    return [item.name, item.address, item.phone, item.email, item.dossier_code]


def public_text(item: Feedback, text: str) -> str:
    """A text for the portal: personal data and the sender's own details removed, the greeting
    without the removed name ("Kính gửi Ông/Bà:", feedback.addressing)."""
    redacted = redact(text, known=_known(item))
    return public_greeting(redacted, organisation=item.sender_type == SenderType.ORGANISATION)


def sender_addressee(item: Feedback) -> str:
    """The sender as an answer addresses them: "Ông Nguyễn Văn Bình", "Ông/Bà Lò Thị E", or the
    organisation's name (feedback.addressing)."""
    return addressee(item.sender_type, item.salutation, item.name)


def _typed(item: Feedback, summary: str | None, answer: str | None) -> tuple[str, str]:
    """What staff typed for the portal, or (blank) the current summary and answer."""
    summary = summary.strip() if summary and summary.strip() else item.summary
    answer = answer.strip() if answer and answer.strip() else (item.public_answer or item.answer)
    return summary, answer


def publication_texts(item: Feedback, *, summary: str | None = None, answer: str | None = None) -> dict[str, str]:
    """The summary and the answer as the portal will show them: what staff typed (blank: the
    current text), redacted."""
    summary, answer = _typed(item, summary, answer)
    return {"summary": public_text(item, summary), "answer": public_text(item, answer)}


def publication_preview(item: Feedback, *, summary: str | None = None, answer: str | None = None) -> dict[str, Any]:
    """What publish() with this confirmation would publish, piece by piece (core.privacy.segments: each removed
    detail with its placeholder, for highlighting), and the confirmation that stands for exactly
    these texts."""
    summary, answer = _typed(item, summary, answer)
    texts = publication_texts(item, summary=summary, answer=answer)
    return {
        "summary": segments(summary, known=_known(item)),
        "answer": segments(answer, known=_known(item)),
        "texts": texts,
        "confirmation": confirmation_for(item, texts),
    }


def confirmation_for(item: Feedback, texts: dict[str, str]) -> str:
    """A signature of the exact public texts shown to staff in the preview."""
    value = f"{item.pk}\x1f{texts['summary']}\x1f{texts['answer']}"
    return salted_hmac("feedback.publish", value, algorithm="sha256").hexdigest()


@transaction.atomic
def receive(
    *,
    agency: Agency,
    channel: str,
    name: str,
    address: str,
    phone: str,
    content: str,
    cal: WorkingCalendar,
    received_at: dt.datetime,
    actor: User | None = None,
    email: str = "",
    confirmed: bool = True,
    files: Iterable[UploadedFile[bytes]] = (),
    submission_key: str | None = None,
    **fields: Any,
) -> tuple[Feedback, str]:
    """A new item with its tracking code, and the sender's key (shown once) for rating the answer.
    The sender's `files` are attached; a refused file (FileRejected) keeps nothing of the item.
    `submission_key` is the public form's one-time key (feedback.public): a second item with the
    same key is refused by the database (IntegrityError), see `submitted`."""
    _fits(content, MAX_CONTENT, _("Content"))
    key = secrets.token_urlsafe(12)
    item = Feedback(
        agency=agency,
        code=new_code(timezone.localtime(received_at).date()),
        access_hash=key_hash(key),
        channel=channel,
        name=name.strip(),
        address=address.strip(),
        phone=phone.strip(),
        email=email.strip(),
        content=content.strip(),
        received_at=received_at,
        confirmed=confirmed,
        created_by=actor if actor is not None and actor.pk else None,
        submission_key=submission_key or None,
        **intake_deadlines(received_at, cal, step_days()).as_fields(),
        **fields,
    )
    item.summary = public_text(item, item.content)
    item.desk_text = item.folded_desk_text()
    item.save()
    # the channel as a change, so that the history shows its label (never the stored "online")
    log_action(
        actor=actor,
        agency=agency,
        action="feedback.received",
        obj=item,
        changes={"channel": [None, channel]},
        note=item.code,
    )
    attach(item=item, files=files)
    return item, key


MAX_ATTACHMENTS = 5


def attach(*, item: Feedback, files: Iterable[UploadedFile[bytes]]) -> list[Attachment]:
    """Stores the sender's files after the evidence checks (type by content, size); a refused file
    raises FileRejected naming it, and nothing of the item is kept (the caller's transaction)."""
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise FileRejected(_("At most %(n)s files.") % {"n": MAX_ATTACHMENTS})
    checked = []
    for upload in files:  # every file is checked before any is stored
        size = upload.size or 0
        try:
            kind = check_upload(upload, size, settings.EVIDENCE_MAX_BYTES)
        except FileRejected as exc:
            raise FileRejected(f"{upload.name}: {exc}") from None
        name = checked_name(upload.name or "", kind)  # refuses a PDF named .html
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append((upload, kind, name, size, digest.hexdigest()))
    stored = []
    for upload, kind, name, size, sha256 in checked:
        attachment = Attachment(feedback=item, name=name[:255], content_type=kind, size=size, sha256=sha256)
        path = attachment_path(attachment, name)
        if not attachment.file.storage.exists(path):  # the same content is stored once
            storage.put(path, upload)  # a concurrent copy writes the same bytes under the same name
        attachment.file.name = path
        attachment.save()
        stored.append(attachment)
    return stored


def submitted(submission_key: str) -> Feedback | None:
    """The item the public form's one-time key created, if any."""
    return Feedback.objects.filter(submission_key=submission_key).first() if submission_key else None


def confirmation_token(item: Feedback) -> str:
    return signing.dumps(item.pk, salt="feedback.confirm")


def send_confirmation(item: Feedback, link: str) -> None:
    """The e-mail that lets the item into the queue (FEEDBACK_CONFIRM_EMAIL)."""
    body = _(
        "You sent feedback %(code)s to %(agency)s. Open this link within 3 days to confirm it; "
        "until then it is not handled:\n%(link)s"
    ) % {"code": item.code, "agency": item.agency.name, "link": link}
    send_mail(
        _("Confirm your feedback %(code)s") % {"code": item.code}, body, settings.DEFAULT_FROM_EMAIL, [item.email]
    )


@transaction.atomic
def confirm(*, token: str, cal: WorkingCalendar, now: dt.datetime) -> Feedback | None:
    """The sender confirmed: the item enters the queue, and its clock starts now."""
    try:
        pk = signing.loads(token, salt="feedback.confirm", max_age=3 * 86400)
    except signing.BadSignature:
        return None
    item = Feedback.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        return None
    if not item.confirmed:
        before = snapshot(item)
        item.confirmed, item.received_at = True, now
        for name, value in intake_deadlines(now, cal, step_days()).as_fields().items():
            setattr(item, name, value)
        _save(item, before, actor=None, action="feedback.confirmed")
    return item


def answer_opening(item: Feedback) -> str:
    """How a new answer begins: the greeting of a Vietnamese administrative letter."""
    return f"Kính gửi {sender_addressee(item)}:\n"


def fill(template: Template, item: Feedback) -> str:
    """A template's text for an item: {code}, {date} (received) and {name} filled in; {name} is
    the sender as an answer addresses them ("Ông Nguyễn Văn Bình", sender_addressee)."""
    values = {
        "code": item.code,
        "date": f"{timezone.localtime(item.received_at):%d/%m/%Y}",
        "name": sender_addressee(item),
    }
    text = template.text
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@transaction.atomic
def classify(
    *,
    item: Feedback,
    actor: User,
    category: str,
    within_competence: bool,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> Feedback:
    item, before = _begin(item, Status.RECEIVED, Status.PROCESSING)
    item.category, item.within_competence = category, within_competence
    item.unit, item.assignee = unit or item.unit, assignee or item.assignee
    if within_competence and item.status == Status.RECEIVED:
        item.status = Status.PROCESSING
    return _save(item, before, actor=actor, action="feedback.classified")


@transaction.atomic
def not_accept(*, item: Feedback, actor: User, reason: str, now: dt.datetime) -> Feedback:
    missing = _("Say why the item is not accepted (e.g. the sender's address is missing).")
    _fits(reason, MAX_TEXT, _("The reason"))
    item, before = _begin(item, Status.RECEIVED, Status.INFO_REQUESTED, text=reason, missing=missing)
    item.status, item.reason, item.not_accepted_at = Status.NOT_ACCEPTED, reason.strip(), now
    _save(item, before, actor=actor, action="feedback.not_accepted", note=reason)
    notify_sender(item, "not_accepted")
    return item


@transaction.atomic
def request_info(*, item: Feedback, actor: User, text: str, now: dt.datetime) -> Feedback:
    missing = _("Say which information is needed.")
    _fits(text, MAX_TEXT, _("The request"))
    item, before = _begin(item, Status.RECEIVED, Status.PROCESSING, text=text, missing=missing)
    item.status, item.reason = Status.INFO_REQUESTED, text.strip()
    item.info_requested_at = item.info_requested_at or now  # the first request counts
    _save(item, before, actor=actor, action="feedback.info_requested", note=text)
    notify_sender(item, "info_requested")
    return item


@transaction.atomic
def info_supplied(*, item: Feedback, actor: User, text: str) -> Feedback:
    _fits(text, MAX_TEXT, _("The information"))
    item, before = _begin(item, Status.INFO_REQUESTED)
    item.status = Status.PROCESSING
    if text.strip():
        Note.objects.create(feedback=item, author=actor, text=_("Information supplied: %(text)s") % {"text": text})
    return _save(item, before, actor=actor, action="feedback.info_supplied")


@transaction.atomic
def forward(*, item: Feedback, actor: User, to: str, now: dt.datetime) -> Feedback:
    missing = _("Name the competent body the item goes to.")
    _fits(to, MAX_FORWARDED_TO, _("The competent body"))
    item, before = _begin(item, Status.RECEIVED, Status.PROCESSING, text=to, missing=missing)
    item.status, item.within_competence = Status.FORWARDED, False
    item.forwarded_to, item.forwarded_at = to.strip(), now
    _save(item, before, actor=actor, action="feedback.forwarded", note=to)
    notify_sender(item, "forwarded")
    return item


@transaction.atomic
def submit_answer(*, item: Feedback, actor: User, answer: str) -> Feedback:
    _fits(answer, MAX_ANSWER, _("The answer"))
    item, before = _begin(item, Status.RECEIVED, Status.PROCESSING, text=answer, missing=_("Write the answer first."))
    item.answer, item.drafted_by, item.status = answer.strip(), actor, Status.AWAITING_APPROVAL
    item.within_competence = True if item.within_competence is None else item.within_competence
    return _save(item, before, actor=actor, action="feedback.answer_submitted")


@transaction.atomic
def return_answer(*, item: Feedback, actor: User, reason: str) -> Feedback:
    _fits(reason, MAX_TEXT, _("The remark"))
    item, before = _begin(item, Status.AWAITING_APPROVAL, text=reason, missing=_("Say what the answer needs."))
    item.status = Status.PROCESSING
    Note.objects.create(feedback=item, author=actor, text=_("Answer returned: %(reason)s") % {"reason": reason})
    return _save(item, before, actor=actor, action="feedback.answer_returned", note=reason)


@transaction.atomic
def approve(*, item: Feedback, actor: User, cal: WorkingCalendar, now: dt.datetime) -> Feedback:
    """The leader's approval at `now`: the answer is given (answered_at) and waits to be published."""
    item, before = _begin(item, Status.AWAITING_APPROVAL)
    item.approved_by, item.answered_at = actor, now
    item.status = Status.AWAITING_PUBLICATION
    item.due_publish = publish_by(timezone.localtime(now).date(), cal, step_days())
    item.public_answer = public_text(item, item.answer)
    return _save(item, before, actor=actor, action="feedback.approved")


@transaction.atomic
def publish(
    *,
    item: Feedback,
    actor: User,
    now: dt.datetime,
    summary: str | None = None,
    answer: str | None = None,
    confirmation: str | None = None,
) -> Feedback:
    """On the portal: the summary and the answer as edited by staff, redacted again. With a
    `confirmation` (the publish page's preview), the texts must be exactly those of the preview
    staff confirmed; otherwise nothing is published and FeedbackError says to check again."""
    _fits(summary, MAX_CONTENT, _("The summary"))
    _fits(answer, MAX_ANSWER, _("The answer"))
    item, before = _begin(item, Status.AWAITING_PUBLICATION)
    texts = publication_texts(item, summary=summary, answer=answer)
    if confirmation is not None and not constant_time_compare(confirmation, confirmation_for(item, texts)):
        raise FeedbackError(_("The texts changed after the preview. Check the new preview below, then publish again."))
    item.summary, item.public_answer = texts["summary"], texts["answer"]
    item.status, item.published_at = Status.PUBLISHED, now
    item.search_text = item.folded_public_text()
    note = _("Public texts confirmed from the preview.") if confirmation is not None else ""
    _save(item, before, actor=actor, action="feedback.published", note=note)
    notify_sender(item, "published")
    return item


@transaction.atomic
def extend(*, item: Feedback, actor: User, until: dt.date, reason: str) -> Feedback:
    """A later answer date, with a reason; the 766 clock keeps the original deadline."""
    _fits(reason, MAX_TEXT, _("The reason"))
    item, before = _begin(item, *OPEN_STATUSES, text=reason, missing=_("An extension needs a reason."))
    if until <= item.answer_due:
        raise FeedbackError(_("The new date must be after %(date)s.") % {"date": f"{item.answer_due:%d/%m/%Y}"})
    item.extended_to, item.extension_reason = until, reason.strip()
    return _save(item, before, actor=actor, action="feedback.extended", note=reason)


def _from_sender(item: Feedback, key: str, refused: str) -> Feedback:
    """The item locked for the sender's own step, when `key` is the sender's key."""
    item = Feedback.objects.select_for_update().get(pk=item.pk)
    if not is_sender(item, key):
        raise FeedbackError(refused)
    return item


@transaction.atomic
def rate(*, item: Feedback, key: str, satisfied: bool, now: dt.datetime) -> Feedback:
    """The sender's rating of the published answer, once, with the key given at submission."""
    item = _from_sender(item, key, _("Only the sender can rate the answer, with the link given when it was sent."))
    _require(item, Status.PUBLISHED)
    if item.rated_at is not None:
        raise FeedbackError(_("The answer has been rated already."))
    before = snapshot(item)
    item.rated_unsatisfied, item.rated_at = not satisfied, now
    return _save(item, before, actor=None, action="feedback.rated")


@transaction.atomic
def add_note(*, item: Feedback, actor: User, text: str) -> Note:
    if not text.strip():
        raise FeedbackError(_("The note is empty."))
    _fits(text, MAX_TEXT, _("The note"))
    note = Note.objects.create(feedback=item, author=actor, text=text.strip())
    log_action(actor=actor, agency=item.agency, action="feedback.note", obj=item, note=text[:200])
    return note


@transaction.atomic
def reopen(*, item: Feedback, actor: User, reason: str) -> Feedback:
    """Back to handling, with a reason (e.g. the sender was not satisfied, or an item was refused
    by mistake). The previous answer's approval, publication and rating are cleared (the audit
    trail keeps them): the item leaves the portal, counts as unanswered until a new answer is
    approved, and the sender may rate the new answer. The draft stays for the officer to rework."""
    _fits(reason, MAX_TEXT, _("The reason"))
    item, before = _begin(
        item,
        Status.PUBLISHED,
        Status.CLOSED,
        Status.NOT_ACCEPTED,
        text=reason,
        missing=_("Say why the item is reopened."),
    )
    item.status, item.closed_at, item.reopen_count = Status.PROCESSING, None, item.reopen_count + 1
    item.answered_at = item.approved_by = item.due_publish = item.published_at = None
    item.rated_at = item.rated_unsatisfied = None
    item.public_answer = item.search_text = ""
    item.not_accepted_at = None
    Note.objects.create(feedback=item, author=actor, text=_("Reopened: %(reason)s") % {"reason": reason.strip()})
    _save(item, before, actor=actor, action="feedback.reopened", note=reason)
    notify_sender(item, "reopened")
    return item


def close_published(*, now: dt.datetime, days: int | None = None) -> int:
    """Closes the items published more than FEEDBACK_RATING_DAYS ago: their rating window ends.
    Each is logged; returns how many were closed."""
    days = settings.FEEDBACK_RATING_DAYS if days is None else days
    closed = 0
    due = Feedback.objects.filter(status=Status.PUBLISHED, published_at__lt=now - dt.timedelta(days=days))
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            item = Feedback.objects.select_for_update(of=("self",)).select_related("agency").get(pk=pk)
            if item.status != Status.PUBLISHED:
                continue  # reopened meanwhile
            before = snapshot(item)
            item.status, item.closed_at = Status.CLOSED, now
            _save(item, before, actor=None, action="feedback.closed")
            closed += 1
    return closed


def next_due(item: Feedback) -> tuple[str, dt.date | None]:
    """The step the item waits for and its date (classifying: by the forwarding date)."""
    if item.status == Status.AWAITING_PUBLICATION:
        return "publish", item.due_publish
    if item.status == Status.RECEIVED:
        return "classify", item.due_forward
    if item.status in OPEN_STATUSES:
        return "answer", item.answer_due
    return "", None


def reminder_due(item: Feedback) -> dt.date | None:
    """The date the sender waits for: the publication of an approved answer, else the answer."""
    if item.status == Status.AWAITING_PUBLICATION:
        return item.due_publish
    return item.answer_due if item.status in OPEN_STATUSES else None


def sender_may_remind(item: Feedback, today: dt.date, cal: WorkingCalendar) -> bool:
    """The sender may remind the agency once the date they wait for is within SOON working days
    or passed (the rule of the handlers' own reminders, feedback.reminders): not on day 0."""
    due = reminder_due(item)
    return due is not None and due <= cal.add_working_days(today, SOON)


@transaction.atomic
def sender_reminder(*, item: Feedback, key: str, now: dt.datetime, cal: WorkingCalendar) -> Feedback:
    """The sender asks where their item is (nhắc lại): once a day while it is open, from SOON
    working days before the date they wait for (sender_may_remind); whoever handles it is
    notified in the app."""
    refused = _("Only the sender can send a reminder, with the link given when it was sent.")
    item = _from_sender(item, key, refused)
    _require(item, *OPEN_STATUSES, Status.AWAITING_PUBLICATION)
    today = timezone.localtime(now).date()
    if not sender_may_remind(item, today, cal):
        due = reminder_due(item)
        raise FeedbackError(
            _("The agency has until %(date)s; you can remind it from %(n)s working days before that date.")
            % {"date": f"{due:%d/%m/%Y}" if due else "", "n": SOON}
        )
    if item.reminded_at is not None and timezone.localtime(item.reminded_at).date() >= today:
        raise FeedbackError(_("You have sent a reminder today already; the agency has been told."))
    before = snapshot(item)
    item.reminded_at, item.reminder_count = now, item.reminder_count + 1
    _save(item, before, actor=None, action="feedback.sender_reminder")
    step = "publish" if item.status == Status.AWAITING_PUBLICATION else "answer"
    title = _("The sender of feedback %(code)s asks about it (reminder %(n)s)") % {
        "code": item.code,
        "n": item.reminder_count,
    }
    notify(
        notifications(
            Recipients().handlers(item, step),
            key=f"feedback_sender_reminder:{item.pk}:{item.reminder_count}",
            kind="feedback_reminder",
            title=title,
            url=reverse("feedback:item", args=[item.pk]),
            day=today,
        )
    )
    return item


def repeat_candidates(item: Feedback, visible: QuerySet[Feedback], limit: int = 5) -> list[Feedback]:
    """Earlier items among those the user may see (`visible`) from the same sender (phone digits
    or e-mail) or about the same dossier, over the last year: what the officer checks before
    marking a repeat."""
    since = item.received_at - dt.timedelta(days=365)
    earlier = visible.filter(agency_id=item.agency_id, received_at__lt=item.received_at, received_at__gte=since)
    digits = "".join(ch for ch in item.phone if ch.isdigit())
    found = []
    for other in earlier.exclude(pk=item.pk).order_by("-received_at")[:500]:
        same_phone = digits and "".join(ch for ch in other.phone if ch.isdigit()) == digits
        same_email = item.email and other.email.lower() == item.email.lower()
        same_dossier = item.dossier_code and other.dossier_code == item.dossier_code
        if same_phone or same_email or same_dossier:
            found.append(other)
            if len(found) >= limit:
                break
    return found


@transaction.atomic
def mark_repeat(*, item: Feedback, actor: User, of_code: str, visible: QuerySet[Feedback]) -> Feedback:
    """Marks (or, with an empty code, unmarks) the item as a repeat of an earlier item among those
    the user may see (`visible`)."""
    item, before = _begin(item)
    of_code = of_code.strip().upper()
    if of_code:
        earlier = visible.filter(agency_id=item.agency_id, code=of_code).first()
        if earlier is None:
            raise FeedbackError(_("No feedback %(code)s in this agency.") % {"code": of_code})
        if earlier.pk == item.pk or earlier.received_at >= item.received_at:
            raise FeedbackError(_("A repeat is of an earlier item; %(code)s is not earlier.") % {"code": of_code})
        item.repeat_of = earlier
    else:
        item.repeat_of = None
    return _save(item, before, actor=actor, action="feedback.repeat_marked", note=of_code)


@transaction.atomic
def record_reception(*, agency: Agency, actor: User, session: ReceptionSession) -> ReceptionSession:
    """A session of citizen reception (the form's unsaved session) in the agency's register."""
    session.agency, session.created_by = agency, actor
    session.save()
    log_action(actor=actor, agency=agency, action="reception.recorded", obj=session)
    return session


@transaction.atomic
def save_template(*, agency: Agency, actor: User, template: Template) -> Template:
    """A response template (the form's unsaved template) of the agency."""
    template.agency = agency
    template.save()
    log_action(actor=actor, agency=agency, action="feedback.template", obj=template)
    return template


@transaction.atomic
def delete_template(*, agency: Agency, actor: User, pk: int) -> None:
    """Deletes the agency's template `pk` (nothing when it is gone already)."""
    found = Template.objects.filter(agency=agency, pk=pk).first()
    if found is not None:
        log_action(actor=actor, agency=agency, action="feedback.template_deleted", obj=found)
        found.delete()


SENDER_EVENTS = {
    "not_accepted": gettext_lazy("Your feedback %(code)s was not accepted."),
    "info_requested": gettext_lazy("More information is needed for your feedback %(code)s."),
    "forwarded": gettext_lazy("Your feedback %(code)s was forwarded to the competent body."),
    "published": gettext_lazy("The answer to your feedback %(code)s is published."),
    "reopened": gettext_lazy("Your feedback %(code)s is being handled again."),
}


def notify_sender(item: Feedback, event: str) -> None:
    """E-mails the sender (if they gave an address) once the step is committed. A mail server
    failure is logged and does not undo the step: the status page says the same."""
    if not item.email or not item.confirmed:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("feedback_status", args=[item.code])
    subject = str(SENDER_EVENTS[event]) % {"code": item.code}
    lines = [subject, ""]
    if event in ("not_accepted", "info_requested") and item.reason:
        lines += [item.reason, ""]
    if event == "forwarded":
        lines += [_("Forwarded to: %(to)s") % {"to": item.forwarded_to}, ""]
    lines += [_("Follow it here: %(link)s") % {"link": link}, "", item.agency.name]
    body = "\n".join(lines)

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [item.email])
        except Exception:  # a mail failure must not turn a committed step into an error page
            log.exception("feedback %s: the e-mail to the sender failed", item.code)

    transaction.on_commit(send)
