"""The Decree 30/2020 layout of generated documents (reports_nd30.md §3-4)."""

import datetime as dt
import io
import unicodedata

import pytest
from docx import Document
from docx.oxml.ns import qn

from core.nd30 import AdminDocument, Paragraph, date_line, number_line, render


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
