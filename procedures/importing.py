"""Writing dossier rows (from a file, the API) into the register, and the queued file import.

A file is imported whole or not at all: rows are written in batches inside one transaction while
the reader keeps checking; at the first problem writing stops, the reader goes on to the end to
count and locate the problems (the first 100 kept), and the transaction is rolled back. Progress
goes to a small JSON file beside the upload (the transaction hides it from other connections).

Limits (security review M7): every file is read and checked in a child process with a CPU-time,
memory and wall-clock limit (core.sandbox, IMPORT_PARSE_* settings), so a hostile workbook costs
at most those; this process only writes what the child hands over, in batches of BATCH rows, in
one transaction, and beats the claim's heartbeat (the progress file) while it waits. A worker
asked to stop kills the child, rolls back and queues the import again for another worker. The
uploaded file (applicants' personal data) is deleted when the import ends, or IMPORT_FILE_KEEP_DAYS
later by the daily clean-up; the import's row then has no file name.

Speed (bench/dossiers.py, a million rows): the file is read and checked in the second, forked
process while this one writes; on a first load into an agency's
register that process also turns the rows into what the database takes (COPY text on PostgreSQL,
parameter rows on SQLite), so the writing process only hands them over. Each dossier's 766
progress facts are worked out here too, so the dashboard counts instead of recomputing.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import json
import logging
import operator
import os
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from core import sandbox, storage
from core.calendar import WorkingCalendar
from core.deadlines import LOCAL, local
from core.files import safe_load_workbook
from core.jobs import Heartbeat, WorkerStopping, daily_job, drain, stale_before
from core.models import Agency, AuditEntry, Unit, User
from core.numbers import vi_number
from core.services import audit_entry, diff, load_calendar, log_action
from core.text import fold
from procedures import quality
from procedures.dossier_file import (
    FLAGS,
    FUTURE_TOLERANCE,
    CatalogueEntry,
    DossierReader,
    Row,
    csv_records,
    is_xlsx,
    xlsx_records,
)
from procedures.models import FACT_FIELDS, Dossier, DossierImport, Procedure

log = logging.getLogger(__name__)
BATCH = 2000
PARALLEL_FROM = 0  # bytes: files from this size are parsed in a second process (all: it carries the limits)
SQLITE_CACHE_KIB = 256 << 10
ANALYZE_FROM = 10_000  # new dossiers: a larger import refreshes PostgreSQL's statistics of the register
STALE = dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)  # a claim without a heartbeat for this long

# Fields a row sets, in the order of item(); everything else keeps its model default on insert
# and is untouched on update.
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
    *FACT_FIELDS,
)
DATETIMES = {
    "received_at",
    "finished_at",
    "returned_at",
    "supplement_requested_at",
    "supplement_completed_at",
}
# A dossier to write: its code and its ROW_FIELDS values, times local and naive. Plain data, so
# the parsing process can hand it to the writing one cheaply.
Item = tuple[str, tuple[Any, ...]]


FOLDER = "imports"  # in the shared storage (core.storage): any worker may run the import


def upload_name(item: DossierImport) -> str:
    return f"{FOLDER}/{item.file}"


def reader_for(
    agency: Agency, cal: WorkingCalendar, *, vietnamese: bool = False, now: dt.datetime | None = None
) -> DossierReader:
    """The reader with the agency's units and catalogue. `vietnamese`: problems named as the
    Vietnamese file names columns and values (the web import); `now`: reception times after it
    (with FUTURE_TOLERANCE) are refused."""
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
    latest = local(now) + FUTURE_TOLERANCE if now is not None else None
    return DossierReader(cal, units=units, procedures=procedures, vietnamese=vietnamese, latest=latest)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=LOCAL) if moment is not None else None


def _sqlite_moment(moment: dt.datetime | None) -> str | None:
    """What Django stores for a local time in SQLite: the UTC time as text (as
    DatabaseOperations.adapt_datetimefield_value does, without its per-value checks)."""
    if moment is None:
        return None
    return str(moment - LOCAL.utcoffset(moment))


def item(row: Row) -> Item:
    """The row as the writer takes it, with its progress facts worked out."""
    facts = quality.facts(row)
    return (
        row.code,
        (
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
            *row.flags.values(),  # in the order of FLAGS
            facts.ended_on,
            facts.outcome,
            facts.early_through,
            facts.late_from,
        ),
    )


def field_values(values: tuple[Any, ...]) -> dict[str, Any]:
    """ROW_FIELDS values as model field values (times aware)."""
    return {name: _aware(value) if name in DATETIMES else value for name, value in zip(ROW_FIELDS, values, strict=True)}


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_OFFSETS: dict[dt.timedelta | None, str] = {}


def _copy_text(value: str) -> str:
    # tab, line feed and carriage return are not printable: the quick test lets most text through
    return value.translate(_COPY_ESCAPES) if "\\" in value or not value.isprintable() else value


def _copy_moment(value: dt.datetime) -> str:
    """An aware time with its UTC offset."""
    offset = value.utcoffset()
    text = _OFFSETS.get(offset)
    if text is None:
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        text = _OFFSETS[offset] = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{value.replace(tzinfo=None)}{text}"


# A value in PostgreSQL's COPY text format, by its type (C-level callables where they exist: a
# million rows of twenty-odd values each). Naive times are written as they are: the session's
# time zone is the local one while a block is copied (Writer._copy).
_COPY_FORMATS: dict[type, Callable[[Any], str]] = {
    type(None): {None: "\\N"}.__getitem__,
    bool: {True: "t", False: "f"}.__getitem__,
    int: int.__str__,
    str: _copy_text,
    dt.date: dt.date.isoformat,
    dt.time: dt.time.isoformat,
    dt.datetime: dt.datetime.__str__,
}


def copy_line(values: tuple[Any, ...]) -> str:
    """Values of the reader's exact types as one line of COPY text, without its end."""
    return "\t".join(map(operator.call, map(_COPY_FORMATS.__getitem__, map(type, values)), values))


def copy_field(value: Any) -> str:
    """Any one value (a choice, an aware time, a JSON default such as the empty reception
    checklist) in COPY text: for the constant columns."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return _copy_moment(value)
    if isinstance(value, Jsonb):  # a JSONField's value as psycopg wraps it for the database
        return _copy_text(json.dumps(value.obj, ensure_ascii=False))
    for kind in (type(None), bool, int, str, dt.datetime, dt.date, dt.time):
        if isinstance(value, kind):
            return _COPY_FORMATS[kind](kind(value) if kind in (bool, int, str) else value)
    raise TypeError(f"no COPY text for {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Prepared:
    """New dossiers as the database takes them, made by the parsing process for a first load (no
    look-up of existing codes), so the writing process only hands them over: lines of COPY text
    for PostgreSQL (`text`), parameter rows for SQLite (`rows`)."""

    count: int
    text: str = ""
    rows: list[list[Any]] | None = None


class Writer:
    """Inserts new dossiers with one multi-row statement per batch (COPY on PostgreSQL) and updates
    existing ones (same agency and code) field by field, with an audit entry per changed dossier."""

    def __init__(self, *, agency: Agency, actor: User | None, source: str, batch: DossierImport | None = None):
        self.agency, self.actor, self.source, self.batch = agency, actor, source, batch
        self.created = self.updated = 0
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
        self.copy_tail = "".join("\t" + copy_field(value) for value in self.fixed_values) + "\n"
        if connection.vendor == "sqlite":
            quote = connection.schema_editor().quote_value  # the SQL literal of a value; no schema change
            self.fixed_literals = [str(quote(value)) for value in self.fixed_values]

    def prepare(self, items: list[Item]) -> list[Item] | Prepared:
        """What write() takes, with as much work done as can be done without the database: the
        rows ready for it on a first load; the items as they are otherwise (write() looks up
        which codes exist)."""
        if not self.fresh or not items:
            return items
        if connection.vendor == "postgresql":
            tail = self.copy_tail
            return Prepared(len(items), text="".join([copy_line((code, *values)) + tail for code, values in items]))
        return Prepared(len(items), rows=[self._db_row(code, values) for code, values in items])

    def _db_row(self, code: str, values: tuple[Any, ...]) -> list[Any]:
        """The values as the database takes them (with the constant columns on PostgreSQL)."""
        out: list[Any] = [code]
        for value, adapter in zip(values, self.adapters, strict=True):
            out.append(adapter(value) if adapter is not None and value is not None else value)
        if connection.vendor == "postgresql":
            out.extend(self.fixed_values)
        return out

    def write(self, items: list[Item] | Prepared, extra: dict[str, dict[str, Any]] | None = None) -> None:
        """`extra`: further fields of existing dossiers by code (the applicant's details the API
        pushes), compared, written and audited with the row's."""
        if isinstance(items, Prepared):
            if items.rows is not None:
                self._insert(items.rows)
            else:
                self._copy(items.text)
            self.created += items.count
            return
        if not items:
            return
        existing = (
            {}
            if self.fresh
            else dict(
                Dossier.objects.filter(agency=self.agency, code__in=[code for code, _values in items]).values_list(
                    "code", "pk"
                )
            )
        )
        fresh = [self._db_row(code, values) for code, values in items if code not in existing]
        if fresh:
            self._insert(fresh)
            self.created += len(fresh)
        if existing:
            self._update([i for i in items if i[0] in existing], existing, extra or {})

    @property
    def _target(self) -> str:
        """The table and its columns in the order of the written values."""
        names = ", ".join(connection.ops.quote_name(c) for c in [*self.row_columns, *self.fixed_columns])
        return f"{connection.ops.quote_name(Dossier._meta.db_table)} ({names})"

    def _copy(self, text: str) -> None:
        with connection.cursor() as cursor:
            # Local time while copying, then back to the zone Django gave the connection; like SET
            # LOCAL, set_config(..., true) also ends with the transaction should the copy fail.
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [str(LOCAL)])
            with cursor.cursor.copy(f"COPY {self._target} FROM STDIN") as copy:
                copy.write(text)
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [connection.timezone_name])

    def _insert(self, data: list[list[Any]]) -> None:
        """Rows of _db_row: with the constant columns on PostgreSQL (COPY), without them on SQLite
        (the statement carries them as literals, so they are not bound a million times)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self._target} FROM STDIN") as copy:
                    for values in data:
                        copy.write_row(values)
            else:
                marks = ", ".join(["?"] * len(self.row_columns) + self.fixed_literals)
                sql = f"INSERT INTO {self._target} VALUES ({marks})"  # noqa: S608  (names from the model, quoted)
                cursor.cursor.executemany(sql, data)

    def _update(self, items: list[Item], existing: dict[str, int], extra: dict[str, dict[str, Any]]) -> None:
        more = sorted({name for fields in extra.values() for name in fields})
        current = {
            values["code"]: values
            for values in Dossier.objects.filter(pk__in=existing.values()).values("pk", "code", *ROW_FIELDS, *more)
        }
        audits = []
        now = timezone.now()
        for code, values in items:
            before = current[code]
            after = {**field_values(values), **extra.get(code, {})}
            changed = [key for key, value in after.items() if before.get(key) != value]
            shown = [key for key in changed if key not in FACT_FIELDS]  # the facts follow from the rest
            changes = diff({k: before.get(k) for k in shown}, {k: after[k] for k in shown})
            changed_fields = {k: after[k] for k in changed}
            if not changes:
                if changed_fields:  # facts written before the rule changed: brought up to date, quietly
                    Dossier.objects.filter(pk=before["pk"]).update(**changed_fields)
                continue
            Dossier.objects.filter(pk=before["pk"]).update(**changed_fields, updated_at=now)
            self.updated += 1
            audits.append(
                audit_entry(
                    actor=self.actor,
                    agency=self.agency,
                    action=f"dossier.{self.source}_updated",
                    object_type="procedures.dossier",
                    object_id=before["pk"],
                    changes=changes,
                    note=self.batch.original_name if self.batch else "",
                )
            )
        AuditEntry.objects.bulk_create(audits, batch_size=500)


def write_pushed(*, agency: Agency, actor: User, row: Row, applicant: dict[str, str]) -> tuple[Dossier, bool]:
    """One dossier pushed through the API (inside the caller's transaction, the code's row locked):
    written as a file's row is, the applicant's details given replacing the stored ones. A new
    dossier is audited with everything it was given. Returns the dossier and whether it is new."""
    writer = Writer(agency=agency, actor=actor, source="api")
    pushed = item(row)
    writer.write([pushed], extra={row.code: applicant})
    dossier = Dossier.objects.select_related("agency", "unit").get(agency=agency, code=row.code)
    if not writer.created:
        return dossier, False
    if applicant:
        Dossier.objects.filter(pk=dossier.pk).update(**applicant)
        for key, value in applicant.items():
            setattr(dossier, key, value)
    stored = {k: v for k, v in field_values(pushed[1]).items() if k not in FACT_FIELDS}
    shown = {k: v for k, v in {"code": row.code, **stored, **applicant}.items() if v not in (None, "", False)}
    changes = diff({}, shown)
    log_action(actor=actor, agency=agency, action="dossier.api_created", obj=dossier, changes=changes, note="API")
    return dossier, True


def batched(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for row in rows:
        chunk.append(item(row))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def progress_name(item: DossierImport) -> str:
    """The import's progress, outside its transaction (which no other process can see into)."""
    return f"{FOLDER}/{item.pk}.progress.json"


def read_progress(item: DossierImport) -> dict[str, int]:
    try:
        return json.loads(storage.read(progress_name(item)) or b"")
    except ValueError:
        return {"processed": item.processed, "total": 0}


def _write_progress(item: DossierImport, processed: int, total: int) -> None:
    storage.put(progress_name(item), json.dumps({"processed": processed, "total": total}).encode())


def count_rows(path: Path) -> int:
    """Data rows of the file, for the progress bar (lines of a CSV; the sheet's dimension of a workbook)."""
    with path.open("rb") as stream:
        head = stream.read(4)
        stream.seek(0)
        if is_xlsx(head):
            try:
                workbook = safe_load_workbook(stream, read_only=True)
            except Exception:  # a broken workbook: the import reports it
                return 0
            try:
                return max((workbook.worksheets[0].max_row or 1) - 1, 0)
            finally:
                workbook.close()
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


class _Refused(Exception):
    """Rolls the transaction back when the file has problems."""


MB = 1024 * 1024
MAX_CSV_BYTES = 300 * MB  # a province's register for years, as CSV
MAX_XLSX_BYTES = 20 * MB  # a workbook is read cell by cell: a larger register goes as CSV
OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other OLE documents
SNIFF_BYTES = 64 * 1024


class UploadRefused(ValueError):
    """A file the import page refuses at once, with the reason for the person."""


def check_upload(fileobj: IO[bytes], *, name: str, size: int) -> None:
    """What can be told from the name, the size and the first bytes, before the file is queued:
    a workbook (a zip) up to MAX_XLSX_BYTES, else UTF-8 text up to MAX_CSV_BYTES. A text file
    named .xlsx, an old .xls, a binary or a file in another encoding are refused with what to do."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    size_mb = vi_number((Decimal(size) / MB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    if is_xlsx(head):
        if size > MAX_XLSX_BYTES:
            raise UploadRefused(
                _(
                    "The Excel file is %(size)s MB, larger than the %(limit)s MB an Excel file may be: save it "
                    "as CSV UTF-8 (up to %(csv)s MB) or split it into several files."
                )
                % {"size": size_mb, "limit": MAX_XLSX_BYTES // MB, "csv": MAX_CSV_BYTES // MB}
            )
        return
    if head.startswith(OLD_EXCEL):
        raise UploadRefused(_("The file is an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx."))
    if name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx)."))
    if size > MAX_CSV_BYTES:
        raise UploadRefused(
            _("The file is %(size)s MB, larger than the %(limit)s MB limit: split it into several files.")
            % {"size": size_mb, "limit": MAX_CSV_BYTES // MB}
        )
    try:
        if b"\x00" in head:
            raise UnicodeDecodeError("utf-8", head, 0, 1, "a binary file")
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        raise UploadRefused(
            _(
                "The file is neither an Excel workbook (.xlsx) nor UTF-8 text (CSV): in Excel, save it as "
                "“Excel Workbook (.xlsx)” or “CSV UTF-8”."
            )
        ) from None


def save_upload(*, agency: Agency, actor, fileobj, filename: str) -> DossierImport:
    """Stores the file, then queues its import: a worker never claims an import whose file is
    not there yet (storing it on object storage takes a while)."""
    digest = hashlib.sha256()
    stored = f"{uuid.uuid4().hex}.upload"
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(1 << 20), b""):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.seek(0)
        storage.put(f"{FOLDER}/{stored}", out)
    item = DossierImport.objects.create(
        agency=agency,
        uploaded_by=actor,
        original_name=filename[:255],
        file=stored,
        size=size,
        sha256=digest.hexdigest(),
    )
    log_action(
        actor=actor,
        agency=agency,
        action="dossier_import.uploaded",
        obj=item,
        changes={"file": [None, filename], "sha256": [None, item.sha256]},
    )
    return item


def _records(stream: IO[bytes]) -> tuple[Iterator[list[Any] | tuple[Any, ...]], bool]:
    """The file's records, and whether they are text only (CSV)."""
    if is_xlsx(stream.read(4)):
        stream.seek(0)
        return xlsx_records(stream), False
    stream.seek(0)
    return csv_records(stream), True


def _parse(path: Path, reader: DossierReader) -> Iterator[tuple[int, list[Item]]]:
    """(rows read so far, a batch of items) while the file is clean; once a problem is found, the
    reader goes on to the end to count and locate them and only progress is reported."""
    with path.open("rb") as stream:
        for chunk in batched(reader.rows(*_records(stream))):
            yield reader.rows_read, [] if reader.total else chunk
    yield reader.rows_read, []


def _parse_into(send, path: Path, reader: DossierReader, writer: Writer) -> None:
    """The parsing process (forked, limited: core.sandbox, which also lets go of the database
    socket the fork copied): batches go to the writing process, prepared for the database as far
    as can be, then the end."""
    try:
        send(("total", count_rows(path)))
        for rows_read, chunk in _parse(path, reader):
            send(("rows", rows_read, writer.prepare(chunk)))
        send(("end", reader.rows_read, reader.total, reader.problems))
    except UnicodeDecodeError:
        send(("not_utf8",))
    except Exception as exc:  # a broken workbook: reported by the writing process
        send(("error", f"{type(exc).__name__}: {exc}"))


class _Failed(Exception):
    """The parsing process could not read the file."""


def _parsed_elsewhere(
    path: Path, reader: DossierReader, writer: Writer, counts: dict[str, int], on_wait: Callable[[], None] | None = None
) -> Iterator[tuple[int, list[Item] | Prepared]]:
    """What _parse yields, worked out in a second process with the IMPORT_PARSE_* limits (forked:
        it shares the reader, the calendar and the catalogue and never touches the database), so
        reading and checking the file runs beside the database writes and a hostile file costs at
        most the limits (sandbox.LimitExceeded). The file's row count (for the progress bar) comes first
    into `counts`, the reader's counts at the end."""
    messages = sandbox.stream_limited(
        _parse_into,
        path,
        reader,
        writer,
        cpu_seconds=settings.IMPORT_PARSE_CPU_SECONDS,
        memory_mb=settings.IMPORT_PARSE_MEMORY_MB,
        timeout=settings.IMPORT_PARSE_TIMEOUT_SECONDS,
        on_wait=on_wait,
        context="fork",
    )
    try:
        for message in messages:
            if message[0] == "rows":
                yield message[1], message[2]
            elif message[0] == "total":
                counts["total"] = message[1]
            elif message[0] == "end":
                reader.rows_read, reader.total, reader.problems = message[1], message[2], message[3]
                return
            elif message[0] == "not_utf8":
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "not UTF-8")
            else:
                raise _Failed(message[1])
        raise _Failed("the parsing process ended without a result")
    finally:
        messages.close()  # kills the child if it is still working


def _in_parallel(path: Path) -> bool:
    """Forking is safe only from a single thread (the worker); elsewhere (a threaded caller) the
    file is read in this process, without the limits."""
    if path.stat().st_size < PARALLEL_FROM or os.name != "posix":
        return False
    if threading.active_count() > 1:
        log.warning("dossier import: %s read in this threaded process, without the parsing limits", path.name)
        return False
    return True


def _limit_message(exc: sandbox.LimitExceeded) -> str:
    return exc.message(
        slow=_("Reading the file took too long: it was stopped after %(seconds)s seconds."),
        memory=_("Reading the file needed too much memory (more than %(mb)s MB)."),
        stopped=_("The process reading the file stopped (%(detail)s)."),
    )


ENDED = (DossierImport.State.DONE, DossierImport.State.REFUSED, DossierImport.State.FAILED)


def discard_upload(item: DossierImport) -> bool:
    """Deletes the uploaded file of an ended import (applicants' personal data). The import's row
    keeps the file's name, size and SHA-256; an empty `file` says the stored copy is gone."""
    if not item.file or item.state not in ENDED:
        return False
    storage.delete(upload_name(item))
    DossierImport.objects.filter(pk=item.pk).update(file="")
    log.info("dossier import %s (%s): uploaded file deleted", item.pk, item.state)
    item.file = ""
    return True


@daily_job("procedures.import_files")
def remove_import_files(*, today: dt.date, cal=None) -> dict:
    """Uploaded files of imports that ended more than IMPORT_FILE_KEEP_DAYS ago (and any left
    behind when the deletion at the end failed)."""
    cutoff = timezone.now() - dt.timedelta(days=max(settings.IMPORT_FILE_KEEP_DAYS, 0))
    ended = DossierImport.objects.filter(state__in=ENDED, finished_at__lt=cutoff).exclude(file="")
    removed = sum(discard_upload(item) for item in ended.iterator())
    return {"removed": removed}


def run_import(item: DossierImport, *, cal: WorkingCalendar | None = None) -> DossierImport:
    """Imports a claimed (running) upload: all rows or none."""
    with storage.local_path(upload_name(item)) as path:
        item = _run_import(item, path, cal or load_calendar())
    if settings.IMPORT_FILE_KEEP_DAYS <= 0:  # otherwise the daily clean-up (remove_import_files)
        discard_upload(item)
    return item


def _run_import(item: DossierImport, path: Path, cal: WorkingCalendar) -> DossierImport:
    reader = reader_for(item.agency, cal, vietnamese=True, now=timezone.now())
    writer = Writer(agency=item.agency, actor=item.uploaded_by, source="import", batch=item)
    counts = {"rows": 0, "total": 0}  # for the progress file, also the claim's heartbeat while the child works
    heartbeat = Heartbeat(lambda: _write_progress(item, counts["rows"], counts["total"]))
    if _in_parallel(path):
        parsed = _parsed_elsewhere(path, reader, writer, counts, heartbeat)
    else:
        counts["total"] = count_rows(path)
        parsed = _parse(path, reader)
    last_report = 0.0
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), _large_cache(), contextlib.closing(parsed):
            if outermost and connection.vendor == "postgresql":
                # Foreign keys checked after each batch rather than all at the commit, so the
                # checks run beside the parsing of the next batch. The setting ends with the
                # transaction (hence only when this is the outermost one).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for rows_read, chunk in parsed:
                heartbeat()  # a stop requested ends the import here (rolled back, queued again)
                writer.write(chunk)
                counts["rows"] = rows_read
                if time.monotonic() - last_report > 0.5:
                    _write_progress(item, rows_read, counts["total"])
                    last_report = time.monotonic()
            if reader.total:
                raise _Refused
            if writer.created >= ANALYZE_FROM and connection.vendor == "postgresql":
                # fresh statistics, or the planner would go on estimating the register as it was
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Dossier._meta.db_table)}")
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
    except sandbox.LimitExceeded as exc:  # nothing was written
        log.warning("dossier import %s stopped: %s", item.pk, exc)
        item.state, item.error, item.finished_at = DossierImport.State.FAILED, _limit_message(exc), timezone.now()
        item.save(update_fields=["state", "error", "finished_at"])
    except WorkerStopping:  # rolled back: queued again at once, for this or another worker
        DossierImport.objects.filter(pk=item.pk, state=DossierImport.State.RUNNING).update(
            state=DossierImport.State.QUEUED, started_at=None
        )
        storage.delete(progress_name(item))
        log.info("dossier import %s: the worker is stopping; queued again", item.pk)
        raise
    except (_Failed, zipfile.BadZipFile) as exc:  # the file could not be read: nothing was written
        log.warning("dossier import %s: unreadable file: %s", item.pk, exc)
        reason = _(
            "The file could not be read: the workbook is damaged or not really .xlsx; open it in Excel and "
            "save it again as .xlsx (%(detail)s)."
        )
        item.state, item.finished_at = DossierImport.State.FAILED, timezone.now()
        item.error = (reason % {"detail": str(exc)[:300]})[:1000]
        item.save(update_fields=["state", "error", "finished_at"])
    except Exception as exc:  # a database failure: nothing was written
        log.exception("dossier import %s failed", item.pk)
        item.state, item.error, item.finished_at = DossierImport.State.FAILED, str(exc)[:1000], timezone.now()
        item.save(update_fields=["state", "error", "finished_at"])
    _write_progress(item, reader.rows_read, counts["total"])
    return item


@contextlib.contextmanager
def _large_cache() -> Iterator[None]:
    """SQLite: a page cache big enough for the register's indexes during a large import (the
    default 2 MB makes every random insert into the code index read from disk)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def claim_next() -> DossierImport | None:
    """The oldest waiting upload, claimed by exactly one worker; one left running by a worker
    that died (no heartbeat, i.e. no progress, for WORKER_STALE_SECONDS) is queued again first
    (its transaction was rolled back)."""
    now = timezone.now()
    stale_from = stale_before(now)
    for stale in DossierImport.objects.filter(state=DossierImport.State.RUNNING, started_at__lt=stale_from):
        touched = storage.modified(progress_name(stale)) or stale.started_at
        if touched < stale_from:
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
    return drain(claim_next, run_import, limit=limit)
