"""Evidence file checks by content, not by name (pure), and the one way stored files are served
(attachment_response): under the type their content was checked as, never the sender's."""

from __future__ import annotations

import io
import mimetypes
import posixpath
import zipfile
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import FileResponse

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"
ALLOWED = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", JPEG: "JPEG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", JPEG: ".jpg", PNG: ".png"}
# the extensions a file of each type may be sent with (anything else is refused at upload)
ACCEPTED_EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",), XLSX: (".xlsx",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
OCTET_STREAM = "application/octet-stream"


class FileRejected(ValueError):
    pass


def sniff(head: bytes, fileobj: IO[bytes] | None = None) -> str | None:
    """The content type of an allowed file, from its bytes; None when not one of them."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and fileobj is not None:
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def check_upload(fileobj: IO[bytes], size: int, max_bytes: int) -> str:
    """Returns the sniffed content type or raises FileRejected with a message for the user."""
    from django.utils.translation import gettext as _

    if size == 0:
        raise FileRejected(_("The file is empty."))
    if size > max_bytes:
        raise FileRejected(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": max_bytes // 1048576}
        )
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    seekable = fileobj if hasattr(fileobj, "seek") else io.BytesIO(fileobj.read())
    kind = sniff(head, seekable)
    if kind is None:
        raise FileRejected(_("Only PDF, DOCX, XLSX, JPEG and PNG files are accepted; this file is none of these."))
    return kind


def _split(name: str) -> tuple[str, str]:
    base = posixpath.basename((name or "").replace("\\", "/")).strip()
    stem, extension = posixpath.splitext(base)
    return (stem, extension) if stem else (base, "")


def checked_name(name: str, kind: str) -> str:
    """The name a file of the checked type `kind` is stored and served under: the sender's name
    when its extension fits the content, with the type's extension added when it has none.
    A name whose extension says another type (a PDF named .html, a PNG named .htm) is refused:
    opened by that extension it could run as a page."""
    from django.utils.translation import gettext as _

    stem, extension = _split(name)
    if not extension or mimetypes.guess_type("x" + extension.lower())[0] is None:
        return (stem + extension or "tep") + EXTENSIONS[kind]  # no extension, or not a file type's
    if extension.lower() not in ACCEPTED_EXTENSIONS[kind]:
        raise FileRejected(
            _(
                "%(name)s: the content is a %(type)s file but the name ends in %(ext)s; "
                "rename it to end in %(expected)s."
            )
            % {"name": stem + extension, "type": ALLOWED[kind], "ext": extension, "expected": EXTENSIONS[kind]}
        )
    return stem + extension


def served_name(name: str, content_type: str) -> str:
    """The download name: the stored name with the extension of its checked type (files stored
    before names were checked keep their stem; their extension is replaced)."""
    stem, extension = _split(name)
    wanted = EXTENSIONS.get(content_type)
    if wanted is None:
        return stem + extension
    if extension.lower() in ACCEPTED_EXTENSIONS[content_type]:
        return stem + extension
    if extension and mimetypes.guess_type("x" + extension.lower())[0] is None:
        return stem + extension + wanted  # "QĐ 12.2026": not a file type's extension
    return (stem or "tep") + wanted


def attachment_response(fileobj: IO[bytes], *, name: str, content_type: str | None = None) -> FileResponse:
    """A stored file for download, whatever view serves it: always a download (Content-Disposition:
    attachment), under the checked type (for evidence and attachments, the sniffed one; for
    generated files, the one of their own name) with its extension, and X-Content-Type-Options:
    nosniff so that no browser second-guesses it."""
    from django.http import FileResponse

    if content_type is None:
        content_type = mimetypes.guess_type(name)[0] or OCTET_STREAM
    if content_type in ALLOWED:
        name = served_name(name, content_type)
    response = FileResponse(fileobj, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Office files are zip archives of XML. A small file may unpack to gigabytes (a zip bomb): the
# members' declared sizes are checked before anything is unpacked. XML entity bombs are stopped by
# defusedxml, which openpyxl uses whenever it is installed (requirements.txt).
MAX_RATIO = 100  # unpacked / packed
UNCHECKED_BYTES = 64 * 1024 * 1024  # below this unpacked size any ratio is fine


def check_zip(source: bytes | bytearray | IO[bytes]) -> None:
    """Raises FileRejected if the archive (bytes or a seekable binary file) would unpack to more
    than MAX_RATIO times its size (and more than UNCHECKED_BYTES). What is not an archive at all is
    left to the reader, which reports it in its own words."""
    from django.utils.translation import gettext as _

    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    position = stream.tell() if hasattr(stream, "tell") else None
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            packed = sum(member.compress_size for member in members) or 1
            unpacked = sum(member.file_size for member in members)
    except zipfile.BadZipFile:
        return  # not an archive at all: the reader says so in its own words
    finally:
        if position is not None:
            stream.seek(position)
    if unpacked > UNCHECKED_BYTES and unpacked > packed * MAX_RATIO:
        raise FileRejected(
            _("The workbook would unpack to %(mb)s MB: refused as unsafe.") % {"mb": unpacked // 1024 // 1024}
        )


def safe_load_workbook(source: bytes | bytearray | IO[bytes], **kwargs: Any) -> Any:
    """openpyxl.load_workbook after check_zip."""
    from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]  # no types-openpyxl in requirements-dev yet

    check_zip(source)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    return load_workbook(source, **kwargs)
