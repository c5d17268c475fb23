"""Stored files through core.storage on the file system (MEDIA_ROOT, a fresh one per test): whole
files under exactly their name, reads and deletes of missing files that are no error, sorted
walks, hashes, local paths. The object-storage side is in test_shared_storage.py."""

import datetime as dt
import hashlib
import io
import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core import storage


def media() -> Path:
    return Path(settings.MEDIA_ROOT)


def files_on_disk() -> list[str]:
    return sorted(p.relative_to(media()).as_posix() for p in media().rglob("*") if p.is_file())


def test_put_stores_bytes_or_a_stream_under_exactly_the_name():
    assert storage.put("evidence/2026/a.pdf", b"%PDF-1.4 one") == "evidence/2026/a.pdf"
    assert storage.put("evidence/2026/b.pdf", io.BytesIO(b"%PDF-1.4 two")) == "evidence/2026/b.pdf"
    assert (media() / "evidence/2026/a.pdf").read_bytes() == b"%PDF-1.4 one"
    assert storage.read("evidence/2026/b.pdf") == b"%PDF-1.4 two"


def test_put_replaces_what_was_there_without_a_second_name():
    storage.put("generated/report.xlsx", b"old")
    storage.put("generated/report.xlsx", b"new content")
    assert storage.read("generated/report.xlsx") == b"new content"
    assert files_on_disk() == ["generated/report.xlsx"]  # no report_abc123.xlsx beside it


class Broken(io.RawIOBase):
    """A stream that fails half-way, as an upload cut off or a disk that fills up."""

    def __init__(self):
        self.sent = False

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.sent:
            raise OSError("connection reset")
        self.sent = True
        buffer[:4] = b"half"
        return 4


def test_a_put_that_fails_half_way_leaves_the_old_file_whole():
    storage.put("imports/1.progress.json", b'{"processed": 1}')
    with pytest.raises(OSError, match="connection reset"):
        storage.put("imports/1.progress.json", Broken())
    assert storage.read("imports/1.progress.json") == b'{"processed": 1}'
    assert files_on_disk() == ["imports/1.progress.json"]  # the part written aside is removed


def test_a_put_file_gets_the_upload_permissions(settings):
    settings.FILE_UPLOAD_PERMISSIONS = 0o640
    storage.put("evidence/p.pdf", b"%PDF")
    assert stat.S_IMODE((media() / "evidence/p.pdf").stat().st_mode) == 0o640


def test_reading_deleting_and_dating_a_missing_file_is_no_error():
    assert storage.read("evidence/none.pdf") is None
    storage.delete("evidence/none.pdf")
    assert storage.modified("evidence/none.pdf") is None


def test_delete_removes_the_file():
    storage.put("held/token.xlsx", b"PK")
    storage.delete("held/token.xlsx")
    assert storage.read("held/token.xlsx") is None and files_on_disk() == []


def test_modified_is_the_moment_of_the_last_write():
    storage.put("imports/2.progress.json", b"{}")
    then = timezone.now() - dt.timedelta(hours=3)
    os.utime(media() / "imports/2.progress.json", (then.timestamp(), then.timestamp()))
    found = storage.modified("imports/2.progress.json")
    assert found is not None and timezone.is_aware(found)
    assert abs(found - then) < dt.timedelta(seconds=1)
    storage.put("imports/2.progress.json", b'{"processed": 5}')
    assert storage.modified("imports/2.progress.json") > timezone.now() - dt.timedelta(minutes=1)


def test_walk_lists_every_file_below_a_folder_sorted():
    for name in ("templates/z.docx", "evidence/b/2.pdf", "evidence/a.pdf", "evidence/b/1.pdf", "top.txt"):
        storage.put(name, b"x")
    assert list(storage.walk("evidence")) == ["evidence/a.pdf", "evidence/b/1.pdf", "evidence/b/2.pdf"]
    assert list(storage.walk()) == [
        "evidence/a.pdf",
        "evidence/b/1.pdf",
        "evidence/b/2.pdf",
        "templates/z.docx",
        "top.txt",
    ]


def test_walk_skips_files_being_written_and_missing_folders():
    storage.put("held/a.xlsx", b"PK")
    (media() / "held" / f"{storage.PART}abc").write_bytes(b"half")  # a put() under way
    assert list(storage.walk("held")) == ["held/a.xlsx"]
    assert list(storage.walk("no-such-folder")) == []


def test_sha256_gives_the_hash_and_size_of_the_whole_file():
    data = os.urandom(storage.CHUNK + 123)  # more than one chunk
    storage.put("evidence/big.bin", data)
    assert storage.sha256("evidence/big.bin") == (hashlib.sha256(data).hexdigest(), len(data))


def test_sha256_of_a_missing_file_raises():
    with pytest.raises(storage.MISSING):
        storage.sha256("evidence/none.pdf")


def test_local_path_is_the_stored_file_itself_on_a_file_system():
    storage.put("evidence/c.pdf", b"%PDF-1.4 c")
    with storage.local_path("evidence/c.pdf") as path:
        assert path == media() / "evidence/c.pdf" and path.read_bytes() == b"%PDF-1.4 c"
    assert path.exists()  # not a copy: nothing is removed afterwards


def test_local_path_without_a_file_system_is_a_temporary_copy(monkeypatch):
    """Object storage (no path): a copy with the same suffix, removed when the block ends."""
    storage.put("evidence/d.xlsx", b"PK workbook")
    monkeypatch.setattr(storage, "_local", lambda name: None)
    with storage.local_path("evidence/d.xlsx") as path:
        assert path.suffix == ".xlsx" and path.read_bytes() == b"PK workbook"
        assert media() not in path.parents
    assert not path.exists()


def test_put_on_a_storage_that_does_not_overwrite_keeps_the_name(monkeypatch):
    """An object store that renames instead of overwriting (Django's default for a taken name):
    put() still ends with the new content under exactly the name, and nothing else."""
    storage.put("generated/r.docx", b"old")
    monkeypatch.setattr(storage, "_local", lambda name: None)
    assert storage.put("generated/r.docx", b"new") == "generated/r.docx"
    assert storage.read("generated/r.docx") == b"new"
    assert files_on_disk() == ["generated/r.docx"]
