"""Writing dossier rows (from a file, the API) into the register, and the queued file import.

A file is imported whole or not at all: rows are written in batches inside one transaction while
the reader keeps checking; at the first problem writing stops, the reader goes on to the end to
count and locate the problems (the first 100 kept), and the transaction is rolled back. Progress
goes to a small JSON file beside the upload (the transaction hides it from other connections).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.deadlines import LOCAL
from core.models import Agency, AuditEntry, Unit
from core.services import diff, load_calendar, log_action
from core.text import fold
from procedures.dossier_file import (
    FLAGS,
    CatalogueEntry,
    DossierReader,
    Row,
    csv_records,
    is_xlsx,
    xlsx_records,
)
from procedures.models import Dossier, DossierImport, Procedure

log = logging.getLogger(__name__)
BATCH = 2000
STALE = dt.timedelta(minutes=10)

# Fields a row sets; everything else keeps its model default on insert and is untouched on update.
ROW_FIELDS = (
    "unit_id",
    "procedure_id",
    "procedure_code",
    "channel",
    "received_at",
    "due_date",
    "due_time",
    "limit",
    "limit_unit",
    "status",
    "finished_at",
    "returned_at",
    "supplement_count",
    "supplement_requested_at",
    "supplement_completed_at",
    *FLAGS,
)
DATETIMES = {"received_at", "finished_at", "returned_at", "supplement_requested_at", "supplement_completed_at"}


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def reader_for(agency: Agency, cal: WorkingCalendar) -> DossierReader:
    units: dict[str, int] = {}
    for pk, code, name in Unit.objects.filter(agency=agency).values_list("pk", "code", "name"):
        units[fold(code)] = pk
        units[fold(name)] = pk
    procedures = {
        code: CatalogueEntry(pk, limit, unit, cutoff)
        for pk, code, limit, unit, cutoff in Procedure.objects.filter(agency=agency).values_list(
            "pk", "code", "limit", "limit_unit", "apply_cutoff"
        )
    }
    return DossierReader(cal, units=units, procedures=procedures)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=LOCAL) if moment is not None else None


def _sqlite_moment(moment: dt.datetime | None) -> str | None:
    """What Django stores for a local time in SQLite: the UTC time as text (as
    DatabaseOperations.adapt_datetimefield_value does, without its per-value checks)."""
    if moment is None:
        return None
    return str(moment - LOCAL.utcoffset(moment))


def row_values(row: Row) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unit_id": row.unit_id,
        "procedure_id": row.procedure_id,
        "procedure_code": row.procedure_code,
        "channel": row.channel,
        "received_at": _aware(row.received_at),
        "due_date": row.due_date,
        "due_time": row.due_time,
        "limit": row.limit,
        "limit_unit": row.limit_unit,
        "status": row.status,
        "finished_at": _aware(row.finished_at),
        "returned_at": _aware(row.returned_at),
        "supplement_count": row.supplement_count,
        "supplement_requested_at": _aware(row.supplement_requested_at),
        "supplement_completed_at": _aware(row.supplement_completed_at),
    }
    values.update(row.flags)
    return values


class Writer:
    """Inserts new dossiers with one multi-row statement per batch (COPY on PostgreSQL) and updates
    existing ones (same agency and code) field by field, with an audit entry per changed dossier."""

    def __init__(self, *, agency: Agency, actor, source: str, batch: DossierImport | None = None):
        self.agency, self.actor, self.source, self.batch = agency, actor, source, batch
        self.created = self.updated = 0
        self.created_codes: list[str] = []
        # A first load into an empty register needs no look-up of existing codes (the reader has
        # already refused duplicates within the file).
        self.fresh = not Dossier.objects.filter(agency=agency).exists()
        fields = [
            f
            for f in Dossier._meta.concrete_fields
            if not f.primary_key and f.attname not in ROW_FIELDS and f.attname != "code"
        ]
        now = timezone.now()
        fixed = {
            "agency_id": agency.pk,
            "source": source,
            "import_batch_id": batch.pk if batch else None,
            "created_by_id": getattr(actor, "pk", None),
            "updated_at": now,
        }
        self.fixed_columns = [f.column for f in fields]
        self.fixed_values = [
            f.get_db_prep_save(fixed[f.attname] if f.attname in fixed else f.get_default(), connection) for f in fields
        ]
        self.row_columns = ["code", *(Dossier._meta.get_field(name.removesuffix("_id")).column for name in ROW_FIELDS)]
        ops = connection.ops
        moment = _sqlite_moment if connection.vendor == "sqlite" else _aware
        adapt = {
            "due_date": ops.adapt_datefield_value,
            "due_time": ops.adapt_timefield_value,
        }
        self.adapters = [moment if name in DATETIMES else adapt.get(name) for name in ROW_FIELDS]

    def _db_row(self, row: Row) -> list[Any]:
        """The row's values as the database takes them; times are local wall-clock times."""
        values = [
            row.unit_id,
            row.procedure_id,
            row.procedure_code,
            row.channel,
            row.received_at,
            row.due_date,
            row.due_time,
            row.limit,
            row.limit_unit,
            row.status,
            row.finished_at,
            row.returned_at,
            row.supplement_count,
            row.supplement_requested_at,
            row.supplement_completed_at,
            *(row.flags[name] for name in FLAGS),
        ]
        out: list[Any] = [row.code]
        for value, adapter in zip(values, self.adapters, strict=True):
            out.append(adapter(value) if adapter is not None and value is not None else value)
        out.extend(self.fixed_values)
        return out

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        existing = (
            {}
            if self.fresh
            else dict(
                Dossier.objects.filter(agency=self.agency, code__in=[r.code for r in rows]).values_list("code", "pk")
            )
        )
        fresh = [r for r in rows if r.code not in existing]
        if fresh:
            self._insert([self._db_row(r) for r in fresh])
            self.created += len(fresh)
            if self.source != "import":
                self.created_codes.extend(r.code for r in fresh)
        if existing:
            self._update([r for r in rows if r.code in existing], existing)

    def _insert(self, data: list[list[Any]]) -> None:
        table = connection.ops.quote_name(Dossier._meta.db_table)
        columns = [*self.row_columns, *self.fixed_columns]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for values in data:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  (names from the model, quoted)
                cursor.executemany(sql, data)

    def _update(self, rows: list[Row], existing: dict[str, int]) -> None:
        current = {
            values["code"]: values
            for values in Dossier.objects.filter(pk__in=existing.values()).values("pk", "code", *ROW_FIELDS)
        }
        audits = []
        now = timezone.now()
        for row in rows:
            before = current[row.code]
            after = row_values(row)
            changed = [key for key, value in after.items() if before.get(key) != value]
            changes = diff({k: before.get(k) for k in changed}, {k: after[k] for k in changed})
            if not changes:
                continue
            Dossier.objects.filter(pk=before["pk"]).update(**{k: after[k] for k in changes}, updated_at=now)
            self.updated += 1
            audits.append(
                AuditEntry(
                    actor=self.actor if getattr(self.actor, "pk", None) else None,
                    agency=self.agency,
                    action=f"dossier.{self.source}_updated",
                    object_type="procedures.dossier",
                    object_id=str(before["pk"]),
                    changes=changes,
                    note=self.batch.original_name if self.batch else "",
                )
            )
        AuditEntry.objects.bulk_create(audits, batch_size=500)


def batched(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def progress_path(item: DossierImport) -> Path:
    return import_dir() / f"{item.pk}.progress.json"


def read_progress(item: DossierImport) -> dict[str, int]:
    try:
        return json.loads(progress_path(item).read_text())
    except (OSError, ValueError):
        return {"processed": item.processed, "total": 0}


def _write_progress(item: DossierImport, processed: int, total: int) -> None:
    path = progress_path(item)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"processed": processed, "total": total}))
    temporary.replace(path)


def count_rows(path: Path) -> int:
    """Data rows of the file, for the progress bar (lines of a CSV; the sheet's dimension of a workbook)."""
    with path.open("rb") as stream:
        head = stream.read(4)
        stream.seek(0)
        if is_xlsx(head):
            from openpyxl import load_workbook

            workbook = load_workbook(stream, read_only=True)
            try:
                return max((workbook.worksheets[0].max_row or 1) - 1, 0)
            finally:
                workbook.close()
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


class _Refused(Exception):
    """Rolls the transaction back when the file has problems."""


def save_upload(*, agency: Agency, actor, fileobj, filename: str) -> DossierImport:
    digest = hashlib.sha256()
    item = DossierImport.objects.create(agency=agency, uploaded_by=actor, original_name=filename[:255])
    path = import_dir() / f"{item.pk}.upload"
    size = 0
    with path.open("wb") as out:
        for chunk in fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(1 << 20), b""):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    item.file, item.size, item.sha256 = path.name, size, digest.hexdigest()
    item.save(update_fields=["file", "size", "sha256"])
    log_action(
        actor=actor,
        agency=agency,
        action="dossier_import.uploaded",
        obj=item,
        changes={"file": [None, filename], "sha256": [None, item.sha256]},
    )
    return item


def run_import(item: DossierImport, *, cal: WorkingCalendar | None = None) -> DossierImport:
    """Imports a claimed (running) upload: all rows or none."""
    cal = cal or load_calendar()
    path = import_dir() / item.file
    total = count_rows(path)
    reader = reader_for(item.agency, cal)
    writer = Writer(agency=item.agency, actor=item.uploaded_by, source="import", batch=item)
    last_report = 0.0
    try:
        with transaction.atomic(), path.open("rb") as stream:
            records = xlsx_records(stream) if is_xlsx(stream.read(4)) else None
            if records is None:
                stream.seek(0)
                records = csv_records(stream)
            for chunk in batched(reader.rows(records)):
                if not reader.total:
                    writer.write(chunk)
                if time.monotonic() - last_report > 0.5:
                    _write_progress(item, reader.rows_read, total)
                    last_report = time.monotonic()
            if reader.total:
                raise _Refused
            item.state, item.processed = DossierImport.State.DONE, reader.rows_read
            item.created, item.updated = writer.created, writer.updated
            item.finished_at = timezone.now()
            item.save(update_fields=["state", "processed", "created", "updated", "finished_at"])
            log_action(
                actor=item.uploaded_by,
                agency=item.agency,
                action="dossier_import.done",
                obj=item,
                changes={"created": [0, writer.created], "updated": [0, writer.updated]},
                note=item.original_name,
            )
    except _Refused:
        item.state, item.processed = DossierImport.State.REFUSED, reader.rows_read
        item.problems = [p.as_data() for p in reader.problems]
        item.problem_total = reader.total
        item.finished_at = timezone.now()
        item.save(update_fields=["state", "processed", "problems", "problem_total", "finished_at"])
    except UnicodeDecodeError:
        item.state, item.error, item.finished_at = DossierImport.State.REFUSED, "not_utf8", timezone.now()
        item.save(update_fields=["state", "error", "finished_at"])
    except Exception as exc:  # a broken workbook, a database failure: nothing was written
        log.exception("dossier import %s failed", item.pk)
        item.state, item.error, item.finished_at = DossierImport.State.FAILED, str(exc)[:1000], timezone.now()
        item.save(update_fields=["state", "error", "finished_at"])
    _write_progress(item, reader.rows_read, total)
    return item


def claim_next() -> DossierImport | None:
    """The oldest waiting upload, claimed by exactly one worker; one left running by a worker
    that died (no progress for STALE) is queued again first (its transaction was rolled back)."""
    now = timezone.now()
    for stale in DossierImport.objects.filter(state=DossierImport.State.RUNNING, started_at__lt=now - STALE):
        try:
            touched = dt.datetime.fromtimestamp(progress_path(stale).stat().st_mtime, tz=dt.UTC)
        except OSError:
            touched = stale.started_at
        if touched < now - STALE:
            DossierImport.objects.filter(pk=stale.pk, state=DossierImport.State.RUNNING).update(
                state=DossierImport.State.QUEUED
            )
    for pk in (
        DossierImport.objects.filter(state=DossierImport.State.QUEUED).order_by("pk").values_list("pk", flat=True)[:5]
    ):
        claimed = DossierImport.objects.filter(pk=pk, state=DossierImport.State.QUEUED).update(
            state=DossierImport.State.RUNNING, started_at=now
        )
        if claimed:
            return DossierImport.objects.select_related("agency", "uploaded_by").get(pk=pk)
    return None


def process_queue(limit: int = 1) -> int:
    done = 0
    while done < limit:
        item = claim_next()
        if item is None:
            break
        run_import(item)
        done += 1
    return done
