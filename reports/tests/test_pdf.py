"""PDF by LibreOffice (reports.pdf), where it is installed (CI installs it)."""

import shutil
import subprocess

import pytest

from procedures import documents as forms
from procedures.models import Dossier
from reports import jobs, pdf
from reports.tests.helpers import D, make_report, produce


@pytest.mark.skipif(pdf.converter() is None, reason="LibreOffice is not installed (CI installs it)")
def test_the_report_and_the_plan_convert_to_pdf(org, tasks, plan, tmp_path):
    _item, data = produce(org, "report_pdf", report=make_report(org))
    assert data.startswith(b"%PDF") and len(data) > 5000
    pdffonts = shutil.which("pdffonts")
    if pdffonts:  # every glyph from the Times New Roman family (or its metric twin), none substituted
        (tmp_path / "r.pdf").write_bytes(data)
        listing = subprocess.run(  # noqa: S603  (a fixed program on a file of ours)
            [pdffonts, str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
        )
        fonts = {line.split()[0].split("+")[-1] for line in listing.stdout.splitlines()[2:] if line.strip()}
        assert fonts and all(f.startswith(("LiberationSerif", "TimesNewRoman")) for f in fonts), fonts
    _item, data = produce(org, "plan_pdf", plan=plan)
    assert data.startswith(b"%PDF")


@pytest.mark.skipif(pdf.converter() is None, reason="LibreOffice is not installed (CI installs it)")
def test_the_one_stop_forms_convert_to_pdf_too(org, dossiers):
    """Every DOCX the system writes converts: the receipt (Mẫu 01) and the apology letter (Mẫu 04)."""
    dossier = Dossier.objects.select_related("agency", "agency__province", "unit", "created_by").get(code="D2")
    dossier.apology_date, dossier.apology_reason = D(2026, 2, 25), "Chờ ý kiến của cơ quan phối hợp"
    for data in (forms.receipt(dossier), forms.apology(dossier, signer_name="Hoàng Việt Đông")):
        assert pdf.docx_to_pdf(data).startswith(b"%PDF")


def test_pdf_without_libreoffice_fails_with_a_clear_message(org, settings):
    settings.SOFFICE = "/nonexistent/soffice"
    item = jobs.generate(
        jobs.request_file(kind="report_pdf", agency=org.agency, actor=org.office, report=make_report(org))
    )
    assert item.state == "failed" and "LibreOffice" in item.error
