"""Evidence file checks by content, not by name (pure)."""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"
ALLOWED = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", JPEG: "JPEG", PNG: "PNG"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", JPEG: ".jpg", PNG: ".png"}


class FileRejected(ValueError):
    pass


def sniff(head: bytes, fileobj=None) -> str | None:
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


def check_upload(fileobj, size: int, max_bytes: int) -> str:
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


# Office files are zip archives of XML. A small file may unpack to gigabytes (a zip bomb): the
# members' declared sizes are checked before anything is unpacked. XML entity bombs are stopped by
# defusedxml, which openpyxl uses whenever it is installed (requirements.txt).
MAX_RATIO = 100  # unpacked / packed
UNCHECKED_BYTES = 64 * 1024 * 1024  # below this unpacked size any ratio is fine


def check_zip(source) -> None:
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


def safe_load_workbook(source, **kwargs):
    """openpyxl.load_workbook after check_zip."""
    from openpyxl import load_workbook

    check_zip(source)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    return load_workbook(source, **kwargs)
