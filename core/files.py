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
