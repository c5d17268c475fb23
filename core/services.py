"""Workflows of the core app: audit entries, the working calendar, evidence documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet

from core.calendar import WorkingCalendar
from core.files import check_upload
from core.models import Agency, AuditEntry, CalendarOverride, Document, DocumentVersion, Unit


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]} in JSON-friendly form."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def log_action(
    *, actor, agency: Agency | None, action: str, obj, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
        note=note,
    )


def history_for(*objs) -> QuerySet[AuditEntry]:
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
    return _calendars.cal


def _hash_and_size(fileobj) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def add_document_version(*, actor, document: Document, fileobj, filename: str) -> DocumentVersion:
    """Stores a new version of a document after checking type (by content) and size."""
    sha, size = _hash_and_size(fileobj)
    content_type = check_upload(fileobj, size, settings.EVIDENCE_MAX_BYTES)
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
    actor,
    agency: Agency,
    unit: Unit | None,
    fileobj,
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
