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
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The header table (docs/reports.md "Layout"): the Quốc hiệu at 12 pt bold is 8.83 cm long, so the
# right column needs 9.2 cm; "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN" at 12 pt bold is 7.61 cm, so the left
# one needs 8 cm. 17.2 cm is 0.7 cm more than the 16.5 cm between the margins: the header table,
# centred, reaches 3.5 mm into each margin (as Word templates of Decree 30 documents do).
LEFT_WIDTH, RIGHT_WIDTH = Cm(8.0), Cm(9.2)
HEADER_PADDING = Cm(0.1)  # left and right inside each header cell
TEXT_WIDTH = Cm(16.5)  # between the portrait margins
LANDSCAPE_TEXT_WIDTH = Cm(25.2)

# Advance widths (1/2048 em) of Liberation Serif, metric-compatible with Times New Roman, for
# the characters of a header line (upper case: Vietnamese letters are as wide as their base
# letter, except Ư); any other character counts as the widest letter (conservative).
_METRIC_CHARS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ĐƯƠđươ"
)
_REGULAR = (
    "512 682 836 1024 1024 1706 1593 369 682 682 1024 1155 512 682 512 569 1024 1024 1024 1024 1024 1024 1024 "
    "1024 1024 1024 569 569 1155 1155 1155 909 1886 1479 1366 1366 1479 1251 1139 1479 1479 682 797 1479 1251 "
    "1821 1479 1479 1139 1479 1366 1139 1251 1479 1479 1933 1479 1479 1251 682 569 682 961 1024 682 909 1024 "
    "909 1024 909 682 1024 1024 569 569 1024 569 1593 1024 1024 1024 1024 682 797 569 1024 1024 1479 1024 1024 "
    "909 983 410 983 1108 1479 1589 1479 1024 1110 1083"
)
_BOLD = (
    "512 682 1137 1024 1024 2048 1706 569 682 682 1024 1167 512 682 512 569 1024 1024 1024 1024 1024 1024 1024 "
    "1024 1024 1024 682 682 1167 1167 1167 1024 1905 1479 1366 1479 1479 1366 1251 1593 1593 797 1024 1593 1366 "
    "1933 1479 1593 1251 1593 1479 1139 1366 1479 1479 2048 1479 1479 1366 682 569 682 1190 1024 682 1024 1139 "
    "909 1139 909 682 1024 1139 569 682 1139 569 1706 1139 1024 1139 1139 909 797 682 1139 1024 1479 1024 1024 "
    "909 807 451 807 1065 1479 1630 1593 1139 1229 1134"
)
_ADVANCES = {
    False: dict(zip(_METRIC_CHARS, map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(_METRIC_CHARS, map(int, _BOLD.split()), strict=True)),
}


_HORNED = {"U": "Ư", "u": "ư", "O": "Ơ", "o": "ơ"}


def text_width(text: str, size: float, *, bold: bool = False) -> Cm:
    """How long a line of text is in Times New Roman (Liberation Serif metrics) at `size` pt."""
    advances = _ADVANCES[bold]
    widest = max(advances.values())
    units = 0
    for char in unicodedata.normalize("NFC", text):
        if char not in advances:  # a letter with marks: its base letter (with the horn: Ư, Ơ)
            marks = unicodedata.normalize("NFD", char)
            char = _HORNED.get(marks[0], marks[0]) if "\u031b" in marks else marks[0]
        units += advances.get(char, widest)
    return Cm(units / 2048 * size / 72 * 2.54)


def header_lines(text: str, width: Cm, size: float, *, bold: bool = False) -> list[str]:
    """The lines of a header block: its own lines ("\n"), each broken between words where it
    would not fit `width` (never next to a spaced hyphen: "ĐỒNG ĐĂNG - LẠNG SƠN" stays whole when
    it can)."""
    lines: list[str] = []
    for line in (part.strip() for part in text.split("\n")):
        if not line:
            continue
        words = re.sub(r"\s+-\s+", "\u00a0-\u00a0", line).split(" ")
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate.replace("\u00a0", " "), size, bold=bold) > width:
                lines.append(current.replace("\u00a0", " "))
                current = word
            else:
                current = candidate
        if current:
            lines.append(current.replace("\u00a0", " "))
    return lines


# words before which an agency's name breaks well: where a place or a kind of area starts
GOOD_BREAKS = ("CỬA KHẨU", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "THỊ TRẤN", "XÃ", "PHƯỜNG")


def issuing_lines(text: str, width: Cm) -> tuple[int, list[str]]:
    """The size (13 or 12 pt, Decree 30's range) and the lines of the issuing body in bold in a
    column `width` wide. Lines given ("\n", the agency's letterhead) are kept, at 13 pt if they all
    fit, else 12. A name on one line that does not fit is broken once where both lines fit,
    preferring a break before a place ("… KHU KINH TẾ / CỬA KHẨU …", GOOD_BREAKS) to 13 pt, then
    the most even lines; failing that, between words wherever needed at 12 pt."""
    given = [line.strip() for line in text.split("\n") if line.strip()]
    for size in (13, 12):
        if all(text_width(line, size, bold=True) <= width for line in given):
            return size, given
    if len(given) == 1:
        words = re.sub(r"\s+-\s+", "\u00a0-\u00a0", given[0]).split(" ")
        candidates = []
        for size in (13, 12):
            for cut in range(1, len(words)):
                first = " ".join(words[:cut]).replace("\u00a0", " ")
                second = " ".join(words[cut:]).replace("\u00a0", " ")
                widths = (text_width(first, size, bold=True), text_width(second, size, bold=True))
                if max(widths) <= width:
                    good = second.startswith(GOOD_BREAKS)
                    candidates.append(((not good, size != 13, abs(widths[0] - widths[1])), size, [first, second]))
        if candidates:
            _key, size, lines = min(candidates, key=lambda item: item[0])
            return size, lines
    return 12, header_lines(text, width, 12, bold=True)


def issuing_bodies(agency) -> tuple[str, str]:
    """The header's parent body and issuing body of an agency: its parent body as set, else the
    province's People's Committee; the issuing body as its letterhead prints it (lines joined by
    "\n", e.g. "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"), else its name (which
    render() breaks where it must). For the agency's name in a sentence use `agency.name`."""
    letterhead = "\n".join(
        line.strip() for line in (getattr(agency, "letterhead", "") or "").splitlines() if line.strip()
    )
    return agency.parent_body or upper(f"UBND TỈNH {agency.province.name}"), letterhead or agency.name


def strip_kind(title: str, kind: str = "kế hoạch") -> str:
    """The trích yếu under the type name: 'Kế hoạch nâng cao ...' -> 'Nâng cao ...'."""
    text = title.strip()
    if text.lower().startswith(kind + " "):
        text = text[len(kind) + 1 :]
        return text[:1].upper() + text[1:]
    return text


def _is_symbol(token: str) -> bool:
    """A word whose case is part of it: a document's number and symbol ("766/QĐ-TTg", "NĐ-CP",
    "09/2019/NĐ-CP": parts joined by "-" or "/", the first with letters in upper case; "vụ-Lạng"
    is two words) or a form's number ("06a")."""
    word = token.strip("()[]{},;:.!?\"'“”")
    if re.fullmatch(r"\d+[a-zđ]", word):
        return True
    if "-" not in word and "/" not in word:
        return False
    parts = [part for part in re.split(r"[-/]", word) if any(ch.isalpha() for ch in part)]
    return bool(parts) and parts[0].isupper()


def upper(text: str) -> str:
    """Upper case for a title, except where the case is part of a name: document numbers and
    symbols ("Quyết định 766/QĐ-TTg" -> "QUYẾT ĐỊNH 766/QĐ-TTg"; "NĐ-CP" stays)."""
    return re.sub(r"\S+", lambda match: match.group(0) if _is_symbol(match.group(0)) else match.group(0).upper(), text)


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
    issuing_body: str  # e.g. BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN (one "\n" per line)
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
    # the file's author (core properties): the agency's name; empty: the issuing body on one line
    author: str = ""


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


def _borderless_table(doc, widths, *, rows: int = 1, padding: Cm | None = None):
    """A table without borders, fixed column widths (in the grid, which LibreOffice reads, and on
    every cell), rows that never split across pages; `padding`: the cells' left and right margin."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    if padding is not None:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            node = OxmlElement(f"w:{side}")
            node.set(qn("w:w"), str(round(padding.twips)))
            node.set(qn("w:type"), "dxa")
            margins.append(node)
        properties.append(margins)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
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


def _plain_styles(doc) -> None:
    """Times New Roman and Vietnamese in docDefaults and every style, theme fonts removed (they
    take precedence over the font names: a clerk's text in another style would be Calibri)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    _fonts(properties, 13)
    properties.find(qn("w:lang")).set(qn("w:eastAsia"), "vi-VN")
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts.get(qn(attr)) is not None:
                del fonts.attrib[qn(attr)]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    # parts of the python-docx template nobody needs: Word 2010's copy of the styles (with its own
    # theme fonts) and the template's thumbnail
    for rels in (doc.part.rels, doc.part.package.rels):
        for key, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/metadata/thumbnail")):
                del rels[key]


def _properties(doc, document: AdminDocument) -> None:
    """The file's core properties: the agency as author, the document's title, created now."""
    author = document.author or " ".join(header_lines(document.issuing_body, Cm(100), 13))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.author = props.last_modified_by = nfc(author)
    props.title = nfc(document_title(document))
    props.subject = nfc(document.title)
    props.keywords = ""
    props.comments = ""
    props.category = nfc(document.kind[:1].upper() + document.kind[1:].lower()) if document.kind else "Công văn"
    props.language = "vi-VN"
    props.created = props.modified = now
    props.revision = 1
    # the template's extended properties name another program
    for rel in doc.part.package.rels.values():
        if rel.reltype.endswith("/extended-properties"):
            xml = rel.target_part.blob.decode("utf-8")
            xml = re.sub(r"<Application>[^<]*</Application>", "<Application></Application>", xml)
            xml = re.sub(r"<Template>[^<]*</Template>", "<Template></Template>", xml)
            xml = re.sub(r"<Company\s*/>|<Company>[^<]*</Company>", f"<Company>{_xml(author)}</Company>", xml)
            rel.target_part._blob = xml.encode("utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def document_title(document: AdminDocument) -> str:
    """'Kế hoạch nâng cao Chỉ số cải cách hành chính năm 2026'; a công văn: 'V/v …'."""
    if not document.kind:
        return f"V/v {document.title}"
    kind = document.kind[:1].upper() + document.kind[1:].lower()
    title = document.title
    if title[1:2].islower():  # "Nâng cao …" after the type name; "UBND …" keeps its case
        title = title[:1].lower() + title[1:]
    return f"{kind} {title}"


def _page_setup(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def setup(doc, *, landscape: bool = False) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    _fonts(normal.element.get_or_add_rPr(), 13)
    _plain_styles(doc)
    for section in doc.sections:
        _page_setup(section, landscape=landscape)
        _page_number_header(section)


def _header(doc, document: AdminDocument) -> None:
    """The two-row header table: row 1 the parent and issuing body with its rule | the Quốc hiệu
    and the Tiêu ngữ with its rule; row 2 "Số: …" (and "V/v …") | the place and date, so the
    number and the date are on one line (ô 3 and ô 4 of Decree 30, Phụ lục I)."""
    table = _borderless_table(doc, (LEFT_WIDTH, RIGHT_WIDTH), rows=2, padding=HEADER_PADDING)
    left_text = Cm(LEFT_WIDTH.cm - 2 * HEADER_PADDING.cm)
    right_text = Cm(RIGHT_WIDTH.cm - 2 * HEADER_PADDING.cm)
    parent_text, body_text = upper(document.parent_body), upper(document.issuing_body)
    size, body = issuing_lines(body_text, left_text)
    parent = header_lines(parent_text, left_text, size)
    left, right = table.rows[0].cells
    for line in parent:
        _centred(left, line, size=size)
    for line in body:
        _centred(left, line, size=size, bold=True)
    widest = max((text_width(line, size, bold=True).cm for line in body), default=6.0)
    _rule(left, Cm(round(min(max(widest * 0.4, 2.0), left_text.cm), 1)), left_text)  # 1/3 to 1/2
    _centred(right, NATIONAL_TITLE, size=12, bold=True)  # 12 pt: 8.83 cm, one line
    _centred(right, MOTTO, size=14, bold=True)
    _rule(right, Cm(math.ceil(text_width(MOTTO, 14, bold=True).cm * 10) / 10), right_text)  # as long as it
    number_cell, date_cell = table.rows[1].cells
    number = _centred(number_cell, number_line(document.number, document.symbol), size=13)
    number.paragraph_format.space_before = Pt(4)
    if not document.kind:
        _centred(number_cell, f"V/v {document.title}", size=12)
    when = date_line(document.place, document.date, month=document.draft_month, year=document.draft_year)
    _centred(date_cell, when, size=14, italic=True).paragraph_format.space_before = Pt(4)


def render(document: AdminDocument) -> bytes:
    doc = new_document()
    setup(doc)
    _header(doc, document)
    # type and title
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    if document.kind:
        _centred(doc, upper(document.kind), size=14, bold=True)
        _centred(doc, document.title, size=14, bold=True)
        _rule(doc, Cm(3), TEXT_WIDTH)
    # body
    for item in document.body:
        paragraph = add_body_paragraph(
            doc, item.text, bold=item.bold or item.heading, italic=item.italic, indent=not item.heading
        )
        if item.heading:  # never alone at the foot of a page
            paragraph.paragraph_format.keep_with_next = True
    if document.after_body is not None:
        document.after_body(doc)
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    # Nơi nhận | signature
    closing = _borderless_table(doc, (Cm(7.5), Cm(9)))
    recipients, signature = closing.rows[0].cells
    if document.left_signer:
        _centred(recipients, upper(document.left_signer), size=13, bold=True)
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
            _centred(signature, upper(text), size=14, bold=True)
    for _ in range(4):
        _centred(signature, "", size=14)
    if document.signer_name:
        _centred(signature, document.signer_name, size=14, bold=True)
    if document.appendices is not None:
        document.appendices(doc)
    _properties(doc, document)
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
    groups: list[tuple[str, int]] | None = None,
    centre_columns: set[int] | frozenset[int] = frozenset(),
):
    """A bordered table with a bold header repeated on every page, every cell in the document
    font; `bold_rows` (indexes into `rows`) for group and total rows; `span_rows` are group
    headings written across the whole row (their first non-empty value); columns from
    `right_from` on are right-aligned (numbers), columns in `centre_columns` centred (STT).

    `groups` adds a first header row of `(label, span)` whose spans add up to the columns: a
    group of span 1 is merged down with its column's header cell (its label is not used; the
    column's header is the text), a group of span > 1 is one cell over its columns. Both header
    rows repeat on every page; no row of the table splits across pages."""
    columns = len(header)
    if groups is not None and sum(span for _label, span in groups) != columns:
        raise ValueError(f"the groups span {sum(s for _l, s in groups)} columns, the table has {columns}")
    table = doc.add_table(rows=1, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    def head_cell(cell, text: str) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, str(text), size=size, bold=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    head_rows = [table.rows[0]]
    if groups is not None:
        head_rows.append(table.add_row())
    for row in head_rows:
        trPr = row._tr.get_or_add_trPr()
        trPr.append(OxmlElement("w:cantSplit"))
        trPr.append(OxmlElement("w:tblHeader"))
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    column_row = head_rows[-1]
    for cell, text in zip(column_row.cells, header, strict=True):
        head_cell(cell, text)
    if groups is not None:
        first, below = head_rows
        start = 0
        for label, span in groups:
            if span == 1:
                text = below.cells[start].text
                below.cells[start]._tc.clear_content()
                below.cells[start].add_paragraph()
                merged = first.cells[start].merge(below.cells[start])
                # merge() keeps the (empty) paragraphs of both cells: one paragraph, the header
                for extra in merged.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                merged.paragraphs[0]._p.getparent().remove(merged.paragraphs[0]._p)
                merged.add_paragraph()
                head_cell(merged, text)
            else:
                merged = first.cells[start].merge(first.cells[start + span - 1])
                for extra in merged.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                head_cell(merged, label)
            start += span
    for index, values in enumerate(rows):
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if index in span_rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
            merged = row.cells[0].merge(row.cells[-1])
            for extra in merged.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            paragraph = merged.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, next((str(v) for v in values if str(v)), ""), size=size, bold=True)
            continue
        for column, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if column in centre_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif right_from is not None and column >= right_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, str(value), size=size, bold=index in bold_rows)
    return table


BREAK_LINE_TWIPS = 0  # exact line height of the section-break paragraph: none


def _section_break_paragraph(doc) -> None:
    """The paragraph that ends a section (it carries the section's w:sectPr) takes no room: no
    spacing, an exact line height of 0 and a 1-pt paragraph mark. A normal 13-pt empty paragraph
    after a signature at the foot of a page takes a page of its own (a blank page); even a 1-pt
    line does when the signature ends less than 1 pt above the foot (LibreOffice, tested)."""
    p = doc.element.body.findall(qn("w:p"))[-1]
    properties = p.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    for key, value in (("w:before", "0"), ("w:after", "0"), ("w:line", str(BREAK_LINE_TWIPS)), ("w:lineRule", "exact")):
        spacing.set(qn(key), value)
    mark = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "2")
        mark.append(size)
    # w:pPr children in schema order: …, w:spacing, …, w:rPr, w:sectPr (which this one has)
    for tag in ("w:spacing", "w:rPr"):
        existing = properties.find(qn(tag))
        if existing is not None:
            properties.remove(existing)
    properties.find(qn("w:sectPr")).addprevious(spacing)
    properties.find(qn("w:sectPr")).addprevious(mark)


def add_section(doc, *, landscape: bool):
    """A new section on a new page (e.g. a landscape annex), with the same margins and page
    numbers shown from its first page; the break itself takes no room (no blank page)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _section_break_paragraph(doc)
    _page_setup(section, landscape=landscape)
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


def appendix_start(doc, *, number: str, title: str, reference: str, landscape: bool = True):
    """A new appendix: its own section on a new page (landscape for wide tables) whose pages are
    numbered from 1 (w:pgNumType w:start="1"), the number hidden on its first page and shown from
    its second, as Decree 30 (Phụ lục I, "Phụ lục văn bản") numbers each Phụ lục apart; then
    "Phụ lục I" (14 pt bold), its title in upper case (13 pt bold), "(Kèm theo …)" in italic and a
    short rule. `number` is the Roman numeral ("I"), or "" for a document's only appendix."""
    section = add_section(doc, landscape=landscape)
    section.different_first_page_header_footer = True  # (its first-page header is empty)
    numbering = section._sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        # w:sectPr children in schema order: … w:pgMar, w:paperSrc, w:pgBorders, w:lnNumType,
        # w:pgNumType, w:cols …
        anchor = next(
            (
                section._sectPr.find(qn(t))
                for t in ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg")
                if section._sectPr.find(qn(t)) is not None
            ),
            None,
        )
        if anchor is not None:
            anchor.addprevious(numbering)
        else:
            section._sectPr.append(numbering)
    numbering.set(qn("w:start"), "1")
    add_line(doc, f"Phụ lục {number}".strip(), size=14, bold=True, centred=True)
    add_line(doc, upper(title), size=13, bold=True, centred=True)
    add_line(doc, f"({reference})", size=13, italic=True, centred=True)
    _rule(doc, Cm(3), LANDSCAPE_TEXT_WIDTH if landscape else TEXT_WIDTH)
    return section
