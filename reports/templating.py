"""Administrators' own DOCX templates (docxtpl: Jinja tags inside a Word file) in place of the
built-in layout. The template runs in Jinja's sandbox with autoescaping, on a context of plain
strings and lists only (no model objects), so a template can read the report but cannot call
into the application. A template that fails on upload is refused with the template's own error;
one that fails later falls back to the built-in layout, and the file says so.

The sandbox stops a template reaching into Python, not one looping for hours or building a huge
text: every rendering (the trial on upload and each generation) therefore runs in the worker, in
a child process with a CPU, memory and wall-clock limit (render_limited, core.sandbox)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from core import sandbox
from core.nd30 import date_line, number_line
from core.numbers import vi_number
from reports.documents import cell, report_symbol, split_number, split_signer
from reports.figures import Figures
from reports.outline import Part

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the Word file's parts, unzipped
MAX_REPEAT = 100_000  # the longest string or list a template may build with "*"


class TemplateRejected(ValueError):
    pass


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute of Python's internals, no unsafe call), and no "**" or huge
    "*" either, which would let a template exhaust the server's memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            raise SecurityError("the ** operator is not allowed in templates")
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | list | tuple)
                and isinstance(times, int)
                and len(sequence) * times > MAX_REPEAT
            ):
                raise SecurityError("the result of * is too large")
        return super().call_binop(context, operator, left, right)


def environment() -> SandboxedEnvironment:
    return LimitedSandbox(autoescape=True)


def check_size(size: int, limit: int = MAX_TEMPLATE_BYTES) -> None:
    if size > limit:
        raise TemplateRejected(_("The template is larger than %(mb)s MB.") % {"mb": limit // 1024 // 1024})


def check_docx(data: bytes) -> None:
    check_size(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise TemplateRejected(_("The file is not a Word document (.docx).")) from None
    if "word/document.xml" not in {part.filename for part in parts}:
        raise TemplateRejected(_("The file is not a Word document (.docx).")) from None
    check_size(sum(part.file_size for part in parts), MAX_UNPACKED_BYTES)


def read_upload(upload: Any) -> bytes:
    """An uploaded template's bytes, once its size (before reading it) and its being a Word file
    are checked."""
    check_size(upload.size)
    data: bytes = upload.read()
    check_docx(data)
    return data


def render_template(data: bytes, context: dict[str, Any]) -> bytes:
    """The template filled in; TemplateRejected with the template's error when it cannot be."""
    check_docx(data)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render(context, jinja_env=environment(), autoescape=True)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = _(" (line %(line)s of the template's text)") % {"line": line} if line else ""
        raise TemplateRejected(
            _("The template has an error%(where)s: %(error)s") % {"where": where, "error": exc}
        ) from None
    except MemoryError:  # the child's memory limit (render_limited says so)
        raise
    except Exception as exc:  # a broken Word file inside a valid zip
        raise TemplateRejected(_("The template cannot be read: %(error)s") % {"error": exc}) from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def render_limited(data: bytes, context: dict[str, Any], *, on_wait=None) -> bytes:
    """render_template in a child process with the TEMPLATE_* limits (settings); TemplateRejected
    with a clear message when the template errs or goes beyond a limit. `on_wait` is the job's
    heartbeat and stop check while the child works."""
    check_docx(data)
    try:
        return sandbox.run_limited(
            render_template,
            data,
            context,
            cpu_seconds=settings.TEMPLATE_CPU_SECONDS,
            memory_mb=settings.TEMPLATE_MEMORY_MB,
            timeout=settings.TEMPLATE_TIMEOUT_SECONDS,
            on_wait=on_wait,
        )
    except sandbox.LimitExceeded as exc:
        raise TemplateRejected(limit_message(exc)) from None


def limit_message(exc: sandbox.LimitExceeded) -> str:
    return exc.message(
        slow=_("The template takes too long to fill in (it was stopped after %(seconds)s seconds): check its loops."),
        memory=_(
            "The template needs too much memory to fill in (more than %(mb)s MB): check its loops and repeated text."
        ),
        stopped=_("The template could not be filled in: the process filling it in stopped (%(detail)s)."),
    )


def report_context(report, figures: Figures, parts: list[Part]) -> dict[str, Any]:
    """What a report template may use (docs/reports.md lists it), all as text, from the report's
    one set of figures (the same as the built-in layout's)."""
    from reports.documents import basis, printed_parts

    agency = report.agency
    return {
        "agency": {"name": agency.name, "parent_body": agency.parent_body, "symbol": agency.symbol or agency.code},
        "number_line": number_line(report.number, report_symbol(report)),
        "date_line": date_line(agency.province.name, report.issued_on, year=report.year),
        "title": report.title,
        "period": figures.period.label,
        "window": figures.window_text,
        "cutoff": f"{figures.cutoff:%d/%m/%Y}",
        "basis": basis(report, figures),
        "parts": [
            {
                "key": part.key,
                "heading": part.heading,
                "auto": list(part.auto),
                "paragraphs": part.paragraphs,
            }
            for part in printed_parts(parts)
        ],
        "tables": [
            {
                "key": table.key,
                "number": table.number,
                "title": table.title,
                "period": table.period,
                "source": table.source,
                "header": list(table.header),
                "rows": [[cell(v) for v in row] for row in table.rows],
                "total": [cell(v) for v in table.total] if table.total else None,
                "notes": list(table.notes),
            }
            for table in figures.tables
        ],
        "tasks": {
            "total": vi_number(figures.tasks.total),
            "done": vi_number(figures.tasks.done),
            "overdue": vi_number(figures.tasks.overdue),
        },
        "signer": {
            "authority": report.signer_authority,
            "title": report.signer_title,
            "name": report.signer_name,
        },
        "recipients": [line.strip() for line in report.recipients.splitlines() if line.strip()],
        "archive": report.archive,
    }


def plan_context(plan, appendices: dict[str, tuple[list[list], set[int]]]) -> dict[str, Any]:
    from reports.documents import text_paragraphs
    from reports.plan_document import walk_sections

    number, symbol = split_number(plan.number)
    authority, title = split_signer(plan.signer_title)
    return {
        "agency": {"name": plan.agency.name, "parent_body": plan.agency.parent_body},
        "number_line": number_line(number, symbol),
        "date_line": date_line(plan.agency.province.name, plan.issued_on, year=plan.year),
        "title": plan.title,
        "preamble": plan.preamble,
        "sections": [
            {
                "label": label,
                "title": section.title,
                "depth": depth,
                "paragraphs": [p.text for p in text_paragraphs(section.text)],
            }
            for section, depth, label in walk_sections(list(plan.sections.order_by("order", "pk")))
        ],
        "closing": plan.closing,
        "appendices": {key: [[cell(v) for v in row] for row in rows] for key, (rows, _bold) in appendices.items()},
        "signer": {"authority": authority, "title": title, "name": plan.signer},
        "recipients": [line.strip() for line in plan.recipients.splitlines() if line.strip()],
        "archive": plan.archive,
    }


def sample_template(kind: str) -> bytes:
    """A minimal starting template showing the tags (docs/reports.md has the full list)."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ agency.parent_body }}")
    doc.add_paragraph("{{ agency.name }}")
    doc.add_paragraph("{{ number_line }}")
    doc.add_paragraph("{{ date_line }}")
    doc.add_paragraph("{{ title }}")
    if kind == "report":
        doc.add_paragraph("Kỳ báo cáo: {{ period }} ({{ window }})")
        doc.add_paragraph("{%p for part in parts %}")
        doc.add_paragraph("{{ part.heading }}")
        doc.add_paragraph("{%p for line in part.auto %}")
        doc.add_paragraph("{{ line }}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{%p for line in part.paragraphs %}")
        doc.add_paragraph("{{ line }}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{%p endfor %}")
    else:
        doc.add_paragraph("{{ preamble }}")
        doc.add_paragraph("{%p for section in sections %}")
        doc.add_paragraph("{{ section.label }} {{ section.title }}")
        doc.add_paragraph("{%p for line in section.paragraphs %}")
        doc.add_paragraph("{{ line }}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{{ closing }}")
    doc.add_paragraph("{{ signer.authority }}")
    doc.add_paragraph("{{ signer.title }}")
    doc.add_paragraph("{{ signer.name }}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
