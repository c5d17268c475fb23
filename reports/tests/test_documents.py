"""The report and the plan as DOCX in the Decree 30 layout (reports.documents), opened again and
checked against the database: header texts, A4 and margins, fonts for every script, the annex
tables and their numbers."""

import io

from docx import Document
from docx.oxml.ns import qn

from plans.models import Section, Task
from reports.documents import report_defaults, report_docx
from reports.figures import collect
from reports.outline import parts
from reports.tests.helpers import D, cell_texts, make_report, produce

OFFICE = {
    "III.1": "Hoàn thành đúng hạn phần lớn nhiệm vụ.",
    "III.2": "Một số nhiệm vụ chậm.",
    "III.3.a": "Khối lượng việc lớn.",
    "III.3.b": "Công chức kiêm nhiệm.",
    "V": "Đề nghị Sở Nội vụ tập huấn.",
}


def report_file(report, as_of=None):
    figures = collect(report.agency, report.period, as_of=as_of)
    return figures, Document(io.BytesIO(report_docx(report, figures, parts(figures, report.texts))))


def test_the_report_docx_in_decree_30_layout_with_its_numbers(org, tasks, dossiers):
    report = make_report(org, texts=OFFICE)
    _figures, doc = report_file(report, as_of=D(2026, 12, 14))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert section.different_first_page_header_footer and "PAGE" in section.header._element.xml
    header = [p.text for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs]  # core.nd30's layout
    assert f"Số: 07/BC-{org.agency.symbol}" in header and "Lạng Sơn, ngày 16 tháng 12 năm 2026" in header
    # Times New Roman for every script in the default style, Vietnamese language
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[0] == "BÁO CÁO" and body[1] == report.title
    assert any("(số liệu từ ngày 15/12/2025 đến hết ngày 14/12/2026) như sau:" in p for p in body)
    headings = [
        "I. CÔNG TÁC CHỈ ĐẠO",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "3. Nguyên nhân",
        "a) Nguyên nhân khách quan",
        "b) Nguyên nhân chủ quan",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    positions = [next(i for i, p in enumerate(body) if p.startswith(h)) for h in headings]
    assert positions == sorted(positions)
    assert "Hoàn thành đúng hạn phần lớn nhiệm vụ." in body and "Đề nghị Sở Nội vụ tập huấn." in body
    assert any(
        "4 nhiệm vụ; đã hoàn thành 2 nhiệm vụ (50,00%), trong đó 1 nhiệm vụ hoàn thành sau thời hạn" in p for p in body
    )
    recipients, signature = doc.tables[1].rows[0].cells
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
    assert cell_texts(signature) == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hoàng Việt Đông"]
    # the appendices: landscape sections numbered I..VI, one table each with a repeated header row
    assert all(round(s.page_width.mm) == 297 for s in doc.sections[1:]) and len(doc.sections) == 7
    for number in ("I", "II", "III", "IV", "V", "VI"):
        assert f"Phụ lục {number}" in body
    tasks_table = doc.tables[2]
    assert tasks_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in tasks_table.rows[-1].cells] == ["Tổng cộng", "4", "2", "1", "2", "1"]
    rows = [[c.text for c in row.cells] for row in tasks_table.rows[1:-1]]
    assert [sum(int(row[i]) for row in rows) for i in range(1, 6)] == [4, 2, 1, 2, 1]
    assert rows[-1][0] == "Nhiệm vụ nâng cao Chỉ số SIPAS" and len(rows) == 3  # SIPAS apart from the other tasks
    one_stop = doc.tables[4]
    assert [c.text for c in one_stop.rows[0].cells][1:6] == ["Số hồ sơ tiếp nhận"] * 4 + ["Số hồ sơ đã giải quyết"]
    assert [c.text for c in one_stop.rows[-1].cells][:5] == ["Tổng cộng", "6", "2", "3", "1"]  # D3 carried over


def test_an_office_part_left_empty_is_not_printed_as_an_empty_heading(org, tasks):
    report = make_report(org, kind="q1", texts={"III.1": "Ưu điểm của kỳ."})
    _figures, doc = report_file(report)
    body = [p.text for p in doc.paragraphs if p.text]
    assert "1. Ưu điểm" in body and "Ưu điểm của kỳ." in body
    assert not any(p.startswith(("2. Tồn tại", "3. Nguyên nhân", "V. ĐỀ XUẤT")) for p in body)


def test_an_illustrative_criteria_set_is_said_under_the_title(org, tasks, par_with_evidence, today):
    report = make_report(org, texts=OFFICE)
    _figures, doc = report_file(report, as_of=today)
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[2].startswith("(Chỉ số cải cách hành chính trong báo cáo được tính theo bộ tiêu chí minh họa")
    assert not any("(minh họa)" in p for p in body)


def test_the_basis_lines_open_the_report(org, tasks):
    report = make_report(org, texts=OFFICE, basis="Thực hiện Công văn số 15/SNV-CCHC ngày 02/12/2026 của Sở Nội vụ;")
    _figures, doc = report_file(report, as_of=D(2026, 12, 14))
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[2] == "Thực hiện Công văn số 15/SNV-CCHC ngày 02/12/2026 của Sở Nội vụ;"
    assert body[3].startswith(org.agency.name + " báo cáo tình hình")


def test_report_defaults_give_a_basis_built_from_data(org, plan):
    plan.issued_on, plan.legal_basis = D(2026, 2, 1), "Kế hoạch số 252/KH-UBND ngày 05/01/2026 của UBND tỉnh"
    plan.save()
    assert report_defaults(org.agency, "q1", 2026)["basis"].splitlines() == [
        "Thực hiện Kế hoạch số 252/KH-UBND ngày 05/01/2026 của UBND tỉnh;",
        f"Căn cứ Kế hoạch số 125/KH-BQLKKTCK ngày 01/02/2026 của {org.agency.name} 2026;",
    ]
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    assert "125/KH" not in report_defaults(org.agency, "q1", 2026)["basis"]


def test_the_plan_docx_with_appendices_from_the_tasks(org, tasks, plan):
    plan.preamble = "Thực hiện Kế hoạch 252/KH-UBND của UBND tỉnh, cơ quan xây dựng kế hoạch như sau:"
    plan.signer, plan.signer_title, plan.recipients = "Hoàng Việt Đông", "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN", "Sở Nội vụ"
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    Section.objects.filter(plan=plan, code="II.1.c").update(text="Thực hiện nghiêm quy trình.\n\nSố hóa hồ sơ.")
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    number, when = doc.tables[0].rows[1].cells  # "Số:" and the date on one row (ô 3, ô 4)
    assert cell_texts(number)[-1] == "Số: 125/KH-BQLKKTCK"
    assert cell_texts(when)[-1] == "Lạng Sơn, ngày 15 tháng 7 năm 2026"
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
    assert t2[2:5] == [org.unit_a.label, org.unit_b.label, "30/04/2026"]  # short names
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
    report = make_report(org, recipients="- UBND tỉnh (b/c);\nSở Nội vụ.\n\n", texts=OFFICE)
    recipients = report_file(report)[1].tables[1].rows[0].cells[0]
    assert cell_texts(recipients) == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
