"""Every kind of document as it comes out of `manage.py make_document` on the demo (issue 21,
"What must be shown"): the Word documents rendered through LibreOffice as the product converts
them (PDF/A-2b; one conversion per kind, shared by its checks) with their page count, no blank
page, embedded Times-metric fonts, A4 pages; their margins and Decree 30 header read back from the
DOCX; the workbooks' print set-up, date formats and sheet names read back with openpyxl; the
evidence package's index against the files it packs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from core.deadlines import local
from core.nd30 import issuing_bodies
from core.tests.rendering import assert_signable, docx_layout, read_pdf, requires_soffice
from procedures import documents as forms
from procedures.models import Dossier
from reports import documents, outline
from reports.evidence import INDEX_NAME
from reports.figures import for_report
from reports.make import PAGE_OBJECT, parse_period

DOCX_KINDS = ["report", "plan", "receipt", "supplement", "refusal", "apology", "control-slip"]
XLSX_KINDS = ["report", "plan", "control-slip", "register"]
ONE_PAGE = {"receipt", "supplement", "refusal", "apology"}  # the counter's forms and letters
# Decree 30, Appendix I: margins in mm (reports_nd30.md §3)
MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
HEADER_OVERHANG_CM = 1.0  # the header table reaches at most 5 mm into each margin
DATE_FORMAT = re.compile(r"^dd/mm/yyyy( hh:mm(:ss)?)?$", re.IGNORECASE)
DATED_WORKBOOKS = {"plan", "control-slip", "register"}


@pytest.fixture(scope="module")
def rendered(demo_documents):
    """kind -> the PDF make_document wrote, read back (made once per kind for the module)."""
    cache = {}

    def get(kind: str):
        if kind not in cache:
            cache[kind] = read_pdf(demo_documents.made(kind, "pdf"))
        return cache[kind]

    return get


def _words(text: str) -> str:
    return " ".join(text.split())


@requires_soffice
@pytest.mark.parametrize("kind", DOCX_KINDS)
def test_the_pdf_is_signable_as_it_comes_out(db, demo_documents, rendered, kind):
    pdf = rendered(kind)
    assert_signable(pdf, pages=1 if kind in ONE_PAGE else None)
    assert len(PAGE_OBJECT.findall(pdf.pdf)) == pdf.pages  # the command's count where pypdf is not installed
    if kind in ("report", "plan"):
        assert pdf.pages > 1
    # the issuing body's column is wide enough for the words of its name not to break
    first_lines = [_words(line) for line in pdf.page_texts[0].splitlines()]
    for words in ("KHU KINH TẾ", "ĐỒNG ĐĂNG"):
        assert any(words in line for line in first_lines), (kind, words, first_lines[:12])
    # upper-casing keeps the symbols of documents (QĐ-TTg, not QĐ-TTG)
    assert "QĐ-TTG" not in pdf.text, kind


@pytest.mark.parametrize("kind", DOCX_KINDS)
def test_the_docx_has_the_decree_30_page_and_header(db, demo_documents, kind):
    layout = docx_layout(demo_documents.made(kind, "docx"))
    first = layout.sections[0]
    assert not first.landscape and sorted(first.page_mm) == [210.0, 297.0], (kind, first)
    for section in layout.sections:
        for side, (low, high) in MARGINS.items():
            assert low <= section.margins_mm[side] <= high, (kind, side, section.margins_mm)
    header = layout.header
    assert header is not None, kind
    assert len(header.widths_cm) >= 2 and all(width > 0 for width in header.widths_cm), header.widths_cm
    # centred, it may reach a little into the margins (as Word's Decree 30 templates do), no more
    text_width_cm = (first.page_mm[0] - first.margins_mm["left"] - first.margins_mm["right"]) / 10
    assert sum(header.widths_cm) <= text_width_cm + HEADER_OVERHANG_CM, (kind, header.widths_cm, text_width_cm)
    assert header.number_and_date_same_row, (kind, header.rows)
    parent, body = issuing_bodies(demo_documents.report.agency)
    left = _words(" ".join(header.left))
    assert _words(parent) in left and _words(body.replace("\n", " ")).upper() in left.upper(), (kind, header.left)
    assert header.left[0] == _words(parent), (kind, header.left)
    right = _words(" ".join(header.right))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right, header.right
    # the file's properties name the agency and the document, never the library
    properties = layout.properties
    assert _words(properties.author).casefold() == _words(demo_documents.report.agency.name).casefold(), (
        properties.author
    )
    assert properties.title.strip(), kind
    assert "python-docx" not in properties.raw
    assert properties.created is not None and properties.created.year >= 2026


@requires_soffice
@pytest.mark.parametrize("kind", ["report", "plan"])
def test_appendices_are_landscape_with_roman_numbers(db, demo_documents, rendered, kind):
    pdf = rendered(kind)
    landscape = [n for n, (width, height) in enumerate(pdf.page_sizes_mm, start=1) if width > height]
    assert landscape and landscape[-1] == pdf.pages, pdf.page_sizes_mm  # the appendices close the document
    appendix_pages = " ".join(pdf.page_texts[n - 1] for n in landscape)
    assert re.search(r"Phụ lục I\b", appendix_pages)
    assert not re.search(r"Phụ lục 0\d", pdf.text)
    assert [section.landscape for section in docx_layout(demo_documents.made(kind, "docx")).sections][-1]


# a heading line of a report or a plan: "II. KẾT QUẢ …", "5. Cải cách tài chính công", "a) Công tác …"
HEADING_LINE = re.compile(r"^([IVX]+\.|\d+\.|[a-zđ]\))\s+\S.{0,100}[^.;:,]$")


@requires_soffice
@pytest.mark.parametrize("kind", ["report", "plan"])
def test_no_page_ends_with_a_heading(db, demo_documents, rendered, kind):
    """A heading stays with the paragraph under it: never alone at the foot of a page."""
    pdf = rendered(kind)
    orphans = []
    for number, text in enumerate(pdf.page_texts[:-1], start=1):
        lines = [_words(line) for line in text.splitlines() if line.strip()]
        if lines and HEADING_LINE.match(lines[-1]):
            orphans.append((number, lines[-1]))
    assert not orphans, f"{kind}: pages ending with a heading: {orphans}"


def _text(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return lines


def test_the_command_writes_what_the_builders_write(db, demo_documents):
    """The same document as the pages and the worker make (the file's properties aside)."""
    refused = Dossier.objects.get(code=demo_documents.refused)
    assert _text(demo_documents.made("refusal", "docx")) == _text(forms.docx(forms.refusal_form(refused)))
    report = demo_documents.report
    figures = for_report(report)
    built = documents.report_docx(report, figures, outline.parts(figures, report.texts))
    assert _text(demo_documents.made("report", "docx")) == _text(built)


def _dates(ws) -> list:
    return [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, dt.date | dt.datetime)]


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_the_workbook_prints_on_a4_landscape(db, demo_documents, kind):
    book = load_workbook(io.BytesIO(demo_documents.made(kind, "xlsx")))
    dated = []
    for ws in book.worksheets:
        assert re.search(r"[^\x00-\x7f]", ws.title), f"{kind}: sheet {ws.title!r} is not named in Vietnamese"
        setup = ws.page_setup
        assert setup.orientation == "landscape", (kind, ws.title, setup.orientation)
        assert str(setup.paperSize) == str(ws.PAPERSIZE_A4), (kind, ws.title, setup.paperSize)
        assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert int(setup.fitToWidth or 0) == 1 and int(setup.fitToHeight or 0) == 0, (kind, ws.title)
        assert ws.print_title_rows, f"{kind}: sheet {ws.title!r} does not repeat its header row"
        for cell in _dates(ws):
            assert DATE_FORMAT.match(cell.number_format), (kind, ws.title, cell.coordinate, cell.number_format)
            has_time = isinstance(cell.value, dt.datetime) and (cell.value.hour, cell.value.minute) != (0, 0)
            assert not has_time or "hh:mm" in cell.number_format.lower(), (kind, cell.coordinate, cell.number_format)
            # wide enough to print the value, not "###" (in widths of a digit: dd/mm/yyyy about 9,
            # dd/mm/yyyy hh:mm about 14)
            width = ws.column_dimensions[cell.column_letter].width
            needed = 14 if "hh:mm" in cell.number_format.lower() else 9
            assert width >= needed, f"{kind}: column {cell.column_letter} ({width}) prints {cell.coordinate} as ###"
            dated.append(cell)
    assert dated or kind not in DATED_WORKBOOKS, f"{kind}: no date written as a date"


def test_the_register_lists_the_dossiers_received_in_the_period(db, demo_documents):
    ws = load_workbook(io.BytesIO(demo_documents.made("register", "xlsx"))).worksheets[0]
    listed = {cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)}
    window = parse_period(demo_documents.period)  # the demo report's data window
    start, end = window.start, window.end
    dossiers = Dossier.objects.filter(agency__code=demo_documents.agency)
    expected = {d.code for d in dossiers if start <= local(d.received_at).date() <= end}
    assert expected, "the demo has no dossier in the window"
    assert listed & {d.code for d in dossiers} == expected
    heading = " ".join(str(cell.value) for row in ws.iter_rows(max_row=6) for cell in row if cell.value)
    assert f"{start:%d/%m/%Y}" in heading and f"{end:%d/%m/%Y}" in heading, heading


def test_the_evidence_package_indexes_what_it_packs(db, demo_documents):
    archive = zipfile.ZipFile(io.BytesIO(demo_documents.made("evidence-package", "zip")))
    names = archive.namelist()
    assert INDEX_NAME in names
    index = load_workbook(io.BytesIO(archive.read(INDEX_NAME))).worksheets[0]
    assert re.search(r"[^\x00-\x7f]", index.title), index.title
    rows = [[cell.value for cell in row] for row in index.iter_rows()]
    linked = [row for row in rows if "85/BC-BQLKKTCK" in row]
    assert len(linked) == 1, rows
    row = linked[0]
    packed = [value for value in row if isinstance(value, str) and value in names]
    assert len(packed) == 1, row
    digest = hashlib.sha256(archive.read(packed[0])).hexdigest()
    assert digest in row, (digest, row)
