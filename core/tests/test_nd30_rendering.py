"""The Decree 30 layout as it comes out of LibreOffice, through the product's PDF path
(reports.pdf.docx_to_pdf, read back by core.tests.rendering): no blank page wherever the signature
lands, the header's lines and rows, the appendices' own page numbers, PDF/A-2b with embedded
Times-metric fonts."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Cm, Pt

import core.nd30 as nd30
from core.nd30 import Paragraph, add_grid, add_line, add_section, appendix_start, render
from core.tests.rendering import (
    assert_signable,
    blank_pages,
    docx_layout,
    find_words,
    page_words,
    render_docx,
    requires_soffice,
)
from core.tests.test_nd30 import sample as docx_sample

MM = 72 / 25.4  # points in a millimetre


def sample(**changes):
    """test_nd30's document, with the agency as its author and a body that wraps as prose does."""
    body = [Paragraph("I. MỤC ĐÍCH, YÊU CẦU", heading=True), Paragraph("Nâng cao chất lượng " * 30)]
    fields = {"body": body, "author": "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"}
    return docx_sample(**{**fields, **changes})


@requires_soffice
def test_a_document_comes_out_signable():
    data = render(sample())
    rendered = render_docx(data)
    assert_signable(rendered, pages=1)
    assert rendered.pdfa == ("2", "B")
    assert rendered.fonts and all(f.embedded and f.subset for f in rendered.fonts)
    assert {f.name.split("-")[0] for f in rendered.fonts} <= {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman"}
    assert rendered.page_sizes_mm == [(210.0, 297.0)]
    layout = docx_layout(data)
    assert layout.header.number_and_date_same_row
    assert layout.properties.author == "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"
    assert "python-docx" not in layout.properties.raw


@requires_soffice
def test_the_header_lines_as_printed():
    """Each letterhead line on a line of its own ("KHU KINH TẾ", "ĐỒNG ĐĂNG" whole), the Quốc hiệu
    on one line, "Số:" on the line of the place and date."""
    rendered = render_docx(render(sample()))
    lines = [" ".join(line.split()) for line in rendered.page_texts[0].splitlines()]
    assert "BAN QUẢN LÝ KHU KINH TẾ" in lines and "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN" in lines
    words = page_words(rendered, 1)
    national = find_words(words, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert national and len({round(w.bottom) for w in national}) == 1
    for line in ("BAN QUẢN LÝ KHU KINH TẾ", "CỬA KHẨU ĐỒNG ĐĂNG - LẠNG SƠN"):
        found = find_words(words, line)
        assert found and len({round(w.bottom) for w in found}) == 1, line
    number, date = find_words(words, "Số: 05/KH-BQLKKTCK"), find_words(words, "Lạng Sơn, ngày 15 tháng 7 năm 2026")
    assert number and date
    assert abs(number[0].bottom - date[0].bottom) < 3, (number[0], date[0])  # the same line (13 and 14 pt)
    # the header reaches at most 3.5 mm into the margins (30 mm left, 15 mm right)
    header = [w for w in words if w.bottom <= date[0].bottom + 1]
    assert min(w.x0 for w in header) >= 26.5 * MM and max(w.x1 for w in header) <= (210 - 11.5) * MM


def _spacer(height: float):
    """A block after the body whose height moves the signature down by fractions of a point."""

    def block(doc):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(height)
        paragraph.paragraph_format.space_after = Pt(0)

    return block


def _annex(doc):
    add_section(doc, landscape=True)
    add_line(doc, "PHỤ LỤC", bold=True, centred=True)


def _long(height: float) -> bytes:
    body = [Paragraph("Nội dung công việc được thực hiện theo kế hoạch đã đề ra " * 3) for _ in range(22)]
    return render(sample(body=body, after_body=_spacer(height), appendices=_annex))


def _room_under_the_signature(rendered) -> tuple[int, float]:
    """The page of the signer's name and the room left under it to the bottom margin (pt)."""
    for page in range(1, rendered.pages + 1):
        name = find_words(page_words(rendered, page), "Hoàng Việt Đông")
        if name:
            height = rendered.page_sizes_mm[page - 1][1] * MM
            return page, height - 20 * MM - name[-1].bottom
    raise AssertionError("no signature")


@requires_soffice
def test_no_blank_page_wherever_the_signature_lands(monkeypatch):
    """Bodies of increasing length push the signature down to the page foot, then over it, by
    steps of a fraction of a point; an appendix section follows. No document has a blank page
    (the old 13-pt section-break paragraph made one when less than ~25 pt were left)."""
    start = 200.0
    page, room = _room_under_the_signature(render_docx(_long(start)))
    assert room > 30, room  # the signature starts well above the foot of its page
    seen_pages = set()
    steps = (-8, -1, -0.3, 0.3, 3)
    with ThreadPoolExecutor(max_workers=2) as pool:  # each conversion has its own profile
        results = list(pool.map(lambda step: render_docx(_long(start + room + step)), steps))
    for step, rendered in zip(steps, results, strict=True):
        assert blank_pages(rendered) == [], (step, rendered.page_texts)
        signature_page, left = _room_under_the_signature(rendered)
        seen_pages.add(signature_page)
        if step <= -1:  # still on its page, now close to the foot
            assert signature_page == page and left < 25, (step, left)
    assert seen_pages == {page, page + 1}  # the sweep went over the foot of the page
    # the sweep does reach the case: with the old break (a 13-pt paragraph) a page is blank
    monkeypatch.setattr(nd30, "_section_break_paragraph", lambda doc: None)
    assert blank_pages(render_docx(_long(start + room - 8))) != []


@requires_soffice
def test_each_appendix_numbers_its_pages_from_one():
    """Decree 30, Phụ lục I ("Phụ lục văn bản"): the pages of each appendix are numbered apart,
    the number shown from its second page, like the document's own."""
    rows = [[str(n), f"Nhiệm vụ {n} " * 8, "Văn phòng"] for n in range(1, 60)]

    def appendices(doc):
        appendix_start(doc, number="I", title="Danh mục nhiệm vụ", reference="Kèm theo Kế hoạch số 05/KH-BQLKKTCK")
        add_grid(doc, ["STT", "Nhiệm vụ", "Đơn vị"], rows, [Cm(1.5), Cm(18), Cm(5.5)], size=11, centre_columns={0})
        appendix_start(doc, number="II", title="Lịch", reference="Kèm theo Kế hoạch số 05/KH-BQLKKTCK")
        add_line(doc, "Nội dung phụ lục II")

    body = [Paragraph("Nội dung công việc được thực hiện theo kế hoạch đã đề ra " * 3) for _ in range(14)]
    rendered = render_docx(render(sample(body=body, appendices=appendices)))
    assert_signable(rendered)
    starts = [n for n in range(1, rendered.pages + 1) if "Phụ lục" in rendered.page_texts[n - 1].split("\n")[0]]
    first, second = starts
    assert second - first >= 2, "appendix I should be longer than a page for this test"
    numbers = [rendered.page_number(n) for n in range(1, rendered.pages + 1)]
    expected = [None] + [str(n) for n in range(2, first)]  # the document: 1 (hidden), 2, …
    expected += [None] + [str(n) for n in range(2, second - first + 1)]  # appendix I: 1 (hidden), 2, …
    expected += [None] + [str(n) for n in range(2, rendered.pages - second + 2)]  # appendix II
    assert numbers == expected
    assert [size[0] > size[1] for size in rendered.page_sizes_mm][first - 1 :] == [True] * (rendered.pages - first + 1)


@pytest.mark.parametrize("landscape", [True, False])
@requires_soffice
def test_an_appendix_page_number_sits_in_the_top_margin(landscape):
    rows = [[str(n), f"Nhiệm vụ {n} " * 6] for n in range(1, 70)]

    def appendices(doc):
        appendix_start(doc, number="", title="Danh mục", reference="Kèm theo Kế hoạch", landscape=landscape)
        add_grid(doc, ["STT", "Nhiệm vụ"], rows, [Cm(1.5), Cm(14)], size=11)

    rendered = render_docx(render(sample(appendices=appendices)))
    second = 3  # page 1 the document, 2 the appendix's first page, 3 its second
    assert rendered.page_number(2) is None and rendered.page_number(second) == "2"
    number = page_words(rendered, second)[0]
    assert number.text == "2" and number.bottom < 20 * MM  # in the top margin
