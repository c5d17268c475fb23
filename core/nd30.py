"""Administrative documents in the Decree 30/2020 layout (Phụ lục I), as DOCX.

One shared builder for every document the platform produces (apology letters, receipts, periodic
CCHC reports): A4, margins, Times New Roman set for every script, the two-column header (issuing
body and number / Quốc hiệu, Tiêu ngữ, place and date) with border rules, type and title, justified
body with first-line indent, signature block beside "Nơi nhận", page numbers from page 2.
reports_nd30.md §3-4 give the rules.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT_WIDTH, RIGHT_WIDTH = Cm(6.5), Cm(10)


def issuing_bodies(agency) -> tuple[str, str]:
    """The header's parent body and issuing body of an agency: its parent body as set, else the
    province's People's Committee."""
    return agency.parent_body or f"UBND TỈNH {agency.province.name}".upper(), agency.name


def strip_kind(title: str, kind: str = "kế hoạch") -> str:
    """The trích yếu under the type name: 'Kế hoạch nâng cao ...' -> 'Nâng cao ...'."""
    text = title.strip()
    if text.lower().startswith(kind + " "):
        text = text[len(kind) + 1 :]
        return text[:1].upper() + text[1:]
    return text


# a token that names a document or carries its own case: "766/QĐ-TTg", "NĐ-CP", "09/2019/NĐ-CP"
_KEEP_CASE = re.compile(r"\S*(?:\d|/)\S*|\S*[a-zđ]\S*-\S+|\S+-\S*[a-zđ]\S*")


def upper(text: str) -> str:
    """Upper case for a title, except where the case is part of a name: document numbers and
    symbols ("Quyết định 766/QĐ-TTg" -> "QUYẾT ĐỊNH 766/QĐ-TTg"; "NĐ-CP" stays)."""
    out, last = [], 0
    for match in _KEEP_CASE.finditer(text):
        out.append(text[last : match.start()].upper())
        token = match.group(0)
        out.append(token if any(ch.isupper() for ch in token) or any(ch.isdigit() for ch in token) else token.upper())
        last = match.end()
    out.append(text[last:].upper())
    return "".join(out)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def number_line(number: int | None, symbol: str) -> str:
    """'Số: 05/KH-BQLKKTCK'; a draft without a number keeps the blank: 'Số:    /KH-BQLKKTCK'."""
    if number is None:
        return f"Số:     /{symbol}"
    return f"Số: {number:02d}/{symbol}"


def date_line(place: str, day: dt.date | None, *, month: int | None = None, year: int | None = None) -> str:
    """'Lạng Sơn, ngày 05 tháng 01 năm 2026': days below 10 and months 1-2 get a leading 0. A draft
    without a day keeps blanks for the văn thư."""
    if day is None:
        return f"{place}, ngày     tháng {month or '    '} năm {year or '    '}"
    month_text = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month_text} năm {day.year}"


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    heading: bool = False  # "I.", "1.", "a)" lines: no first-line indent, bold


@dataclass
class AdminDocument:
    parent_body: str  # e.g. UBND TỈNH LẠNG SƠN
    issuing_body: str  # e.g. BAN QUẢN LÝ KHU KINH TẾ CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN
    number: int | None
    symbol: str  # e.g. KH-BQLKKTCK
    place: str
    date: dt.date | None
    title: str  # trích yếu
    kind: str = ""  # KẾ HOẠCH, BÁO CÁO...; empty for a công văn ("V/v ..." under the number)
    body: list[Paragraph] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"
    signer_authority: str = ""  # e.g. KT. TRƯỞNG BAN
    signer_title: str = ""  # e.g. PHÓ TRƯỞNG BAN
    signer_name: str = ""
    # tables, images and other blocks after the body paragraphs (called with the python-docx document)
    after_body: Callable[[Any], None] | None = None
    # a second signature on the left instead of "Nơi nhận" (e.g. NGƯỜI NỘP HỒ SƠ on a receipt)
    left_signer: str = ""
    # appendices after the signature (called with the python-docx document), e.g. landscape tables
    appendices: Callable[[Any], None] | None = None
    # a draft without a date still shows its month and year ("ngày   tháng 7 năm 2026")
    draft_month: int | None = None
    draft_year: int | None = None


def _fonts(element, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    """Times New Roman for every script on a run properties element, theme fonts removed."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    lang = element.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        element.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = element.find(qn(tag))
            if node is None:  # (an lxml element without children is falsy: no `or` here)
                node = OxmlElement(tag)
                element.append(node)
            node.set(qn("w:val"), str(int(size * 2)))
    for flag, tags in ((bold, ("w:b", "w:bCs")), (italic, ("w:i", "w:iCs"))):
        if flag:
            for tag in tags:
                if element.find(qn(tag)) is None:
                    element.append(OxmlElement(tag))


def _run(paragraph, text: str, *, size: float = 13, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(nfc(text))
    run.font.size = Pt(size)
    run.bold, run.italic = bold or None, italic or None
    _fonts(run._r.get_or_add_rPr(), size, bold, italic)
    return run


def _centred(cell_or_doc, text: str, **style):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, **style)
    return paragraph


def _rule(container, length: Cm, width: Cm):
    """A solid line `length` long, centred in a block `width` wide: an empty, thin paragraph whose
    bottom border is shortened by equal side indents (reports_nd30.md §4.5). Its own paragraph,
    so the text above keeps the full width."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(2), Pt(2)
    _run(paragraph, "", size=2)
    _rule_below(paragraph, Cm(max((width.cm - length.cm) / 2, 0)))
    return paragraph


def _rule_below(paragraph, indent: Cm) -> None:
    """A solid line under a paragraph: a bottom border, shortened by equal side indents."""
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _borderless_table(doc, widths):
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice follows
        cell.width = width
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    cant_split = OxmlElement("w:cantSplit")
    table.rows[0]._tr.get_or_add_trPr().append(cant_split)
    return table


def _page_number_header(section) -> None:
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "", size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)


def setup(doc, *, landscape: bool = False) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    _fonts(normal.element.get_or_add_rPr(), 13)
    for section in doc.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        _page_number_header(section)


def render(document: AdminDocument) -> bytes:
    doc = new_document()
    setup(doc)
    # header: issuing body and number | Quốc hiệu, Tiêu ngữ, place and date
    header = _borderless_table(doc, (LEFT_WIDTH, RIGHT_WIDTH))
    left, right = header.rows[0].cells
    _centred(left, document.parent_body.upper(), size=13)
    _centred(left, document.issuing_body.upper(), size=13, bold=True)
    _rule(left, Cm(2.6), LEFT_WIDTH)
    _centred(left, number_line(document.number, document.symbol), size=13)
    if not document.kind:
        _centred(left, f"V/v {document.title}", size=12)
    _centred(right, NATIONAL_TITLE, size=12, bold=True)  # 12 pt: on one line in the 10 cm column
    _centred(right, MOTTO, size=14, bold=True)
    _rule(right, Cm(6.2), RIGHT_WIDTH)
    when = date_line(document.place, document.date, month=document.draft_month, year=document.draft_year)
    _centred(right, when, size=14, italic=True)
    # type and title
    if document.kind:
        spacer = doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)
        _centred(doc, document.kind.upper(), size=14, bold=True)
        _centred(doc, document.title, size=14, bold=True)
        _rule(doc, Cm(3), Cm(16.5))
    # body
    for item in document.body:
        add_body_paragraph(doc, item.text, bold=item.bold or item.heading, italic=item.italic, indent=not item.heading)
    if document.after_body is not None:
        document.after_body(doc)
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    # Nơi nhận | signature
    closing = _borderless_table(doc, (Cm(7.5), Cm(9)))
    recipients, signature = closing.rows[0].cells
    if document.left_signer:
        _centred(recipients, document.left_signer.upper(), size=13, bold=True)
    else:
        heading = recipients.add_paragraph()
        heading.paragraph_format.space_after = Pt(0)
        _run(heading, "Nơi nhận:", size=12, bold=True, italic=True)
        # "- name;" however it was typed ("name;", "- name", "name.")
        names = [name.strip().lstrip("-").strip().rstrip(";.").strip() for name in document.recipients]
        lines = [f"- {name};" for name in names if name] + [f"- Lưu: {document.archive.strip().rstrip('.')}."]
        for line in lines:
            paragraph = recipients.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, line, size=11)
    for text in (document.signer_authority, document.signer_title):
        if text:
            _centred(signature, text.upper(), size=14, bold=True)
    for _ in range(4):
        _centred(signature, "", size=14)
    if document.signer_name:
        _centred(signature, document.signer_name, size=14, bold=True)
    if document.appendices is not None:
        document.appendices(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def add_line(container, text: str, *, size: float = 13, bold: bool = False, italic: bool = False, centred=False):
    """A paragraph of one run in the document font, for blocks built in `after_body`."""
    if centred:
        return _centred(container, text, size=size, bold=bold, italic=italic)
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def add_grid(
    doc,
    header: list[str],
    rows: list[list[str]],
    widths: list[Cm],
    *,
    size: float = 12,
    bold_rows: set[int] | frozenset[int] = frozenset(),
    right_from: int | None = None,
    span_rows: set[int] | frozenset[int] = frozenset(),
):
    """A bordered table with a bold header row repeated on every page, every cell in the document
    font; `bold_rows` (indexes into `rows`) for group and total rows; `span_rows` are group
    headings written across the whole row (their first non-empty value); columns from
    `right_from` on are right-aligned (numbers)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for index, values in enumerate([header, *rows]):
        row = table.rows[0] if index == 0 else table.add_row()
        if index and (index - 1) in span_rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
            merged = row.cells[0].merge(row.cells[-1])
            paragraph = merged.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, next((str(v) for v in values if str(v)), ""), size=size, bold=True)
            continue
        for column, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif right_from is not None and column >= right_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, str(value), size=size, bold=index == 0 or (index - 1) in bold_rows)
    return table


def add_section(doc, *, landscape: bool):
    """A new section on a new page (e.g. a landscape annex), with the same margins and page
    numbers shown from its first page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = False
    return section


def add_body_paragraph(doc, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True):
    """A body paragraph as render() writes them: justified, first-line indent, 6 pt after."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(1.27) if indent else None
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    _run(paragraph, text, size=14, bold=bold, italic=italic)
    return paragraph


def appendix_start(doc, *, number: str, title: str, reference: str, landscape: bool = True) -> None:
    """A new appendix: its own section on a new page (landscape for wide tables) whose pages are
    numbered from 1, as Decree 30 numbers each Phụ lục apart (docs/reports.md); then "Phụ lục I"
    (14 pt bold), its title in upper case (13 pt bold), "(Kèm theo …)" in italic and a short rule.
    `number` is the Roman numeral ("I"), or "" for a document's only appendix."""
    add_section(doc, landscape=landscape)
    add_line(doc, f"Phụ lục {number}".strip(), size=14, bold=True, centred=True)
    add_line(doc, upper(title), size=13, bold=True, centred=True)
    add_line(doc, f"({reference})", size=13, italic=True, centred=True)
    _rule(doc, Cm(3), Cm(24.7 if landscape else 16.5))
