"""Backups of the whole system: the database and the stored files (evidence, attachments,
generated reports, templates), in one archive with a manifest, and their restore.

- SQLite: a consistent copy through SQLite's online backup API (the app may keep running); the
  manifest's facts are then read from that copy.
- PostgreSQL: one REPEATABLE READ transaction exports its snapshot (`pg_export_snapshot()`);
  `pg_dump --snapshot` dumps exactly that snapshot while the transaction stays open, and the
  manifest's facts are read in the same transaction. Restored with `pg_restore`.
- The facts: the row count of every table, the migrations, and the stored files the rows refer to
  (every FileField). So the manifest matches the dump exactly even while the app writes: a file
  stored after the snapshot is not in the archive, a file its rows refer to is.
- Files (core.storage: MEDIA_ROOT or the S3 bucket) are copied with their SHA-256. Uploads waiting
  for confirmation and dossier import files (applicants' personal data, deleted after the import)
  are never backed up; the manifest's `personal_data` says which personal files it holds.

A restore checks the whole archive first (every name in the manifest is a plain relative name in
the folders files are stored under, every file matches its hash): a bad archive changes nothing.
Backups of the previous version (same format) also hold dossier import files (`imports/`): a
restore accepts those names, with the same checks, but does not put them back, and says so.
It goes into an empty database only (it refuses to overwrite data unless told), then checks every
file against its hash and every table against its count, and says what differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models

from core import storage, uploads
from core.models import Agency

FORMAT = 1
CHUNK = 1024 * 1024
# The folders FileFields store under (core evidence, feedback attachments, generated reports,
# document templates): a manifest naming a file elsewhere is refused.
FOLDERS = ("evidence", "feedback", "generated", "templates")
# Folders never backed up: uploads waiting a day at most for their confirmation (core.uploads) and
# dossier import files with their progress (procedures.importing), which hold applicants' names,
# addresses and ID numbers and are deleted after the import.
LEFT_OUT = (uploads.FOLDER, "imports")
# The stored files that hold personal data, by the model that refers to them: what the manifest's
# `personal_data` lists with their counts.
PERSONAL = {
    "feedback.attachment": "feedback attachments (citizens' letters, photos, copies of papers)",
    "core.documentversion": "evidence files (may name officials and applicants)",
    "reports.generatedfile": "generated reports and registers (may list applicants)",
}
DATABASE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of the current database (every table Django knows, migrations included)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def table_digests() -> dict[str, str]:
    """A digest of every table's content (rows in primary-key order, as text): what the round-trip
    test compares."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(repr(tuple(_normal(v) for v in row)).encode())
            out[table] = digest.hexdigest()
    return out


def _normal(value: Any) -> Any:
    """Values as both databases return them alike (SQLite gives text for what PostgreSQL types)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, env=env, check=False)  # noqa: S603  (fixed programs)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.decode(errors='replace').strip()[:1000]}")


def _facts(cursor: Any) -> dict[str, Any]:
    """What the manifest records, read through `cursor` (the dump's snapshot): rows per table, the
    migrations, and every stored file a row refers to, with the model that refers to it."""
    quote = connection.ops.quote_name
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations")
    migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    files: dict[str, str] = {}
    for model in apps.get_models():
        if model._meta.db_table not in counts:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                column, table = quote(field.column), quote(model._meta.db_table)
                cursor.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
                for (stored,) in cursor.fetchall():
                    files.setdefault(stored, model._meta.label_lower)
    return {"tables": counts, "migrations": migrations, "files": files}


def _dump_database(target: Path) -> tuple[str, dict[str, Any]]:
    """Dumps the database to `target`; returns the dump's name in the archive and the facts of
    exactly what was dumped."""
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
            cursor = destination.cursor()
            return DATABASE_NAMES[vendor], _facts(cursor)
        finally:
            destination.close()
    if vendor == "postgresql":
        data = connection.settings_dict
        snapshot = connection.Database.connect(**connection.get_connection_params())
        try:
            snapshot.isolation_level = connection.Database.IsolationLevel.REPEATABLE_READ
            snapshot.read_only = True
            with snapshot.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                (exported,) = cursor.fetchone()
                _run(
                    [
                        shutil.which("pg_dump") or "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={exported}",
                        f"--file={target}",
                        data["NAME"],
                    ],
                    _pg_env(data),
                )
                facts = _facts(cursor)  # still the snapshot pg_dump dumped
            snapshot.rollback()
        finally:
            snapshot.close()
        return DATABASE_NAMES[vendor], facts
    raise BackupError(f"backups of {vendor} databases are not supported")


def backed_up(name: str) -> bool:
    """Stored files a backup may hold: not uploads waiting for their confirmation, nor dossier
    import files (applicants' personal data) and their progress."""
    return name.split("/", 1)[0] not in LEFT_OUT and not name.endswith(".progress.json")


def name_problem(name: Any) -> str | None:
    """Why `name` cannot be a stored file's name in a backup, or None: a plain relative name with
    at least a folder and a file, in one of FOLDERS, no `..`, `.` or empty part, no backslash, no
    NUL or other control character. A name in a LEFT_OUT folder passes the same checks: backups of
    the previous version (same FORMAT) held dossier import files, which a restore skips."""
    if not isinstance(name, str) or not name or len(name) > 1000:
        return "not a file name"
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or "\\" in name:
        return "a control character or a backslash"
    if name.startswith("/"):
        return "an absolute path"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "an empty, '.' or '..' part"
    if len(parts) < 2 or parts[0] not in FOLDERS + LEFT_OUT:
        return f"not in the folders files are stored under ({', '.join(FOLDERS)})"
    return None


def _copy_out(name: str, target: Path) -> tuple[str, int]:
    """Copies a stored file to `target`, hashing what is copied: the archive then holds exactly
    the bytes its manifest describes, even if the stored file changes meanwhile."""
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as source, target.open("wb") as out:
        while chunk := source.read(storage.CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def create(output: Path) -> dict[str, Any]:
    """Writes the archive to `output` (a .tar.gz); returns its manifest (its last member)."""
    with tempfile.TemporaryDirectory(prefix="cchc-backup-") as work:
        dump = Path(work) / "database"
        name, facts = _dump_database(dump)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        files: dict[str, dict[str, Any]] = {}
        missing: dict[str, str] = {}
        held: dict[str, int] = dict.fromkeys(PERSONAL, 0)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=name)
            copy = Path(work) / "file"
            for stored, model in sorted(facts["files"].items()):
                if not backed_up(stored):
                    continue
                if problem := name_problem(stored):
                    missing[stored] = problem
                    continue
                try:
                    digest, size = _copy_out(stored, copy)
                except storage.MISSING:
                    missing[stored] = "referred to by the database but not in the file storage"
                    continue
                archive.add(copy, arcname=f"media/{stored}")
                files[stored] = {"sha256": digest, "size": size}
                if model in held:
                    held[model] += 1
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "vendor": connection.vendor,
                "database": name,
                "database_sha256": _sha256(dump),
                "tables": facts["tables"],
                "migrations": facts["migrations"],
                "files": files,
                "missing_files": missing,
                "personal_data": [
                    {"category": model, "description": PERSONAL[model], "files": count} for model, count in held.items()
                ],
                "left_out": sorted(f"{folder}/" for folder in LEFT_OUT),
            }
            payload = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
        partial.replace(output)  # a backup is either whole or absent
    return manifest


def _is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return Agency._meta.db_table not in tables or not Agency.objects.exists()


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refused: unsafe path in the archive: {member.name}")
        members.append(member)
    return members


def check_manifest(manifest: Any) -> None:
    """Refuses a manifest that does not describe a backup of this kind of database with plain
    stored-file names: checked before anything is replaced."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"unknown backup format {found!r}")
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(f"this backup is of a {manifest.get('vendor')} database, not {connection.vendor}")
    if manifest.get("database") != DATABASE_NAMES.get(connection.vendor):
        raise BackupError(f"refused: unexpected database file name in the manifest: {manifest.get('database')!r}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not isinstance(manifest.get("tables"), dict):
        raise BackupError("refused: the manifest has no list of files or tables")
    for name, facts in files.items():
        if problem := name_problem(name):
            raise BackupError(f"refused: unsafe file name in the manifest ({problem}): {name!r}")
        if not isinstance(facts, dict) or not isinstance(facts.get("sha256"), str):
            raise BackupError(f"refused: no hash for {name!r} in the manifest")


def restore(source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restores the archive into this (empty) database and the file storage; returns a report with
    the tables and files that do not match the manifest (empty lists when all is well) and the
    files of LEFT_OUT folders an older backup held, not put back (`left_out`). Every check of the
    archive comes first: a refused archive changes nothing."""
    if not force and not _is_empty():
        raise BackupError("the database holds data: restore into an empty database (or use --force)")
    with tempfile.TemporaryDirectory(prefix="cchc-restore-") as work, tarfile.open(source, "r:gz") as archive:
        archive.extractall(work, members=_safe_members(archive), filter="data")
        try:
            manifest = json.loads((Path(work) / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BackupError(f"refused: the archive has no readable manifest ({exc})") from None
        check_manifest(manifest)
        dump = Path(work) / manifest["database"]
        if not dump.is_file() or _sha256(dump) != manifest["database_sha256"]:
            raise BackupError("the database dump does not match its hash: the archive is damaged")
        # an older backup's import files (applicants' personal data): neither checked nor put back
        left_out = sorted(name for name in manifest["files"] if not backed_up(name))
        files = {name: facts for name, facts in manifest["files"].items() if backed_up(name)}
        bad_files = [
            relative
            for relative, facts in files.items()
            if not (Path(work) / "media" / relative).is_file()
            or _sha256(Path(work) / "media" / relative) != facts["sha256"]
        ]
        if bad_files:
            raise BackupError(f"{len(bad_files)} files do not match their hashes, e.g. {bad_files[0]}")
        _load_database(dump)
        for stored in files:
            with (Path(work) / "media" / stored).open("rb") as content:
                storage.put(stored, content)
    counts = table_counts()
    return {
        "tables": {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n},
        "files": [r for r, f in files.items() if storage.sha256(r)[0] != f["sha256"]],
        "left_out": left_out,
        "manifest": manifest,
    }


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    data = connection.settings_dict
    connection.close()
    _run(
        [
            shutil.which("pg_restore") or "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={data['NAME']}",
            str(dump),
        ],
        _pg_env(data),
    )
