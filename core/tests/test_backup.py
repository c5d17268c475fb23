"""Backup and restore round trip (SQLite or PostgreSQL, whichever the suite runs on): every
table's content and every stored file are the same after restoring into an emptied database."""

import hashlib
import io
import json
import re
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import backup, storage
from core.services import create_document


def file_hashes() -> dict[str, str]:
    media = Path(settings.MEDIA_ROOT)
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_the_same_data_and_files(tmp_path, make_task, org):
    make_task(title="Nhiệm vụ có dấu: Đồng Đăng", status="in_progress")
    create_document(
        actor=org.office,
        agency=org.agency,
        unit=org.unit_a,
        fileobj=io.BytesIO(b"%PDF-1.4\n% kiem chung\n%%EOF\n"),
        filename="kế hoạch.pdf",
        abstract="Kế hoạch",
    )
    tables, files = backup.table_digests(), file_hashes()
    assert files and tables["plans_task"]
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    with pytest.raises(CommandError, match="holds data"):
        call_command("restore", str(archive))  # never over live data by accident
    call_command("flush", interactive=False)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert backup.table_digests() != tables
    call_command("restore", str(archive))
    assert backup.table_digests() == tables
    assert file_hashes() == files


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_unsafe_archive_is_refused(tmp_path, org):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    call_command("flush", interactive=False)
    # one byte of the dump changed
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(damaged)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as target:
        info = tarfile.TarInfo("../../etc/cron.d/x")
        info.size = 1
        target.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(backup.BackupError, match="unsafe path"):
        backup.restore(evil)


@pytest.mark.django_db(transaction=True)
def test_uploads_waiting_for_confirmation_and_import_files_are_left_out(tmp_path, org):
    from core import storage

    storage.put("held/abc.xlsx", b"PK")
    storage.put("imports/7.progress.json", b'{"processed": 1}')
    storage.put("imports/7.upload", b"ma,ho,so\n")
    manifest = backup.create(tmp_path / "b.tar.gz")
    # dossier import files hold applicants' personal data: left out too (issue 18)
    assert manifest["files"] == {}
    with tarfile.open(tmp_path / "b.tar.gz", "r:gz") as archive:
        names = archive.getnames()
    assert not [n for n in names if n.startswith("media/")] and names[-1] == "manifest.json"


# --- what a backup may name, and what a manifest must say (pure: no database) ---------------------


@pytest.mark.parametrize(
    "name",
    ["evidence/2026/11/ke-hoach.pdf", "feedback/7/anh.jpg", "generated/r.xlsx", "templates/a.docx", "imports/7.upload"],
)
def test_plain_names_in_the_stored_folders_are_accepted(name):
    assert backup.name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (None, "not a file name"),
        (7, "not a file name"),
        ("", "not a file name"),
        ("evidence/" + "x" * 1000, "not a file name"),
        ("evidence/a\tb", "a control character"),
        ("evidence/a\x7fb", "a control character"),
        ("evidence\\a.pdf", "a backslash"),
        ("/evidence/a.pdf", "an absolute path"),
        ("evidence//a.pdf", "an empty, '.' or '..' part"),
        ("evidence/./a.pdf", "an empty, '.' or '..' part"),
        ("evidence/../a.pdf", "an empty, '.' or '..' part"),
        ("evidence/", "an empty, '.' or '..' part"),
        ("evidence", "not in the folders"),
        ("database.sqlite3", "not in the folders"),
        ("static/a.js", "not in the folders"),
    ],
)
def test_other_names_are_refused_with_their_reason(name, problem):
    assert problem in backup.name_problem(name)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("evidence/a.pdf", True),
        ("templates/mau.docx", True),
        ("held/abc.xlsx", False),
        ("imports/7.upload", False),
        ("imports/7.progress.json", False),
        ("generated/7.progress.json", False),
    ],
)
def test_uploads_waiting_and_import_files_are_not_backed_up(name, kept):
    assert backup.backed_up(name) is kept


def good_manifest(**changes):
    manifest = {
        "format": backup.FORMAT,
        "vendor": connection.vendor,
        "database": backup.DATABASE_NAMES[connection.vendor],
        "tables": {"core_agency": 1},
        "files": {"evidence/a.pdf": {"sha256": "0" * 64, "size": 1}},
    }
    return {**manifest, **changes}


def test_a_well_formed_manifest_passes():
    backup.check_manifest(good_manifest())


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ([], "unknown backup format None"),
        (good_manifest(format=2), "unknown backup format 2"),
        ({k: v for k, v in good_manifest().items() if k != "format"}, "unknown backup format None"),
        (good_manifest(vendor="oracle"), "a oracle database"),
        (good_manifest(database="../../etc/passwd"), "unexpected database file name"),
        (good_manifest(files=["evidence/a.pdf"]), "no list of files or tables"),
        (good_manifest(tables=None), "no list of files or tables"),
        (good_manifest(files={"evidence/../x": {"sha256": "0"}}), "unsafe file name"),
        (good_manifest(files={"evidence/a.pdf": {"size": 1}}), "no hash for 'evidence/a.pdf'"),
        (good_manifest(files={"evidence/a.pdf": "0" * 64}), "no hash"),
    ],
)
def test_a_manifest_that_does_not_describe_a_backup_of_this_kind_is_refused(manifest, message):
    with pytest.raises(backup.BackupError, match=re.escape(message)):
        backup.check_manifest(manifest)


# --- the archive as written, and restores that must not go through --------------------------------


def rewritten(source: Path, target: Path, *, manifest=None, member=None) -> Path:
    """A copy of the archive with its manifest changed by `manifest(dict)` and every other member's
    bytes by `member(name, data)`."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == "manifest.json" and manifest:
                changed = json.loads(data)
                manifest(changed)
                data = json.dumps(changed).encode()
            elif member:
                data = member(info.name, data)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def add_evidence(org, name="kế hoạch.pdf", content=b"%PDF-1.4\n% kiem chung\n%%EOF\n"):
    return create_document(
        actor=org.office, agency=org.agency, unit=org.unit_a, fileobj=io.BytesIO(content), filename=name, abstract="A"
    )


@pytest.mark.django_db(transaction=True)
def test_the_manifest_describes_exactly_what_the_archive_holds(tmp_path, org):
    document = add_evidence(org)
    stored = document.versions.get().file.name
    archive = tmp_path / "b.tar.gz"
    manifest = backup.create(archive)
    assert not (tmp_path / "b.tar.gz.part").exists()  # written aside, then renamed
    with tarfile.open(archive, "r:gz") as source:
        names = source.getnames()
        dump = source.extractfile(manifest["database"]).read()
        copied = source.extractfile(f"media/{stored}").read()
        assert json.load(source.extractfile("manifest.json")) == manifest
    assert names[0] == manifest["database"] == backup.DATABASE_NAMES[connection.vendor]
    assert names[-1] == "manifest.json"
    assert (manifest["format"], manifest["vendor"]) == (backup.FORMAT, connection.vendor)
    assert manifest["database_sha256"] == hashlib.sha256(dump).hexdigest()
    assert manifest["tables"] == backup.table_counts()
    assert "core.0001_initial" in manifest["migrations"]
    assert manifest["files"] == {stored: {"sha256": hashlib.sha256(copied).hexdigest(), "size": len(copied)}}
    assert manifest["missing_files"] == {} and manifest["left_out"] == ["held/", "imports/"]


@pytest.mark.django_db(transaction=True)
def test_a_file_the_database_refers_to_but_the_storage_lost_is_named(tmp_path, org):
    kept, lost = add_evidence(org, "a.pdf"), add_evidence(org, "b.pdf")
    lost_name = lost.versions.get().file.name
    storage.delete(lost_name)
    out, err = StringIO(), StringIO()
    call_command("backup", output=str(tmp_path / "b.tar.gz"), stdout=out, stderr=err)
    with tarfile.open(tmp_path / "b.tar.gz", "r:gz") as source:
        manifest = json.load(source.extractfile("manifest.json"))
    assert list(manifest["files"]) == [kept.versions.get().file.name]
    assert manifest["missing_files"] == {lost_name: "referred to by the database but not in the file storage"}
    assert f"file {lost_name}: not in the archive" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_restore_with_force_replaces_the_data_there(tmp_path, org, make_task):
    make_task(title="Trong bản sao lưu")
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    tables = backup.table_digests()
    make_task(title="Làm sau bản sao lưu")
    with pytest.raises(backup.BackupError, match="holds data"):
        backup.restore(archive)
    assert backup.table_digests() != tables  # refused: nothing replaced
    report = backup.restore(archive, force=True)
    assert report["tables"] == {} and report["files"] == [] and report["left_out"] == []
    assert backup.table_digests() == tables


@pytest.mark.django_db(transaction=True)
def test_a_file_that_does_not_match_its_hash_is_refused_before_the_database_is_touched(tmp_path, org):
    add_evidence(org)
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)

    def changed(name, data):
        return data + b"% altered\n" if name.startswith("media/") else data

    altered = rewritten(archive, tmp_path / "altered.tar.gz", member=changed)
    call_command("flush", interactive=False)
    tables = backup.table_digests()
    with pytest.raises(backup.BackupError, match="1 files do not match their hashes"):
        backup.restore(altered)
    assert backup.table_digests() == tables


@pytest.mark.django_db(transaction=True)
def test_an_archive_without_a_manifest_is_refused(tmp_path, org):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    bare = tmp_path / "bare.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(bare, "w:gz") as new:
        for info in old.getmembers():
            if info.name != "manifest.json":
                new.addfile(info, old.extractfile(info))
    with pytest.raises(backup.BackupError, match="no readable manifest"):
        backup.restore(bare, force=True)


@pytest.mark.django_db(transaction=True)
def test_a_restore_whose_tables_do_not_match_the_manifest_fails_and_says_which(tmp_path, org):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    agencies = backup.table_counts()["core_agency"]

    def one_more_agency(manifest):
        manifest["tables"]["core_agency"] += 1

    counted = rewritten(archive, tmp_path / "counted.tar.gz", manifest=one_more_agency)
    report = backup.restore(counted, force=True)
    assert report["tables"] == {"core_agency": (agencies + 1, agencies)} and report["files"] == []
    err = StringIO()
    with pytest.raises(CommandError, match="does not match the backup"):
        call_command("restore", str(counted), force=True, stderr=err)
    assert f"table core_agency: {agencies} rows, the backup had {agencies + 1}" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_database_kind_is_refused(tmp_path, org):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def elsewhere(manifest):
        manifest["vendor"] = other

    moved = rewritten(archive, tmp_path / "other.tar.gz", manifest=elsewhere)
    tables = backup.table_digests()
    with pytest.raises(backup.BackupError, match=f"this backup is of a {other} database"):
        backup.restore(moved, force=True)
    assert backup.table_digests() == tables
