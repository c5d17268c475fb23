"""The Decree 30/2020 layout of generated documents (reports_nd30.md §3-4)."""

import datetime as dt
import io
import unicodedata
from types import SimpleNamespace

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from core.nd30 import (
    AdminDocument,
    Paragraph,
    add_body_paragraph,
    add_grid,
    add_line,
    add_section,
    date_line,
    issuing_bodies,
    number_line,
    render,
    setup,
    strip_kind,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "Lạng Sơn, ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "Lạng Sơn, ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 7, 15), "Lạng Sơn, ngày 15 tháng 7 năm 2026"),
        (dt.date(2026, 12, 3), "Lạng Sơn, ngày 03 tháng 12 năm 2026"),
    ],
)
def test_place_and_date(day, expected):
    assert date_line("Lạng Sơn", day) == expected


def test_number_and_drafts():
    assert number_line(5, "KH-BQLKKTCK") == "Số: 05/KH-BQLKKTCK"
    assert number_line(125, "KH-BQLKKTCK") == "Số: 125/KH-BQLKKTCK"
    assert number_line(None, "KH-BQLKKTCK").startswith("Số:") and number_line(None, "KH").endswith("/KH")
    assert date_line("Lạng Sơn", None, month=7, year=2026) == "Lạng Sơn, ngày     tháng 7 năm 2026"


def sample(**changes):
    fields = {
        "parent_body": "UBND tỉnh Lạng Sơn",
        "issuing_body": "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
        "number": 5,
        "symbol": "KH-BQLKKTCK",
        "place": "Lạng Sơn",
        "date": dt.date(2026, 7, 15),
        "kind": "Kế hoạch",
        "title": "Nâng cao Chỉ số cải cách hành chính năm 2026",
        "body": [Paragraph("I. MỤC ĐÍCH, YÊU CẦU", heading=True), Paragraph("Nâng cao chất lượng" * 30)],
        "recipients": ["UBND tỉnh (b/c)", "Sở Nội vụ"],
        "archive": "VT, VP",
        "signer_authority": "KT. Trưởng ban",
        "signer_title": "Phó Trưởng ban",
        "signer_name": "Hoàng Việt Đông",
    }
    return AdminDocument(**{**fields, **changes})


def texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_document_layout():
    doc = Document(io.BytesIO(render(sample())))
    section = doc.sections[0]

    def mm(length):  # Word stores twentieths of a point
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.left_margin), mm(section.right_margin), mm(section.top_margin)) == (30, 15, 20)
    left, right = doc.tables[0].rows[0].cells
    assert texts(left) == [
        "UBND TỈNH LẠNG SƠN",
        "BAN QUẢN LÝ KHU KINH TẾ CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN",
        "Số: 05/KH-BQLKKTCK",
    ]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    assert texts(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lạng Sơn, ngày 15 tháng 7 năm 2026",
    ]
    assert right.paragraphs[3].runs[0].italic
    # rules are borders of their own empty paragraphs, never typed characters
    assert right.paragraphs[2].text == "" and right.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
    assert left.paragraphs[2].text == "" and left.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
    # the header's column widths are in the table grid too (LibreOffice reads the grid)
    grid = [round(c.width.cm, 1) for c in doc.tables[0].columns]
    assert grid == [6.5, 10.0]
    assert all("_" not in p.text for p in doc.paragraphs)
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[:2] == ["KẾ HOẠCH", "Nâng cao Chỉ số cải cách hành chính năm 2026"]
    assert doc.paragraphs[-1].paragraph_format.keep_with_next
    recipients, signature = doc.tables[1].rows[0].cells
    assert texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
    assert [t for t in texts(signature) if t] == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    # page numbers from page 2: a PAGE field in the header, first page different
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml


def test_fonts_cover_every_script_and_text_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Báo cáo kết quả")
    doc = Document(io.BytesIO(render(sample(body=[Paragraph(decomposed)]))))
    run = next(p for p in doc.paragraphs if p.text.startswith("Báo"))
    assert run.text == unicodedata.normalize("NFC", decomposed)
    fonts = run.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert run.runs[0]._r.rPr.find(qn("w:szCs")).get(qn("w:val")) == "28"
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "Times New Roman" and normal.get(qn("w:asciiTheme")) is None


def test_official_letter_has_no_type_and_a_subject_line():
    doc = Document(io.BytesIO(render(sample(kind="", symbol="BQLKKTCK-VP", title="xin lỗi về việc trễ hạn"))))
    left = doc.tables[0].rows[0].cells[0]
    assert texts(left)[-1] == "V/v xin lỗi về việc trễ hạn"
    assert "KẾ HOẠCH" not in [p.text for p in doc.paragraphs]


def test_numbers_as_vietnamese_documents_write_them():
    from decimal import Decimal

    from core.numbers import vi_number

    assert vi_number(1234567) == "1.234.567"
    assert vi_number(Decimal("84.30")) == "84,30"
    assert vi_number(Decimal("1234.5")) == "1.234,5"
    assert (vi_number(None), vi_number(0)) == ("-", "0")


# --- the pieces of the layout, as python-docx reads them back (reports_nd30.md §3-4) -------------


def size(paragraph) -> float:
    return paragraph.runs[0].font.size.pt


@pytest.mark.parametrize(
    ("title", "kind", "expected"),
    [
        ("Kế hoạch nâng cao Chỉ số CCHC", "kế hoạch", "Nâng cao Chỉ số CCHC"),
        ("  KẾ HOẠCH rà soát thủ tục ", "kế hoạch", "Rà soát thủ tục"),
        ("Báo cáo kết quả quý I", "báo cáo", "Kết quả quý I"),
        ("Nâng cao Chỉ số CCHC", "kế hoạch", "Nâng cao Chỉ số CCHC"),
        ("Kế hoạchnăm", "kế hoạch", "Kế hoạchnăm"),  # not the type name followed by a title
    ],
)
def test_strip_kind_leaves_the_title_under_the_type_name(title, kind, expected):
    assert strip_kind(title, kind) == expected


def test_issuing_bodies_take_the_parent_body_or_the_province_committee():
    province = SimpleNamespace(name="Lạng Sơn")
    board = SimpleNamespace(parent_body="UBND TỈNH LẠNG SƠN", name="Ban Quản lý KKT", province=province)
    department = SimpleNamespace(parent_body="", name="Sở Nội vụ", province=province)
    assert issuing_bodies(board) == ("UBND TỈNH LẠNG SƠN", "Ban Quản lý KKT")
    assert issuing_bodies(department) == ("UBND TỈNH LẠNG SƠN", "Sở Nội vụ")


def test_drafts_keep_blanks_for_the_number_and_the_date():
    assert number_line(None, "KH-BQLKKTCK") == "Số:     /KH-BQLKKTCK"
    assert number_line(7, "BC-SNV") == "Số: 07/BC-SNV"
    assert date_line("Lạng Sơn", None) == "Lạng Sơn, ngày     tháng      năm     "
    doc = Document(io.BytesIO(render(sample(number=None, date=None, draft_month=7, draft_year=2026))))
    left, right = doc.tables[0].rows[0].cells
    assert texts(left)[-1] == "Số:     /KH-BQLKKTCK"
    assert texts(right)[-1] == "Lạng Sơn, ngày     tháng 7 năm 2026"


def test_page_a4_portrait_with_the_decree_margins():
    section = Document(io.BytesIO(render(sample()))).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


def test_header_sizes_and_weights():
    doc = Document(io.BytesIO(render(sample())))
    left, right = doc.tables[0].rows[0].cells
    parent, body, _rule, number = left.paragraphs
    assert [size(p) for p in (parent, body, number)] == [13, 13, 13]
    assert not parent.runs[0].bold and body.runs[0].bold and not number.runs[0].bold
    national, motto, _rule, when = right.paragraphs
    assert (size(national), national.runs[0].bold) == (12, True)  # one line in the 10 cm column
    assert (size(motto), motto.runs[0].bold) == (14, True)
    assert (size(when), when.runs[0].italic, when.runs[0].bold) == (14, True, None)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in (parent, body, number, national, motto, when))


def test_rules_are_as_long_as_the_decree_wants():
    """The rule under the issuing body is 2.6 cm in the 6.5 cm column, under the motto 6.2 cm in
    the 10 cm column, under the title 3 cm: equal side indents shorten a full-width border."""
    doc = Document(io.BytesIO(render(sample())))
    left, right = doc.tables[0].rows[0].cells
    assert round(left.paragraphs[2].paragraph_format.left_indent.cm, 2) == 1.95
    assert round(right.paragraphs[2].paragraph_format.right_indent.cm, 2) == 1.9
    title_rule = next(p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None)
    assert round(title_rule.paragraph_format.left_indent.cm, 2) == 6.75


def test_type_title_and_body_paragraphs():
    doc = Document(io.BytesIO(render(sample())))
    kind, title = (p for p in doc.paragraphs if p.text in ("KẾ HOẠCH", sample().title))
    assert (size(kind), kind.runs[0].bold, kind.alignment) == (14, True, WD_ALIGN_PARAGRAPH.CENTER)
    assert (size(title), title.runs[0].bold) == (14, True)
    heading = next(p for p in doc.paragraphs if p.text == "I. MỤC ĐÍCH, YÊU CẦU")
    body = next(p for p in doc.paragraphs if p.text.startswith("Nâng cao chất lượng"))
    assert body.alignment == heading.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert (size(body), body.runs[0].bold) == (14, None)
    assert round(body.paragraph_format.first_line_indent.cm, 2) == 1.27
    assert body.paragraph_format.line_spacing == 1.15 and body.paragraph_format.space_after.pt == 6
    assert heading.runs[0].bold and heading.paragraph_format.first_line_indent is None
    assert doc.styles["Normal"].font.size.pt == 13 and doc.styles["Normal"].font.name == "Times New Roman"


def test_recipients_are_written_one_way_however_they_were_typed():
    recipients = ["- Sở Nội vụ;", "UBND tỉnh (b/c).", "  ", "-Văn phòng", "Lưu trữ;"]
    doc = Document(io.BytesIO(render(sample(recipients=recipients, archive=" VT. "))))
    cell = doc.tables[1].rows[0].cells[0]
    assert texts(cell) == [
        "Nơi nhận:",
        "- Sở Nội vụ;",
        "- UBND tỉnh (b/c);",
        "- Văn phòng;",
        "- Lưu trữ;",
        "- Lưu: VT.",
    ]
    heading, *lines = (p for p in cell.paragraphs if p.text)
    assert (size(heading), heading.runs[0].bold, heading.runs[0].italic) == (12, True, True)
    assert {size(p) for p in lines} == {11}


def test_signature_block_sizes_and_room_to_sign():
    doc = Document(io.BytesIO(render(sample())))
    signature = doc.tables[1].rows[0].cells[1]
    paragraphs = signature.paragraphs
    assert [p.text for p in paragraphs] == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "", "", "", "", "Hoàng Việt Đông"]
    assert all(size(p) == 14 for p in paragraphs)
    assert all(paragraphs[i].runs[0].bold for i in (0, 1, 6))


def test_a_second_signer_takes_the_place_of_the_recipients():
    doc = Document(io.BytesIO(render(sample(left_signer="Người nộp hồ sơ", recipients=["Sở Nội vụ"]))))
    left = doc.tables[1].rows[0].cells[0]
    assert texts(left) == ["NGƯỜI NỘP HỒ SƠ"] and left.paragraphs[0].runs[0].bold


def test_blocks_after_the_body_and_appendices_come_in_their_places():
    def table(doc):
        add_grid(doc, ["TT", "Nội dung"], [["1", "Rà soát"]], [Cm(1.5), Cm(15)])

    def annex(doc):
        add_section(doc, landscape=True)
        add_line(doc, "PHỤ LỤC I", bold=True, centred=True)

    doc = Document(io.BytesIO(render(sample(after_body=table, appendices=annex))))
    firsts = [t.rows[0].cells[0].text.split("\n")[0] for t in doc.tables]
    assert firsts == ["UBND TỈNH LẠNG SƠN", "TT", "Nơi nhận:"]  # header, the block, then the closing
    assert doc.paragraphs[-1].text == "PHỤ LỤC I" and doc.paragraphs[-1].runs[0].bold
    assert len(doc.sections) == 2


def test_a_grid_repeats_its_header_and_aligns_numbers_right():
    doc = Document()
    header = ["TT", "Đơn vị", "Số hồ sơ", "Tỷ lệ"]
    rows = [["I", "Khối sở", "", ""], ["1", "Sở Nội vụ", "1.234", "98,5"], ["", "Tổng", "1.234", "98,5"]]
    widths = [Cm(1), Cm(8), Cm(3), Cm(3)]
    table = add_grid(doc, header, rows, widths, bold_rows={2}, right_from=2, span_rows={0})
    head = table.rows[0]
    assert head._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(c.paragraphs[0].runs[0].bold for c in head.cells)
    assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER for c in head.cells)
    group = table.rows[1]
    assert len({id(c._tc) for c in group.cells}) == 1 and group.cells[0].text == "I"  # across the row
    line = table.rows[2].cells
    right = WD_ALIGN_PARAGRAPH.RIGHT
    assert [c.paragraphs[0].alignment for c in line] == [None, None, right, right]
    assert not line[1].paragraphs[0].runs[0].bold and table.rows[3].cells[1].paragraphs[0].runs[0].bold
    assert {c.paragraphs[0].runs[0].font.size.pt for c in line} == {12}
    assert table.style.name == "Table Grid"


def test_a_landscape_section_keeps_the_margins_and_numbers_its_pages():
    doc = Document()
    setup(doc)
    section = add_section(doc, landscape=True)
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert not section.different_first_page_header_footer


def test_body_paragraphs_added_by_blocks_look_like_the_body():
    doc = Document()
    paragraph = add_body_paragraph(doc, "Nội dung", italic=True)
    plain = add_line(doc, "Ghi chú", size=12)
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and paragraph.runs[0].italic
    assert round(paragraph.paragraph_format.first_line_indent.cm, 2) == 1.27
    assert (plain.runs[0].font.size.pt, plain.paragraph_format.space_after.pt) == (12, 2)
    assert plain.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:cs")) == "Times New Roman"
