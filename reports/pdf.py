"""PDF from the DOCX the system writes, with LibreOffice headless (reports_nd30.md §4.11): the
same file the Office would print from Word. Times New Roman must be installed on the host for the
exact glyphs; otherwise LibreOffice substitutes the metric-compatible Liberation Serif.

The PDF is PDF/A-2b (ISO 19005-2, level B), the archival form: every font embedded (subset), the
conformance stated in the XMP metadata (pdfaid:part 2, pdfaid:conformance B). LibreOffice 7.4+
takes the export options as JSON after the filter name."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from core import jobs

TIMEOUT_SECONDS = 180
# writer_pdf_Export with SelectPdfVersion 2 = PDF/A-2b (1 would be PDF/A-1b, 3 PDF/A-3b)
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class ConversionError(RuntimeError):
    pass


def converter() -> str | None:
    """The LibreOffice program (settings.SOFFICE, else soffice or libreoffice on the PATH)."""
    configured = getattr(settings, "SOFFICE", "")
    if configured:
        return configured if Path(configured).exists() or shutil.which(configured) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, on_wait: Callable[[], None] | None = None) -> bytes:
    """`on_wait` is called every second while LibreOffice works: the job's heartbeat and stop
    check (whatever it raises stops the conversion and propagates)."""
    program = converter()
    if program is None:
        raise ConversionError("LibreOffice (soffice) is not installed on this server: PDF cannot be produced.")
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(data)
        # a profile of its own: parallel conversions do not share (and lock) one user profile
        profile = Path(work) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            work,
            str(source),
        ]
        # its own process group: soffice starts oosplash and soffice.bin, which a timeout must
        # stop as well, before the work directory is removed under them
        process = subprocess.Popen(  # noqa: S603  (a fixed program and arguments, no shell)
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "HOME": work},
            start_new_session=True,
        )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            try:
                stdout, stderr = process.communicate(timeout=1)
                break
            except subprocess.TimeoutExpired:
                try:
                    if on_wait is not None:
                        on_wait()
                    if time.monotonic() > deadline:
                        raise ConversionError(f"LibreOffice did not finish within {TIMEOUT_SECONDS} s.") from None
                except BaseException:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.communicate()
                    raise
        target = Path(work) / "document.pdf"
        if process.returncode != 0:
            # a stop asked meanwhile wins: LibreOffice died of the SIGTERM a service manager may
            # send to every process of the worker's service (the conversion is given back)
            if on_wait is not None:
                on_wait()
            jobs.checkpoint()
        if process.returncode != 0 or not target.exists():
            detail = (stderr or stdout).decode(errors="replace").strip()[:500]
            raise ConversionError(f"LibreOffice could not convert the document: {detail or process.returncode}")
        return target.read_bytes()
