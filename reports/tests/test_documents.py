"""The report and the plan as DOCX in the Decree 30 layout (reports.documents), opened again and
checked against the database: header texts, A4 and margins, fonts for every script, the annex
tables and their numbers."""

import io

from docx import Document
from docx.oxml.ns import qn

from plans.models import Section, Task
from reports.tests.helpers import D, cell_texts, make_report, produce


def test_the_report_docx_in_decree_30_layout_with_its_numbers(org, tasks, dossiers):
    report = make_report(org)
    item, data = produce(org, "report_docx", report=report)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert section.different_first_page_header_footer and "PAGE" in section.header._element.xml
    left, right = doc.tables[0].rows[0].cells
    assert cell_texts(left) == [
        "UBND TỈNH LẠNG SƠN",
        org.agency.name.upper(),
        f"Số: 07/BC-{org.agency.symbol}",
    ]
    assert cell_texts(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lạng Sơn, ngày 16 tháng 12 năm 2026",
    ]
    # Times New Roman for every script in the default style, Vietnamese language
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[0] == "BÁO CÁO" and body[1] == report.title
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO", "III. ĐÁNH GIÁ CHUNG", "V. KIẾN NGHỊ, ĐỀ XUẤT"):
        assert any(p.startswith(heading) for p in body), heading
    assert "Hoàn thành đúng hạn phần lớn nhiệm vụ." in body and "Đề nghị Sở Nội vụ tập huấn." in body
    assert any("4 nhiệm vụ; đã hoàn thành 2 (50,00%), trong đó 1 nhiệm vụ hoàn thành trễ hạn" in p for p in body)
    recipients, signature = doc.tables[1].rows[0].cells
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
    assert cell_texts(signature) == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    # the annexes: a landscape section, one table per annex with a repeated header row
    annex = doc.sections[1]
    assert round(annex.page_width.mm) == 297 and annex.orientation == 1
    tasks_table = doc.tables[2]
    assert tasks_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in tasks_table.rows[-1].cells] == ["Tổng cộng", "4", "2", "1", "2", "1"]
    # the rows add up to the total: the SIPAS task has its own row, the cancelled-only domain none
    rows = [[c.text for c in row.cells] for row in tasks_table.rows[1:-1]]
    assert [sum(int(row[i]) for row in rows) for i in range(1, 6)] == [4, 2, 1, 2, 1]
    assert rows[-1][0] == "Nhiệm vụ nâng cao Chỉ số SIPAS và nhiệm vụ khác" and len(rows) == 3
    one_stop = doc.tables[4]
    assert [c.text for c in one_stop.rows[-1].cells][:5] == ["Tổng cộng", "6", "2", "3", "1"]  # D3 carried over
    assert item.requested_by == org.office and item.name.endswith(".docx") and len(item.sha256) == 64


def test_the_plan_docx_with_appendices_from_the_tasks(org, tasks, plan):
    plan.preamble = "Thực hiện Kế hoạch 252/KH-UBND của UBND tỉnh, cơ quan xây dựng kế hoạch như sau:"
    plan.signer, plan.signer_title, plan.recipients = "Hoàng Việt Đông", "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN", "Sở Nội vụ"
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    Section.objects.filter(plan=plan, code="II.1.c").update(text="Thực hiện nghiêm quy trình.\n\nSố hóa hồ sơ.")
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    left, right = doc.tables[0].rows[0].cells
    assert cell_texts(left)[-1] == "Số: 125/KH-BQLKKTCK"
    assert cell_texts(right)[-1] == "Lạng Sơn, ngày 15 tháng 7 năm 2026"
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[:2] == ["KẾ HOẠCH", "2026"]  # the subject: the title without its "Kế hoạch"
    assert "Thực hiện nghiêm quy trình." in body and "Số hóa hồ sơ." in body
    assert "(Chi tiết tại Phụ lục I kèm theo)" in body
    signature = doc.tables[1].rows[0].cells[1]
    assert cell_texts(signature) == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    appendix_1, appendix_2 = doc.tables[2], doc.tables[3]
    header = [c.text for c in appendix_1.rows[0].cells]
    assert header == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm"]
    numbered = [[c.text for c in row.cells] for row in appendix_1.rows[1:] if row.cells[0].text.isdigit()]
    # T1-T3 (T5 is cancelled), numbered in order, with units, coordinating units and dates
    assert [row[0] for row in numbered] == ["1", "2", "3"]
    t2 = next(row for row in numbered if row[1] == tasks[1].title)
    assert t2[2:5] == [org.unit_a.name, org.unit_b.name, "30/04/2026"]
    groups = [row for row in appendix_1.rows[1:] if not row.cells[0].text.isdigit()]
    assert [row.cells[0].text for row in groups] == ["1. Chỉ đạo, điều hành", "2. Cải cách TTHC"]
    assert all(len({c.text for c in row.cells}) == 1 for row in groups)  # a section row spans the table
    assert [c.text for c in appendix_2.rows[-1].cells][1] == "Niêm yết công khai 100% TTHC"


def test_appendix_ii_alone_is_landscape_too(org, tasks, plan):
    Task.objects.filter(plan=plan, appendix="I").update(status="cancelled")
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    assert len(doc.sections) == 2 and round(doc.sections[1].page_width.mm) == 297
    assert [c.text for c in doc.tables[2].rows[-1].cells][1] == "Niêm yết công khai 100% TTHC"


def test_recipients_typed_with_their_punctuation_are_not_doubled(org):
    report = make_report(org, recipients="- UBND tỉnh (b/c);\nSở Nội vụ.\n\n")
    _item, data = produce(org, "report_docx", report=report)
    recipients = Document(io.BytesIO(data)).tables[1].rows[0].cells[0]
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
