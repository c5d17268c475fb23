"""Backups of the whole system: the database and the stored files (evidence, attachments,
generated reports, templates), in one archive with a manifest, and their restore.

- SQLite: a consistent copy through SQLite's online backup API (the app may keep running).
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot), restored with `pg_restore`.
- Files: every stored file (core.storage: MEDIA_ROOT or the S3 bucket), each with its SHA-256 in
  the manifest.
- The manifest also records the row count of every table, so a restore can be checked.

A restore goes into an empty database only (it refuses to overwrite data unless told), checks
every file against its hash and every table against its count, and says what differs.
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

from django.core.files.storage import default_storage
from django.db import connection

from core import storage, uploads

FORMAT = 1
CHUNK = 1024 * 1024


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


def _dump_database(target: Path) -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "database.sqlite3"
    if vendor == "postgresql":
        data = connection.settings_dict
        _run(
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                data["NAME"],
            ],
            _pg_env(data),
        )
        return "database.pgdump"
    raise BackupError(f"backups of {vendor} databases are not supported")


def backed_up(name: str) -> bool:
    """Stored files a backup holds: not uploads waiting a day at most for their confirmation,
    nor an import's progress, which the import rewrites and which says nothing once it ends."""
    return not name.startswith(f"{uploads.FOLDER}/") and not name.endswith(".progress.json")


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
    from django.db.migrations.recorder import MigrationRecorder

    with tempfile.TemporaryDirectory(prefix="cchc-backup-") as work:
        dump = Path(work) / "database"
        name = _dump_database(dump)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        files = {}
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=name)
            copy = Path(work) / "file"
            for stored in filter(backed_up, storage.walk()):
                try:
                    digest, size = _copy_out(stored, copy)
                except storage.MISSING:
                    continue  # removed since it was listed (an old report file, say)
                archive.add(copy, arcname=f"media/{stored}")
                files[stored] = {"sha256": digest, "size": size}
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "vendor": connection.vendor,
                "database": name,
                "database_sha256": _sha256(dump),
                "tables": table_counts(),
                "migrations": sorted(
                    f"{app}.{migration}"
                    for app, migration in MigrationRecorder.Migration.objects.values_list("app", "name")
                ),
                "files": files,
            }
            payload = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
        partial.replace(output)  # a backup is either whole or absent
    return manifest


def _is_empty() -> bool:
    from core.models import Agency

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


def restore(source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restores the archive into this (empty) database and the file storage; returns a report with
    the tables and files that do not match the manifest (empty lists when all is well)."""
    if not force and not _is_empty():
        raise BackupError("the database holds data: restore into an empty database (or use --force)")
    with tempfile.TemporaryDirectory(prefix="cchc-restore-") as work, tarfile.open(source, "r:gz") as archive:
        archive.extractall(work, members=_safe_members(archive), filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"this backup is of a {manifest['vendor']} database, not {connection.vendor}")
        dump = Path(work) / manifest["database"]
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError("the database dump does not match its hash: the archive is damaged")
        bad_files = [
            relative
            for relative, facts in manifest["files"].items()
            if not (Path(work) / "media" / relative).is_file()
            or _sha256(Path(work) / "media" / relative) != facts["sha256"]
        ]
        if bad_files:
            raise BackupError(f"{len(bad_files)} files do not match their hashes, e.g. {bad_files[0]}")
        _load_database(dump)
        for stored in manifest["files"]:
            with (Path(work) / "media" / stored).open("rb") as source:
                storage.put(stored, source)
    counts = table_counts()
    return {
        "tables": {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n},
        "files": [r for r, f in manifest["files"].items() if storage.sha256(r)[0] != f["sha256"]],
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
