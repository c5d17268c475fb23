"""Backups of a live system (M8), crafted archives (L5) and the personal data a backup holds.

- A backup taken while the app writes restores exactly: the manifest's row counts and files are
  read in the snapshot the dump was taken from (PostgreSQL: an exported REPEATABLE READ snapshot
  given to pg_dump; SQLite: counted from the copy), and the restore check passes.
- A manifest naming a file outside the stored folders is refused before anything is replaced.
- Dossier import files (applicants' personal data) are left out; the manifest and the command
  say which personal files the archive holds.
"""

import hashlib
import io
import json
import tarfile
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import backup, storage
from core.models import DocumentVersion
from core.services import create_document


def _media_files() -> dict[str, str]:
    media = Path(settings.MEDIA_ROOT)
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as source:
        return json.load(source.extractfile("manifest.json"))


def _pdf(n: int) -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.4\n% tai lieu " + str(n).encode() + b"\n%%EOF\n")


def _empty_everything() -> None:
    call_command("flush", interactive=False)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_the_app_writes_restores_exactly(tmp_path, org):
    """The probe's M8 on the suite's database (run it with DATABASE_URL=postgres://... for
    PostgreSQL): documents with files are stored in another thread during the whole backup."""
    stop, written, errors = threading.Event(), [], []

    def write() -> None:
        try:
            n = 0
            while not stop.is_set():
                create_document(
                    actor=org.office,
                    agency=org.agency,
                    unit=org.unit_a,
                    fileobj=_pdf(n),
                    filename=f"kiem-chung-{n}.pdf",
                    abstract=f"Tài liệu {n}",
                )
                n += 1
                written.append(n)
        except Exception as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 3 and not errors and time.monotonic() < deadline:
            time.sleep(0.01)
        before = len(written)
        archive = tmp_path / "live.tar.gz"
        call_command("backup", output=str(archive), stdout=StringIO())
        during = len(written) - before
    finally:
        stop.set()
        writer.join()
    assert not errors
    assert during > 0, "nothing was written while the backup ran: the test proves nothing"
    manifest = _manifest(archive)
    assert not manifest.get("missing_files")

    _empty_everything()
    out = StringIO()
    call_command("restore", str(archive), stdout=out)  # CommandError if the check fails
    assert "all checked" in out.getvalue()
    assert backup.table_counts() == manifest["tables"]
    referenced = set(DocumentVersion.objects.values_list("file", flat=True))
    assert referenced == set(manifest["files"])  # every referenced file, and only those
    assert set(_media_files()) == referenced


CRAFTED = [
    "../database.pgdump",
    "../database.sqlite3",
    "/etc/cron.d/x",
    "evidence/../../x",
    "evidence/./x",
    "evidence//x",
    "evidence/a\x00b",
    "evidence/a\nb",
    "evidence\\..\\..\\x",
    "held/../x",
    "imports/../x",
    "imports/../../x",
    "imports/a\x00b",
    "imports\\..\\x",
    "/imports/x",
    "manifest.json",
    "x",
]


def _crafted(archive: Path, crafted: Path, name: str) -> Path:
    """The archive with `name` added to its manifest's files, as the probe did: the dump's own hash."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(crafted, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["files"][name] = {"sha256": manifest["database_sha256"], "size": 1}
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return crafted


# make test tries one name of each kind (out of the folders, absolute, a control character, a
# backslash); the slow part tries the others
CRAFTED_FAST = ["../database.sqlite3", "/etc/cron.d/x", "evidence/../../x", "evidence/a\x00b", "imports\\..\\x"]


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(CRAFTED_FAST, id="fast"),
        pytest.param([n for n in CRAFTED if n not in CRAFTED_FAST], id="the-rest", marks=pytest.mark.slow),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_crafted_manifest_is_refused_before_anything_changes(tmp_path, org, make_task, subtests, names):
    """Each crafted name against one backup and one live state (a subtest each)."""
    create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=_pdf(1), filename="a.pdf", abstract="A"
    )
    archive = tmp_path / "good.tar.gz"
    backup.create(archive)
    make_task(title="Việc làm sau bản sao lưu")  # the live data differs from the backup
    create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=_pdf(2), filename="b.pdf", abstract="B"
    )
    tables, files = backup.table_digests(), _media_files()
    for n, name in enumerate(names):
        with subtests.test(name=name):
            crafted = _crafted(archive, tmp_path / f"crafted-{n}.tar.gz", name)
            with pytest.raises(CommandError, match="unsafe file name"):
                call_command("restore", str(crafted), force=True)
            assert backup.table_digests() == tables
            assert _media_files() == files


@pytest.mark.django_db(transaction=True)
def test_dossier_import_files_are_left_out_and_personal_files_are_listed(tmp_path, org):
    create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=_pdf(1), filename="a.pdf", abstract="A"
    )
    storage.put("imports/7.upload", "Nguyễn Văn A,0912345678,012345678901\n".encode())
    storage.put("imports/7.progress.json", b'{"processed": 1}')
    storage.put("held/abc.xlsx", b"PK")
    out = StringIO()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=out)
    with tarfile.open(archive, "r:gz") as source:
        names = source.getnames()
    assert not [n for n in names if n.startswith(("media/imports/", "media/held/"))]
    manifest = _manifest(archive)
    personal = {entry["category"]: entry["files"] for entry in manifest["personal_data"]}
    assert personal == {"core.documentversion": 1, "feedback.attachment": 0, "reports.generatedfile": 0}
    assert "imports/" in manifest["left_out"]
    printed = out.getvalue()
    assert "personal data in the archive" in printed and "1 evidence files" in printed
    assert "imports/" in printed


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_previous_version_with_import_files_restores_without_them(tmp_path, org):
    """The previous version archived dossier import files (`imports/<upload>`) too, with format 1:
    such a backup still restores; its import files are not put back, and the restore says so."""
    create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=_pdf(1), filename="a.pdf", abstract="A"
    )
    archive, older = tmp_path / "new.tar.gz", tmp_path / "older.tar.gz"
    backup.create(archive)
    upload = "Nguyễn Văn A,0912345678,012345678901\n".encode()
    with tarfile.open(archive, "r:gz") as source, tarfile.open(older, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":  # as the previous version wrote it
                manifest = json.loads(data)
                manifest["files"]["imports/7.upload"] = {"sha256": hashlib.sha256(upload).hexdigest(), "size": 7}
                del manifest["left_out"]
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
        entry = tarfile.TarInfo("media/imports/7.upload")
        entry.size = len(upload)
        target.addfile(entry, io.BytesIO(upload))
    _empty_everything()
    out = StringIO()
    call_command("restore", str(older), stdout=out)
    assert not default_storage.exists("imports/7.upload")
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()
    assert DocumentVersion.objects.count() == 1
    assert default_storage.exists(DocumentVersion.objects.get().file.name)
    printed = out.getvalue()
    assert "left out: 1 import files of an older backup" in printed
    assert backup.restore(older, force=True)["left_out"] == ["imports/7.upload"]
