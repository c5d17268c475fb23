"""`manage.py make_document`: every bad argument ends with status 2 and a message naming what was
wrong (no file written, an existing one left as it was); a good one writes the file whole and
prints its path and size (and a PDF's page count)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from docx import Document

from core.numbers import vi_number
from core.services import history_for
from plans.models import Plan
from procedures.documents import RECEIPT_ACTIONS
from procedures.models import Dossier
from reports import outline, plan_document
from reports.figures import for_report
from reports.make import FORMATS, PERIOD_FORMS, parse_period
from reports.models import DocumentTemplate, Report


def refused(out: Path, kind: str, **options) -> str:
    """The command's message for a refused order (which must end with status 2)."""
    with pytest.raises(CommandError) as caught:
        call_command("make_document", kind, out=str(out), **options)
    assert caught.value.returncode == 2, caught.value
    return str(caught.value)


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "document.out"


@pytest.mark.parametrize(
    ("kind", "options", "named"),
    [
        ("letter", {"agency": "BQLKKTCK", "fmt": "docx"}, "letter"),
        ("", {"agency": "BQLKKTCK", "fmt": "docx"}, "receipt"),  # no kind: the kinds are listed
        ("plan", {"agency": "KHONGCO", "fmt": "docx"}, "KHONGCO"),
        ("plan", {"agency": "BQLKKTCK", "fmt": "docx", "plan": "999999"}, "999999"),
        ("plan", {"agency": "BQLKKTCK", "fmt": "docx", "plan": "ke-hoach"}, "ke-hoach"),
        ("report", {"agency": "BQLKKTCK", "fmt": "docx", "period": "2026-Q2"}, "2026-Q2"),
        ("report", {"agency": "BQLKKTCK", "fmt": "docx", "period": "Q1-2026"}, "Q1-2026"),
        ("report", {"agency": "BQLKKTCK", "fmt": "docx"}, "--period"),
        ("register", {"agency": "BQLKKTCK", "fmt": "xlsx"}, "--period"),
        ("receipt", {"agency": "BQLKKTCK", "fmt": "docx"}, "--dossier"),
        ("receipt", {"agency": "BQLKKTCK", "fmt": "docx", "dossier": "H38.15-000000-0000"}, "H38.15-000000-0000"),
        ("receipt", {"agency": "BQLKKTCK", "fmt": "xlsx", "dossier": "x"}, "xlsx"),
        ("apology", {"agency": "BQLKKTCK", "fmt": "xlsx", "dossier": "x"}, "xlsx"),
        ("register", {"agency": "BQLKKTCK", "fmt": "docx", "period": "2026"}, "docx"),
        ("evidence-package", {"agency": "BQLKKTCK", "fmt": "pdf"}, "zip"),
        ("report", {"agency": "BQLKKTCK", "fmt": "zip", "period": "2026"}, "zip"),
        ("plan", {"agency": "BQLKKTCK"}, "docx"),  # no format: the kind's formats are listed
    ],
)
def test_a_bad_argument_ends_with_status_2(db, demo_documents, out, kind, options, named):
    message = refused(out, kind, **options)
    assert named in message
    assert not out.exists() and not list(out.parent.iterdir())


def test_a_dossier_of_another_agency_is_refused(db, demo_documents, out):
    message = refused(out, "receipt", agency=demo_documents.other_agency, fmt="docx", dossier=demo_documents.receipt)
    assert demo_documents.receipt in message and demo_documents.other_agency in message


def test_a_plan_of_another_agency_is_refused(db, demo_documents, out):
    message = refused(out, "plan", agency=demo_documents.other_agency, fmt="docx", plan=str(demo_documents.plan_id))
    assert str(demo_documents.plan_id) in message


@pytest.mark.parametrize(
    ("kind", "dossier"), [("refusal", "receipt"), ("apology", "receipt"), ("supplement", "receipt")]
)
def test_a_letter_the_dossier_does_not_have_is_refused(db, demo_documents, out, kind, dossier):
    """No refusal letter for a dossier not refused, no apology without one, no Mẫu 02 without a request."""
    code = getattr(demo_documents, dossier)
    assert code in refused(out, kind, agency=demo_documents.agency, fmt="docx", dossier=code)


def test_a_report_with_parts_to_write_lists_them(db, demo_documents, out):
    """The demo has no 9-month report: it is made as the page makes it, with no text of the
    Office's, and refused with each part it must write."""
    year = demo_documents.report.year
    assert not Report.objects.filter(agency__code=demo_documents.agency, kind="nine").exists()
    message = refused(out, "report", agency=demo_documents.agency, fmt="docx", period=f"{year}-9M")
    report = Report.objects.get(agency__code=demo_documents.agency, kind="nine", year=year)
    missing = outline.missing_parts(for_report(report), report.texts)
    assert missing
    for part in missing:
        assert part.heading in message, (part.heading, message)


def test_an_existing_file_is_left_as_it_was_when_refused(db, demo_documents, out):
    out.write_bytes(b"the file of yesterday")
    refused(out, "receipt", agency=demo_documents.agency, fmt="pdf", dossier="H38.15-000000-0000")
    assert out.read_bytes() == b"the file of yesterday"
    assert [path.name for path in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_a_missing_folder_is_refused(db, demo_documents, tmp_path):
    target = tmp_path / "khong-co" / "bien-nhan.docx"
    message = refused(target, "receipt", agency=demo_documents.agency, fmt="docx", dossier=demo_documents.receipt)
    assert "khong-co" in message


def test_the_file_is_written_and_said(db, demo_documents, tmp_path):
    target = tmp_path / "mau-01.docx"
    target.write_bytes(b"replaced")
    said = io.StringIO()
    call_command(
        "make_document", "receipt", agency=demo_documents.agency, fmt="docx", dossier=demo_documents.receipt,
        out=str(target), stdout=said,
    )  # fmt: skip
    data = target.read_bytes()
    assert data.startswith(b"PK") and len(data) > 1000
    line = said.getvalue().strip()
    assert "\n" not in line and line.startswith(f"{target} ({vi_number(len(data))} "), line
    assert [path.name for path in tmp_path.iterdir()] == [target.name]
    # the receipt carries the citizen's survey link: its print is logged, by the system
    dossier = Dossier.objects.get(code=demo_documents.receipt)
    printed = history_for(dossier).filter(action__in=RECEIPT_ACTIONS).first()
    assert printed is not None and printed.actor is None, printed


def _word(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_agency_s_template_in_use_is_used_as_the_worker_uses_it(db, demo_documents, tmp_path):
    """A template whose trial passed makes the plan; one failing on this data gives the built-in
    layout, and the operator is told."""
    agency, plan = demo_documents.report.agency, Plan.objects.get(pk=demo_documents.plan_id)
    template = DocumentTemplate.objects.create(
        agency=agency,
        kind="plan",
        name="kh.docx",
        sha256="-",
        file=ContentFile(_word("MẪU RIÊNG: {{ title }}"), "kh.docx"),
    )
    target, said = tmp_path / "kh.docx", io.StringIO()
    call_command(
        "make_document", "plan", agency=agency.code, fmt="docx", plan=str(plan.pk), out=str(target), stderr=said
    )
    assert [p.text for p in Document(target).paragraphs if p.text.strip()] == [f"MẪU RIÊNG: {plan.title}"]
    assert not said.getvalue()
    template.file.save("kh.docx", ContentFile(_word("{{ sections[999].title }}")))
    call_command(
        "make_document", "plan", agency=agency.code, fmt="docx", plan=str(plan.pk), out=str(target), stderr=said
    )
    assert _words(target.read_bytes()) == _words(plan_document.plan_docx(plan))  # the built-in layout
    assert "kh.docx" in said.getvalue()


def _words(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_every_period_form_is_read():
    read = {text: parse_period(text) for text in PERIOD_FORMS.split(", ")}
    assert {text: (p.kind, p.year) for text, p in read.items()} == {
        "2026-Q1": ("q1", 2026),
        "2026-H1": ("half", 2026),
        "2026-Q3": ("q3", 2026),
        "2026-9M": ("nine", 2026),
        "2026": ("year", 2026),
    }
    assert parse_period("2026-Q4") is None and parse_period("2026-Q1x") is None


def test_the_help_lists_every_kind_and_format():
    help_text = subprocess.run(  # noqa: S603  (this Python, the project's manage.py, fixed arguments)
        [sys.executable, "manage.py", "make_document", "--help"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        env={**os.environ, "VAR_DIR": str(settings.VAR_DIR)},
    ).stdout  # fmt: skip
    flat = " ".join(help_text.split())
    for kind, formats in FORMATS.items():
        assert f"{kind}: {' '.join(formats)}" in flat, kind
    assert "--format zip" in flat


def test_the_command_line_ends_with_status_2(tmp_path):
    """From the shell (not call_command): status 2, the reason on stderr, nothing written."""
    target = tmp_path / "x.docx"
    done = subprocess.run(  # noqa: S603  (this Python, the project's manage.py, fixed arguments)
        [sys.executable, "manage.py", "make_document", "thu-moi", "--agency", "BQLKKTCK", "--format", "docx",
         "--out", str(target), "--skip-checks"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, env={**os.environ, "VAR_DIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "thu-moi" in done.stderr and not done.stdout
    assert not target.exists()
