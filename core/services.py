"""Workflows of the core app: audit entries, the working calendar, evidence documents."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
import threading
import uuid
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

from core.calendar import WorkingCalendar
from core.files import check_upload, checked_name
from core.models import Agency, AuditEntry, CalendarOverride, Document, DocumentVersion, Unit, User

Actor = User | AnonymousUser | None  # who did it: None (or an anonymous visitor) for the system or a citizen


class StepRefused(ValueError):
    """A workflow step the object's state or the user's role does not allow now, with a message
    for the user (Vietnamese). Every app's domain error (WorkflowError, ScoreError, FeedbackError,
    SurveyError...) is one, so `core.web.refuses_politely` shows any of them the same way."""


def audit_value(value: Any) -> Any:
    """The one way a value goes into the audit log's JSON (`AuditEntry.changes`): dates, times and
    moments in ISO 8601, decimals and UUIDs as text, choices by their stored value, model objects
    by their primary key, sets (sorted) and tuples as lists, lazy translations as text. Anything
    else is a TypeError naming its type, never a silent str() nor a 500 at the database."""
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, enum.Enum):  # TextChoices, IntegerChoices (before str and int: they are both)
        return audit_value(value.value)
    if isinstance(value, bool | int | str):  # other subclasses: JSON writes them as their base type
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"the audit log cannot store the float {value!r} (JSON has no NaN or infinity)")
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, Model):
        return audit_value(value.pk)
    if isinstance(value, set | frozenset):
        return sorted((audit_value(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [audit_value(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise TypeError(f"the audit log cannot store a key of type {type(key).__qualname__}")
            out[str(key)] = audit_value(item)
        return out
    raise TypeError(f"the audit log cannot store a value of type {type(value).__module__}.{type(value).__qualname__}")


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]} in the audit log's form (audit_value)."""
    out = {}
    for key in after:
        old, new = audit_value(before.get(key)), audit_value(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def audit_entry(
    *,
    actor: Actor,
    agency: Agency | None,
    action: str,
    object_type: str,
    object_id: Any,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """An unsaved audit entry, its changes through audit_value: for the writers that store many
    entries at once (bulk_create); log_action() stores one."""
    return AuditEntry(
        actor=cast(User, actor) if getattr(actor, "pk", None) else None,  # not an anonymous visitor
        agency=agency,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=audit_value(changes or {}),
        note=note,
    )


def log_action(
    *,
    actor: Actor,
    agency: Agency | None,
    action: str,
    obj: Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    entry = audit_entry(
        actor=actor,
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        changes=changes,
        note=note,
    )
    entry.save()
    return entry


def save_changes(
    *, actor: Actor, agency: Agency | None, action: str, obj: Model, values: dict[str, Any], note: str = ""
) -> AuditEntry:
    """Sets `values` on `obj`, saves just those fields and logs each as [before, after] (also a
    value set again unchanged): the one-field state changes (revoked, published...)."""
    changes = {name: [getattr(obj, name), value] for name, value in values.items()}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))
    return log_action(actor=actor, agency=agency, action=action, obj=obj, changes=changes, note=note)


def history_for(*objs: Model) -> QuerySet[AuditEntry]:
    """Audit entries of one or several objects, newest first."""
    condition = Q(pk__in=[])
    for obj in objs:
        condition |= Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return AuditEntry.objects.filter(condition).select_related("actor")


_calendars = threading.local()


def load_calendar() -> WorkingCalendar:
    """The working-day calendar with the current overrides. The overrides are read every time
    (one small query); the calendar built from them is reused while they stay the same, so that
    the holidays package computes each year's lunar holidays once per thread, not per request.
    One calendar per thread: the holidays package fills a year in on first use, which is not
    safe to share between a server's threads."""
    overrides = dict(CalendarOverride.objects.values_list("date", "kind"))
    key = frozenset(overrides.items())
    if getattr(_calendars, "key", None) != key:
        _calendars.key, _calendars.cal = key, WorkingCalendar(overrides=overrides)
    cal: WorkingCalendar = _calendars.cal
    return cal


def _hash_and_size(fileobj: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def add_document_version(*, actor: User, document: Document, fileobj: IO[bytes], filename: str) -> DocumentVersion:
    """Stores a new version of a document after checking type (by content) and size."""
    sha, size = _hash_and_size(fileobj)
    content_type = check_upload(fileobj, size, settings.EVIDENCE_MAX_BYTES)
    filename = checked_name(filename, content_type)  # a PDF named .html is refused
    # The document's row lock serialises concurrent uploads, so version numbers never collide.
    list(Document.objects.select_for_update().filter(pk=document.pk).values_list("pk"))
    number = (document.versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document,
        version=number,
        original_name=filename[:255],
        content_type=content_type,
        size=size,
        sha256=sha,
        uploaded_by=actor,
    )
    fileobj.seek(0)
    version.file.save(filename, ContentFile(fileobj.read()), save=False)
    version.save()
    log_action(
        actor=actor,
        agency=document.agency,
        action="evidence.version_added",
        obj=document,
        changes={"version": [number - 1 or None, number], "sha256": [None, sha]},
    )
    return version


@transaction.atomic
def create_document(
    *,
    actor: User,
    agency: Agency,
    unit: Unit | None,
    fileobj: IO[bytes],
    filename: str,
    abstract: str,
    doc_number: str = "",
    issued_on: dt.date | None = None,
    issuer: str = "",
) -> Document:
    document = Document(
        agency=agency,
        unit=unit,
        abstract=abstract,
        doc_number=doc_number,
        issued_on=issued_on,
        issuer=issuer,
        created_by=actor,
    )
    document.refresh_search_text()
    document.save()
    add_document_version(actor=actor, document=document, fileobj=fileobj, filename=filename)
    return document
