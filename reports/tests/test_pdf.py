"""PDF by LibreOffice (reports.pdf), where it is installed (CI installs it): PDF/A-2b, every font
embedded and metric-compatible with Times New Roman (core.tests.rendering reads it back)."""

import subprocess

from core.tests.rendering import assert_signable, read_pdf, requires_soffice
from procedures import documents as forms
from procedures.models import Dossier
from reports import jobs, pdf
from reports.tests.helpers import D, make_report, produce


@requires_soffice
def test_the_report_and_the_plan_convert_to_pdf_a(org, tasks, plan):
    _item, data = produce(org, "report_pdf", report=make_report(org))
    report = read_pdf(data)
    assert_signable(report)  # PDF/A-2b, fonts embedded and Times-metric, A4, no blank page
    assert report.pdfa == ("2", "B") and report.pages > 1
    assert all(f.embedded for f in report.fonts)
    _item, data = produce(org, "plan_pdf", plan=plan)
    assert read_pdf(data).pdfa == ("2", "B")


@requires_soffice
def test_the_one_stop_forms_convert_to_pdf_too(org, dossiers):
    """Every DOCX the system writes converts: the receipt (Mẫu 01) and the apology letter (Mẫu 04)."""
    dossier = Dossier.objects.select_related("agency", "agency__province", "unit", "created_by").get(code="D2")
    dossier.apology_date, dossier.apology_reason = D(2026, 2, 25), "Chờ ý kiến của cơ quan phối hợp"
    for data in (forms.receipt(dossier), forms.apology(dossier, signer_name="Hoàng Việt Đông")):
        converted = read_pdf(pdf.docx_to_pdf(data))
        assert converted.pdf.startswith(b"%PDF") and converted.pdfa == ("2", "B")


def test_the_conversion_asks_libreoffice_for_pdf_a_2b(settings, monkeypatch):
    """The export filter's options (LibreOffice 7.4+): SelectPdfVersion 2 is PDF/A-2b."""
    settings.SOFFICE = "/bin/true"
    seen = {}

    class Done:
        returncode = 0

        def __init__(self, command, **_kwargs):
            seen["command"] = command
            outdir = command[command.index("--outdir") + 1]
            with open(f"{outdir}/document.pdf", "wb") as handle:
                handle.write(b"%PDF-1.7")

        def communicate(self, timeout=None):
            return b"", b""

    monkeypatch.setattr(subprocess, "Popen", Done)
    assert pdf.docx_to_pdf(b"docx") == b"%PDF-1.7"
    command = seen["command"]
    assert command[command.index("--convert-to") + 1] == (
        'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
    )


def test_pdf_without_libreoffice_fails_with_a_clear_message(org, settings):
    settings.SOFFICE = "/nonexistent/soffice"
    item = jobs.generate(
        jobs.request_file(kind="report_pdf", agency=org.agency, actor=org.office, report=make_report(org))
    )
    assert item.state == "failed" and "LibreOffice" in item.error
