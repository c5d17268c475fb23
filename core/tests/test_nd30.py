"""The Decree 30/2020 layout of generated documents (reports_nd30.md §3-4)."""

import datetime as dt
import io
import unicodedata
import zipfile
from types import SimpleNamespace

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from core.nd30 import (
    HEADER_PADDING,
    LEFT_WIDTH,
    MOTTO,
    NATIONAL_TITLE,
    RIGHT_WIDTH,
    AdminDocument,
    Paragraph,
    add_body_paragraph,
    add_grid,
    add_line,
    add_section,
    appendix_start,
    date_line,
    header_lines,
    issuing_bodies,
    issuing_lines,
    number_line,
    render,
    setup,
    strip_kind,
    text_width,
    upper,
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
        "issuing_body": "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN",  # a letterhead
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
    header = doc.tables[0]
    (left, right), (number, when) = (row.cells for row in header.rows)
    assert texts(left) == ["UBND TỈNH LẠNG SƠN", "BAN QUẢN LÝ KHU KINH TẾ", "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    assert texts(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # "Số:" and the place and date on one row (ô 3 and ô 4 side by side)
    assert texts(number) == ["Số: 05/KH-BQLKKTCK"]
    assert texts(when) == ["Lạng Sơn, ngày 15 tháng 7 năm 2026"] and when.paragraphs[0].runs[0].italic
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in header.rows)
    # rules are borders of their own empty paragraphs, never typed characters
    assert right.paragraphs[2].text == "" and right.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
    assert left.paragraphs[3].text == "" and left.paragraphs[3]._p.pPr.find(qn("w:pBdr")) is not None
    # the header's column widths are in the table grid too (LibreOffice reads the grid)
    grid = [round(c.width.cm, 1) for c in header.columns]
    assert grid == [8.0, 9.2]
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
    number = doc.tables[0].rows[1].cells[0]
    assert texts(number) == ["Số: 05/BQLKKTCK-VP", "V/v xin lỗi về việc trễ hạn"]
    assert number.paragraphs[1].runs[0].font.size.pt == 12
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
    number, when = doc.tables[0].rows[1].cells
    assert texts(number) == ["Số:     /KH-BQLKKTCK"]
    assert texts(when) == ["Lạng Sơn, ngày     tháng 7 năm 2026"]


def test_page_a4_portrait_with_the_decree_margins():
    section = Document(io.BytesIO(render(sample()))).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


def test_header_sizes_and_weights():
    doc = Document(io.BytesIO(render(sample())))
    (left, right), (number_cell, date_cell) = (row.cells for row in doc.tables[0].rows)
    parent, body, body2, _rule = left.paragraphs
    # "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN" is 8.24 cm at 13 pt bold, 7.61 cm at 12: 12 pt, on one line
    assert [size(p) for p in (parent, body, body2)] == [12, 12, 12]
    assert not parent.runs[0].bold and body.runs[0].bold and body2.runs[0].bold
    (number,) = number_cell.paragraphs
    assert (size(number), number.runs[0].bold) == (13, None)
    national, motto, _rule = right.paragraphs
    assert (size(national), national.runs[0].bold) == (12, True)  # one line in the 9.2 cm column
    assert (size(motto), motto.runs[0].bold) == (14, True)
    (when,) = date_cell.paragraphs
    assert (size(when), when.runs[0].italic, when.runs[0].bold) == (14, True, None)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in (parent, body, number, national, motto, when))


def test_a_short_issuing_body_keeps_13_pt():
    doc = Document(io.BytesIO(render(sample(issuing_body="Sở Nội vụ"))))
    left = doc.tables[0].rows[0].cells[0]
    assert texts(left) == ["UBND TỈNH LẠNG SƠN", "SỞ NỘI VỤ"]
    assert {size(p) for p in left.paragraphs if p.text} == {13}


def test_a_name_without_letterhead_is_broken_where_it_fits():
    """No letterhead: the name is broken between words so that no line is wider than the column
    (measured with Times New Roman's metrics), a spaced hyphen kept with its words."""
    name = "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"
    doc = Document(io.BytesIO(render(sample(issuing_body=name))))
    left = doc.tables[0].rows[0].cells[0]
    lines = texts(left)[1:]
    assert " ".join(lines) == upper(name) and len(lines) == 2
    room = Cm(LEFT_WIDTH.cm - 2 * HEADER_PADDING.cm)
    paragraphs = [p for p in left.paragraphs if p.text][1:]
    assert all(text_width(p.text, size(p), bold=True) <= room for p in paragraphs)
    assert lines == ["BAN QUẢN LÝ KHU KINH TẾ", "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"]  # before "CỬA KHẨU"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SỞ NỘI VỤ", (13, ["SỞ NỘI VỤ"])),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ LẠNG SƠN", (13, ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ LẠNG SƠN"])),
        # the letterhead's lines are kept, at 12 pt where a line is too wide at 13
        (
            "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN",
            (12, ["BAN QUẢN LÝ KHU KINH TẾ", "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"]),
        ),
        ("SỞ NỘI VỤ\nTỈNH LẠNG SƠN", (13, ["SỞ NỘI VỤ", "TỈNH LẠNG SƠN"])),
    ],
)
def test_issuing_lines(text, expected):
    assert issuing_lines(text, Cm(7.8)) == expected


def test_issuing_lines_never_overflow():
    long = "VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN TỈNH LẠNG SƠN"
    size, lines = issuing_lines(long, Cm(7.8))
    assert size == 12 and len(lines) == 3 and " ".join(lines) == long
    assert all(text_width(line, size, bold=True) <= Cm(7.8) for line in lines)


def test_text_width_uses_the_font_metrics():
    # Liberation Serif (Times New Roman's metrics), read from the font files when this was written
    assert round(text_width(NATIONAL_TITLE, 12, bold=True).cm, 2) == 8.83
    assert round(text_width(MOTTO, 14, bold=True).cm, 2) == 6.05
    assert round(text_width("UBND TỈNH LẠNG SƠN", 13).cm, 2) == 4.93
    assert text_width("Ư", 13, bold=True) > text_width("U", 13, bold=True)  # the horn
    assert header_lines("A B\n\nC", Cm(10), 13) == ["A B", "C"]
    assert header_lines("ĐỒNG ĐĂNG - LẠNG SƠN", Cm(3), 13, bold=True) == ["ĐỒNG", "ĐĂNG - LẠNG", "SƠN"]


def test_the_national_title_fits_its_column_and_the_letterhead_lines_fit_theirs():
    assert text_width(NATIONAL_TITLE, 12, bold=True).cm <= RIGHT_WIDTH.cm - 2 * HEADER_PADDING.cm
    room = LEFT_WIDTH.cm - 2 * HEADER_PADDING.cm
    for line in ("BAN QUẢN LÝ KHU KINH TẾ", "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"):
        assert text_width(line, 12, bold=True).cm <= room
    # 3.5 mm into each margin at most: the header is 17.2 cm, the text 16.5
    assert round(LEFT_WIDTH.cm + RIGHT_WIDTH.cm, 1) == 17.2


def test_rules_are_as_long_as_the_decree_wants():
    """The rule under the issuing body is 40 % of its longest line (Decree 30: 1/3 to 1/2), under
    the motto as long as the motto, under the title 3 cm: equal side indents shorten a full-width
    border (the cell's width less its padding)."""
    doc = Document(io.BytesIO(render(sample())))
    left, right = doc.tables[0].rows[0].cells
    room_left, room_right = LEFT_WIDTH.cm - 0.2, RIGHT_WIDTH.cm - 0.2
    rule = room_left - 2 * left.paragraphs[3].paragraph_format.left_indent.cm
    longest = text_width("CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN", 12, bold=True).cm
    assert longest / 3 <= rule <= longest / 2 and round(rule, 1) == 3.0
    motto_rule = room_right - 2 * right.paragraphs[2].paragraph_format.right_indent.cm
    assert round(motto_rule, 1) == 6.1 and motto_rule >= text_width(MOTTO, 14, bold=True).cm
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
    assert heading.paragraph_format.keep_with_next  # never alone at the foot of a page
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


# --- issue 21: grouped grid headers, upper case, file properties, styles, section breaks --------


def test_issuing_bodies_print_the_letterhead_lines_when_set():
    province = SimpleNamespace(name="Lạng Sơn")
    board = SimpleNamespace(
        parent_body="",
        name="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
        letterhead=" BAN QUẢN LÝ KHU KINH TẾ \r\n\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN\n",
        province=province,
    )
    assert issuing_bodies(board) == ("UBND TỈNH LẠNG SƠN", "BAN QUẢN LÝ KHU KINH TẾ\nCỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN")
    board.letterhead = "  "
    assert issuing_bodies(board)[1] == board.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chỉ số (Quyết định 766/QĐ-TTg) do hệ thống tính", "CHỈ SỐ (QUYẾT ĐỊNH 766/QĐ-TTg) DO HỆ THỐNG TÍNH"),
        ("theo Nghị định số 09/2019/NĐ-CP;", "THEO NGHỊ ĐỊNH SỐ 09/2019/NĐ-CP;"),
        ("Sở Nội vụ-Lạng Sơn", "SỞ NỘI VỤ-LẠNG SƠN"),  # two words, not a symbol
        ("biểu 06a và Covid-19", "BIỂU 06a VÀ COVID-19"),
        ("KT. Trưởng ban", "KT. TRƯỞNG BAN"),
    ],
)
def test_upper_case_keeps_the_symbols_of_documents(text, expected):
    assert upper(text) == expected


def test_render_upper_cases_with_the_symbols_kept():
    doc = Document(io.BytesIO(render(sample(kind="Báo cáo", signer_title="Phó Trưởng ban QĐ-TTg"))))
    signature = doc.tables[1].rows[0].cells[1]
    assert "PHÓ TRƯỞNG BAN QĐ-TTg" in texts(signature)


def test_file_properties_name_the_agency_and_the_document():
    before = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    data = render(sample(author="Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"))
    props = Document(io.BytesIO(data)).core_properties
    assert props.author == props.last_modified_by == "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"
    assert props.title == "Kế hoạch nâng cao Chỉ số cải cách hành chính năm 2026"
    assert props.comments == "" and props.keywords == ""
    assert props.created == props.modified and props.created.replace(tzinfo=None) >= before
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert b"python-docx" not in everything and b"2013-12-23" not in everything
    assert b"Macintosh" not in everything
    assert "docProps/thumbnail.jpeg" not in names and "word/stylesWithEffects.xml" not in names
    # without an author, the issuing body on one line
    letter = Document(io.BytesIO(render(sample(kind="", title="xin lỗi về việc trễ hạn")))).core_properties
    assert letter.author == "BAN QUẢN LÝ KHU KINH TẾ CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"
    assert letter.title == "V/v xin lỗi về việc trễ hạn"


def test_no_theme_font_left_in_the_styles():
    doc = Document(io.BytesIO(render(sample())))
    styles = doc.styles.element
    assert not [f for f in styles.iter(qn("w:rFonts")) for a in f.attrib if a.endswith(("Theme", "theme"))], (
        "theme fonts take precedence over Times New Roman"
    )
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert all(
        f.get(qn("w:ascii")) == "Times New Roman" and f.get(qn("w:cs")) == "Times New Roman"
        for f in styles.iter(qn("w:rFonts"))
    )


def test_a_grid_with_grouped_headings():
    """Biểu 06a's kind of header: "Số hồ sơ nhận giải quyết" over three columns; a group of one
    column is that column's heading merged over both header rows."""
    doc = Document()
    header = ["STT", "Lĩnh vực", "Tổng số", "Trực tuyến", "Đúng hạn", "Quá hạn"]
    groups = [("", 1), ("", 1), ("Số hồ sơ nhận giải quyết", 2), ("Đã giải quyết", 2)]
    rows = [["1", "Đầu tư", "10", "4", "8", "2"], ["2", "Xây dựng", "5", "1", "5", "0"]]
    widths = [Cm(1), Cm(6), Cm(2.5), Cm(2.5), Cm(2.5), Cm(2.5)]
    table = add_grid(doc, header, rows, widths, groups=groups, centre_columns={0}, right_from=2)
    first, second = table.rows[0], table.rows[1]
    for row in (first, second):
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert [c.text for c in first.cells] == [
        "STT",
        "Lĩnh vực",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ nhận giải quyết",
        "Đã giải quyết",
        "Đã giải quyết",
    ]
    assert [c.text for c in second.cells] == ["STT", "Lĩnh vực", "Tổng số", "Trực tuyến", "Đúng hạn", "Quá hạn"]
    assert first.cells[0]._tc is second.cells[0]._tc  # merged down
    assert first.cells[2]._tc is first.cells[3]._tc and second.cells[2]._tc is not second.cells[3]._tc
    # one paragraph per merged heading, bold and centred
    stt = first.cells[0]
    assert len(stt.paragraphs) == 1 and stt.paragraphs[0].runs[0].bold
    assert stt.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = table.rows[2]
    assert body._tr.trPr.find(qn("w:cantSplit")) is not None and body._tr.trPr.find(qn("w:tblHeader")) is None
    assert body.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER  # STT centred
    assert body.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert body.cells[1].paragraphs[0].alignment is None
    with pytest.raises(ValueError, match="span"):
        add_grid(doc, header, rows, widths, groups=[("A", 2), ("B", 2)])


def test_every_row_of_every_grid_stays_on_one_page():
    doc = Document()
    table = add_grid(doc, ["TT", "Nội dung"], [["1", "a"], ["", "Nhóm"], ["2", "b"]], [Cm(2), Cm(10)], span_rows={1})
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows] == [True, False, False, False]


def test_a_section_break_takes_no_room():
    """The paragraph carrying the first section's properties (after the signature) has no
    height: no spacing, an exact line of 0, a 1-pt mark (a 13-pt one made a blank page)."""

    def annex(doc):
        add_section(doc, landscape=True)
        add_line(doc, "PHỤ LỤC", bold=True, centred=True)

    doc = Document(io.BytesIO(render(sample(appendices=annex))))
    body = doc.element.body
    breaks = [p for p in body.iter(qn("w:p")) if p.pPr is not None and p.pPr.find(qn("w:sectPr")) is not None]
    assert len(breaks) == 1
    (paragraph,) = breaks
    assert paragraph.getprevious().tag == qn("w:tbl")  # right after the signature table
    spacing = paragraph.pPr.find(qn("w:spacing"))
    assert {k.split("}")[1]: v for k, v in spacing.attrib.items()} == {
        "before": "0",
        "after": "0",
        "line": "0",
        "lineRule": "exact",
    }
    assert paragraph.pPr.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "2"
    assert not "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
    # schema order inside w:pPr: spacing, rPr, sectPr
    assert [child.tag.split("}")[1] for child in paragraph.pPr][-3:] == ["spacing", "rPr", "sectPr"]


def test_an_appendix_numbers_its_pages_from_one():
    def annexes(doc):
        appendix_start(doc, number="I", title="Kết quả (766/QĐ-TTg)", reference="Kèm theo Báo cáo số 07/BC-X")
        appendix_start(doc, number="II", title="Danh mục", reference="Kèm theo Báo cáo số 07/BC-X", landscape=False)

    doc = Document(io.BytesIO(render(sample(appendices=annexes))))
    main, first, second = doc.sections
    assert main._sectPr.find(qn("w:pgNumType")) is None and main.different_first_page_header_footer
    for section, landscape in ((first, True), (second, False)):
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is not None and numbering.get(qn("w:start")) == "1"
        assert section.different_first_page_header_footer  # no number on its first page
        assert (section.orientation == WD_ORIENT.LANDSCAPE) is landscape
        # w:pgNumType before w:cols and w:titlePg (schema order Word insists on)
        tags = [child.tag.split("}")[1] for child in section._sectPr]
        assert tags.index("pgNumType") < tags.index("titlePg")
        if "cols" in tags:
            assert tags.index("pgNumType") < tags.index("cols")
    texts_ = [p.text for p in doc.paragraphs if p.text]
    assert texts_[-3:] == ["Phụ lục II", "DANH MỤC", "(Kèm theo Báo cáo số 07/BC-X)"]
    assert "KẾT QUẢ (766/QĐ-TTg)" in texts_
