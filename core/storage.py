"""Files that every app machine and every worker must see: evidence, attachments, generated
reports, templates, and the working files of imports (uploads waiting for confirmation, dossier
files and their progress). All go through Django's default storage: MEDIA_ROOT (on a shared file
system when there are several machines) or, with FILE_STORAGE=s3, an S3-compatible bucket
through django-storages (docs/deploy.md). Nothing outside this module assumes a local path."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

CHUNK = 1 << 20
try:  # object storage (django-storages over boto3) reports a missing key this way
    from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]  # untyped
except ImportError:  # pragma: no cover  (boto3 is in requirements.txt)
    ClientError = OSError
MISSING = (FileNotFoundError, OSError, ClientError)
PART = ".part-"  # a file being written by put(), not yet under its name


def _local(name: str) -> Path | None:
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:  # object storage
        return None


def put(name: str, content: bytes | IO[bytes]) -> str:
    """Stores `content` under exactly `name`, replacing what was there. A reader never sees half
    a file: on a file system it is written aside and renamed; an object store replaces whole."""
    target = _local(name)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=PART, delete=False) as part:
            try:
                if isinstance(content, bytes):
                    part.write(content)
                else:
                    shutil.copyfileobj(content, part, CHUNK)
            except BaseException:
                os.unlink(part.name)
                raise
        os.chmod(part.name, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        os.replace(part.name, target)
        return name
    saved = default_storage.save(name, ContentFile(content) if isinstance(content, bytes) else File(content))
    if saved != name:  # a storage that does not overwrite: keep ours under the name
        default_storage.delete(name)
        with default_storage.open(saved, "rb") as source:
            default_storage.save(name, File(source))
        default_storage.delete(saved)
    return name


def read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as source:
            data: bytes = source.read()
            return data
    except MISSING:
        return None


def delete(name: str) -> None:
    with contextlib.suppress(*MISSING):
        default_storage.delete(name)


def modified(name: str) -> dt.datetime | None:
    try:
        return default_storage.get_modified_time(name)
    except (*MISSING, NotImplementedError):
        return None


def walk(folder: str = "") -> Iterator[str]:
    """Every stored file's name under `folder`, sorted."""
    try:
        folders, files = default_storage.listdir(folder)
    except (*MISSING, NotADirectoryError):
        return
    names = [str(PurePosixPath(folder, f)) if folder else f for f in files if not f.startswith(PART)]
    names += [str(PurePosixPath(folder, d)) + "/" for d in folders]
    for name in sorted(names):
        if name.endswith("/"):
            yield from walk(name.rstrip("/"))
        else:
            yield name


def sha256(name: str) -> tuple[str, int]:
    """The file's SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@contextlib.contextmanager
def local_path(name: str) -> Iterator[Path]:
    """A path on this machine to read the stored file from: the file itself on a file system,
    else a temporary copy, removed afterwards."""
    path = _local(name)
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="cchc-", suffix=PurePosixPath(name).suffix) as copy:
        with default_storage.open(name, "rb") as source:
            shutil.copyfileobj(source, copy, CHUNK)
        copy.flush()
        yield Path(copy.name)
