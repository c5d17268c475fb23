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
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT_WIDTH, RIGHT_WIDTH = Cm(6.5), Cm(10)


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
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
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
    _rule_below(_centred(left, document.issuing_body.upper(), size=13, bold=True), Cm(1.8))
    _centred(left, number_line(document.number, document.symbol), size=13)
    if not document.kind:
        _centred(left, f"V/v {document.title}", size=12)
    _centred(right, NATIONAL_TITLE, size=13, bold=True)
    _rule_below(_centred(right, MOTTO, size=14, bold=True), Cm(2.2))
    _centred(right, date_line(document.place, document.date), size=14, italic=True)
    # type and title
    if document.kind:
        spacer = doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)
        _centred(doc, document.kind.upper(), size=14, bold=True)
        _rule_below(_centred(doc, document.title, size=14, bold=True), Cm(6))
    # body
    for item in document.body:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(1.27)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15
        _run(paragraph, item.text, size=14, bold=item.bold or item.heading, italic=item.italic)
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
        lines = [f"- {name};" for name in document.recipients] + [f"- Lưu: {document.archive}."]
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


def add_grid(doc, header: list[str], rows: list[list[str]], widths: list[Cm], *, size: float = 12):
    """A bordered table with a bold header row, every cell in the document font."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells in ([header], rows):
        for values in cells:
            row = table.rows[0] if values is header else table.add_row()
            for cell, value, width in zip(row.cells, values, widths, strict=True):
                cell.width = width
                paragraph = cell.paragraphs[0]
                _run(paragraph, str(value), size=size, bold=values is header)
    return table
