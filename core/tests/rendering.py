"""What a generated document looks like when it comes out: the PDF LibreOffice makes of it (the
product's path, reports.pdf.docx_to_pdf) and the DOCX read back with python-docx. Shared by the
tests of every app that writes a document:

    from core.tests.rendering import assert_signable, docx_layout, render_docx, requires_soffice

    @requires_soffice
    def test_the_receipt_fits_one_page():
        rendered = render_docx(data)
        assert_signable(rendered, pages=1)
        layout = docx_layout(data)
        assert layout.header.number_and_date_same_row
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from reports import pdf as pdf_module

POINT_MM = 25.4 / 72
A4_MM = (210.0, 297.0)
# the fonts metric-compatible with Times New Roman: the font itself or Liberation Serif
SIGNABLE_FONTS = ("TimesNewRoman", "Times-Roman", "Times New Roman", "LiberationSerif", "Liberation Serif")

requires_soffice = pytest.mark.skipif(
    pdf_module.converter() is None, reason="LibreOffice is not installed (CI installs it)"
)


@dataclass(frozen=True)
class Font:
    name: str  # as in the PDF, without the subset prefix: "LiberationSerif-Bold"
    embedded: bool
    subset: bool  # "ABCDEF+" prefix: only the glyphs used are embedded


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    page_texts: list[str]  # the text of each page (pdftotext, else pypdf)
    fonts: list[Font]
    pdfa: tuple[str, str] | None  # (part, conformance) from the XMP metadata, e.g. ("2", "B")
    page_sizes_mm: list[tuple[float, float]]  # (width, height), rounded to 0.1 mm

    @property
    def text(self) -> str:
        return "\n".join(self.page_texts)

    def page_number(self, page: int) -> str | None:
        """The page number printed at the top of a 1-based page (the header's PAGE field), or
        None where the page shows none (page 1 of the document or of an appendix)."""
        return printed_page_number(self.page_texts[page - 1])


def _page_texts(data: bytes, reader: PdfReader) -> list[str]:
    program = shutil.which("pdftotext")
    if program:
        with tempfile.TemporaryDirectory(prefix="cchc-render-") as work:
            source = Path(work) / "document.pdf"
            source.write_bytes(data)
            result = subprocess.run(  # noqa: S603  (a fixed program on a file of ours)
                [program, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
            )
        pages = result.stdout.decode("utf-8").split("\f")
        return pages[: len(reader.pages)] + [""] * (len(reader.pages) - len(pages))
    return [page.extract_text() or "" for page in reader.pages]


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _fonts(reader: PdfReader) -> list[Font]:
    found: dict[str, Font] = {}
    seen: set[int] = set()

    def visit(resources) -> None:
        resources = _resolve(resources)
        if not resources:
            return
        for ref in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(ref)
            if id(font) in seen:
                continue
            seen.add(id(font))
            base = str(font.get("/BaseFont", "")).lstrip("/")
            descriptor = _resolve(font.get("/FontDescriptor"))
            if descriptor is None and font.get("/DescendantFonts"):
                descendant = _resolve(_resolve(font["/DescendantFonts"])[0])
                descriptor = _resolve(descendant.get("/FontDescriptor"))
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            subset = bool(re.match(r"^[A-Z]{6}\+", base))
            name = base.split("+", 1)[1] if subset else base
            key = f"{name}|{embedded}|{subset}"
            found.setdefault(key, Font(name=name, embedded=embedded, subset=subset))
        for ref in (_resolve(resources.get("/XObject")) or {}).values():  # forms carry fonts too
            xobject = _resolve(ref)
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return sorted(found.values(), key=lambda f: f.name)


def _pdfa(reader: PdfReader) -> tuple[str, str] | None:
    metadata = reader.xmp_metadata
    if metadata is None:
        return None
    xml = metadata.stream.get_data().decode("utf-8", errors="replace")

    def value(name: str) -> str | None:  # element or attribute form
        match = re.search(rf"pdfaid:{name}>\s*([^<\s]+)\s*<", xml) or re.search(rf'pdfaid:{name}="([^"]+)"', xml)
        return match.group(1) if match else None

    part, conformance = value("part"), value("conformance")
    return (part, conformance.upper()) if part and conformance else None


def read_pdf(data: bytes) -> Rendered:
    """A PDF as the tests see it (for a PDF the product made another way)."""
    reader = PdfReader(io.BytesIO(data))
    sizes = [
        (round(float(p.mediabox.width) * POINT_MM, 1), round(float(p.mediabox.height) * POINT_MM, 1))
        for p in reader.pages
    ]
    return Rendered(
        pdf=data,
        pages=len(reader.pages),
        page_texts=_page_texts(data, reader),
        fonts=_fonts(reader),
        pdfa=_pdfa(reader),
        page_sizes_mm=sizes,
    )


def render_docx(data: bytes) -> Rendered:
    """The DOCX through LibreOffice as the product converts it (PDF/A-2b), read back."""
    return read_pdf(pdf_module.docx_to_pdf(data))


def printed_page_number(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines and re.fullmatch(r"\d+|[IVXLC]+", lines[0]) else None


@dataclass(frozen=True)
class Word:
    text: str
    x0: float  # points from the page's left edge
    top: float  # points from the page's top edge
    x1: float
    bottom: float  # the bottom of its line box (the font's descent), points from the top


def page_words(rendered: Rendered, page: int) -> list[Word]:
    """The words of a 1-based page with their boxes (pdftotext -bbox), in reading order: for
    checks of where things are ("Số:" and the date on one line, the signature at the page foot)."""
    program = shutil.which("pdftotext")
    if program is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="cchc-render-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(rendered.pdf)
        result = subprocess.run(  # noqa: S603  (a fixed program on a file of ours)
            [program, "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(source), "-"],
            capture_output=True,
            check=True,
        )
    words = []
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    for x0, top, x1, bottom, text in re.findall(pattern, result.stdout.decode("utf-8")):
        text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        words.append(Word(text, float(x0), float(top), float(x1), float(bottom)))
    return words


def find_words(words: list[Word], phrase: str) -> list[Word]:
    """The words of the first occurrence of `phrase` (consecutive words), or []."""
    wanted = phrase.split()
    texts = [w.text for w in words]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start : start + len(wanted)] == wanted:
            return words[start : start + len(wanted)]
    return []


def blank_pages(rendered: Rendered) -> list[int]:
    """1-based pages with no text but (perhaps) a page number."""
    return [
        number
        for number, text in enumerate(rendered.page_texts, start=1)
        if re.fullmatch(r"[\dIVXLC]*", re.sub(r"\s+", "", text))
    ]


def is_a4(size_mm: tuple[float, float]) -> bool:
    width, height = sorted(size_mm)
    return abs(width - A4_MM[0]) <= 1 and abs(height - A4_MM[1]) <= 1


def assert_signable(rendered: Rendered, *, pages: int | None = None) -> None:
    """What a document the leader signs as it comes out needs: no blank page, every font embedded
    and metric-compatible with Times New Roman, PDF/A-2b, A4 pages (portrait or landscape);
    `pages`: the page count it must have."""
    problems = []
    if pages is not None and rendered.pages != pages:
        problems.append(f"{rendered.pages} pages, expected {pages}")
    if blank := blank_pages(rendered):
        problems.append(f"blank pages {blank}")
    if not rendered.fonts:
        problems.append("no font in the PDF")
    for font in rendered.fonts:
        if not font.embedded:
            problems.append(f"font {font.name} not embedded")
        if not font.name.replace(" ", "").startswith(tuple(f.replace(" ", "") for f in SIGNABLE_FONTS)):
            problems.append(f"font {font.name} is not Times New Roman or Liberation Serif")
    if rendered.pdfa != ("2", "B"):
        problems.append(f"PDF/A {rendered.pdfa}, expected PDF/A-2b")
    if off := [n for n, size in enumerate(rendered.page_sizes_mm, start=1) if not is_a4(size)]:
        problems.append(f"pages {off} are not A4: {[rendered.page_sizes_mm[n - 1] for n in off]}")
    assert not problems, "; ".join(problems)


# --- the DOCX read back ----------------------------------------------------------------------------


@dataclass
class SectionLayout:
    page_mm: tuple[float, float]  # (width, height)
    margins_mm: dict[str, float]  # top, bottom, left, right
    landscape: bool
    title_page: bool  # first page without a page number (w:titlePg)
    page_start: int | None  # w:pgNumType w:start: numbering restarts here


@dataclass
class HeaderLayout:
    widths_cm: list[float]  # the header table's columns (its grid), left to right
    rows: list[list[str]]  # each row: each cell's text (paragraphs joined by "\n", empty ones left out)
    left: list[str]  # the non-empty paragraphs of the left column, top to bottom across rows
    right: list[str]
    number_and_date_same_row: bool  # "Số: …" and "…, ngày … tháng … năm …" on one table row

    @property
    def left_cm(self) -> float:
        return self.widths_cm[0]

    @property
    def right_cm(self) -> float:
        return self.widths_cm[-1]


@dataclass
class Properties:
    author: str
    title: str
    subject: str
    keywords: str
    comments: str
    category: str
    last_modified_by: str
    created: dt.datetime | None
    modified: dt.datetime | None
    raw: str = field(repr=False, default="")  # docProps/core.xml and app.xml as written


@dataclass
class Layout:
    sections: list[SectionLayout]
    header: HeaderLayout | None  # None: the document has no table
    properties: Properties


def _mm(twips: int | None) -> float:
    return round(twips / 1440 * 25.4, 1) if twips is not None else 0.0


def _section(sect_pr) -> SectionLayout:
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))

    def twips(node, name):
        value = node.get(qn(f"w:{name}")) if node is not None else None
        return int(value) if value is not None else None

    width, height = _mm(twips(size, "w")), _mm(twips(size, "h"))
    numbering = sect_pr.find(qn("w:pgNumType"))
    start = numbering.get(qn("w:start")) if numbering is not None else None
    title_pg = sect_pr.find(qn("w:titlePg"))
    return SectionLayout(
        page_mm=(width, height),
        margins_mm={side: _mm(twips(margins, side)) for side in ("top", "bottom", "left", "right")},
        landscape=width > height,
        title_page=title_pg is not None and title_pg.get(qn("w:val"), "1") not in ("0", "false"),
        page_start=int(start) if start is not None else None,
    )


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(qn("w:p")):
        text = "".join((node.text or "") if node.tag == qn("w:t") else "\n" for node in p.iter(qn("w:t"), qn("w:br")))
        if text.strip():
            lines.append(text)
    return "\n".join(lines)


def _header(doc) -> HeaderLayout | None:
    tables = doc.element.body.findall(qn("w:tbl"))
    if not tables:
        return None
    tbl = tables[0]
    widths = [
        round(int(col.get(qn("w:w"))) / 1440 * 2.54, 2) for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    ]
    rows, left, right = [], [], []
    for tr in tbl.findall(qn("w:tr")):
        cells = [_cell_text(tc) for tc in tr.findall(qn("w:tc"))]
        rows.append(cells)
        if cells:
            left.extend(line for line in cells[0].split("\n") if line.strip())
        if len(cells) > 1:
            right.extend(line for line in cells[-1].split("\n") if line.strip())
    same_row = any(
        any(c.lstrip().startswith("Số:") for c in row) and any(re.search(r", ngày .* năm", c) for c in row)
        for row in rows
    )
    return HeaderLayout(widths_cm=widths, rows=rows, left=left, right=right, number_and_date_same_row=same_row)


def docx_layout(data: bytes) -> Layout:
    """A DOCX read back: each section's page and margins (mm), the header table (the document's
    first table), the core properties."""
    doc = Document(io.BytesIO(data))
    sections = [_section(s._sectPr) for s in doc.sections]
    core = doc.core_properties
    raw = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("docProps/core.xml", "docProps/app.xml"):
            if name in archive.namelist():
                raw.append(archive.read(name).decode("utf-8"))
    properties = Properties(
        author=core.author or "",
        title=core.title or "",
        subject=core.subject or "",
        keywords=core.keywords or "",
        comments=core.comments or "",
        category=core.category or "",
        last_modified_by=core.last_modified_by or "",
        created=core.created,
        modified=core.modified,
        raw="\n".join(raw),
    )
    return Layout(sections=sections, header=_header(doc), properties=properties)
