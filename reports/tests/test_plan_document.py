"""The plan's document (reports.plan_document): its number and date left blank until the văn thư
registers the plan, the appendices' "(Kèm theo Kế hoạch số …)" line the same as the header and the
same in the DOCX and the workbook, units by their short names, appendix rows that never split
across pages, each appendix in its own landscape section numbered from 1."""

import io
import re
from types import SimpleNamespace

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from core.models import Unit
from core.tests.rendering import docx_layout, render_docx, requires_soffice
from reports.plan_document import ALL_UNITS, coordinating_text, issue_day
from reports.tests.helpers import D, produce

UNREGISTERED = r"\(Kèm theo Kế hoạch số\s+/KH-BQLKKTCK ngày\s+tháng\s+năm 2026 của (.+)\)"


def references(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.startswith("(Kèm theo Kế hoạch")]


def header_lines(data: bytes) -> tuple[str, str]:
    """The header's "Số: …" line and its place-and-date line, wherever the layout puts them."""
    header = docx_layout(data).header
    lines = header.left + header.right
    number = next(line for line in lines if line.startswith("Số:"))
    date = next(line for line in lines if re.search(r", ngày .* năm", line))
    return number, date


def sheet_references(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    return [wb[name]["A2"].value for name in wb.sheetnames]


def test_a_plan_not_yet_registered_prints_blanks_for_its_number_and_date(org, tasks, plan):
    plan.number, plan.issued_on, plan.status = "/KH-BQLKKTCK", None, "issued"
    plan.save()
    _item, data = produce(org, "plan_docx", plan=plan)
    number, date = header_lines(data)
    assert re.fullmatch(r"Số:\s{3,}/KH-BQLKKTCK", number)
    # an issued plan whose date nobody typed: the month is not invented either
    assert re.fullmatch(r"Lạng Sơn, ngày\s{3,}tháng\s{3,}năm 2026", date)
    doc = Document(io.BytesIO(data))
    lines = references(doc)
    assert len(lines) == 2 and lines[0] == lines[1]  # Phụ lục I and II
    assert re.fullmatch(UNREGISTERED, lines[0]).group(1) == org.agency.name
    assert not re.search(r"\d+/KH-", "\n".join(p.text for p in doc.paragraphs))  # no number anywhere
    _item, workbook = produce(org, "plan_xlsx", plan=plan)
    assert sheet_references(workbook) == lines  # the workbook's line is the document's, word for word


def test_a_registered_plan_prints_its_number_and_date_in_the_header_and_the_appendices(org, tasks, plan):
    plan.number, plan.issued_on = "5/KH-BQLKKTCK", D(2026, 7, 15)
    plan.save()
    _item, data = produce(org, "plan_docx", plan=plan)
    assert header_lines(data) == ("Số: 05/KH-BQLKKTCK", "Lạng Sơn, ngày 15 tháng 7 năm 2026")
    expected = f"(Kèm theo Kế hoạch số 05/KH-BQLKKTCK ngày 15 tháng 7 năm 2026 của {org.agency.name})"
    assert references(Document(io.BytesIO(data))) == [expected, expected]
    _item, workbook = produce(org, "plan_xlsx", plan=plan)
    assert sheet_references(workbook) == [expected, expected]


def test_a_draft_plan_shows_the_month_it_is_printed_in_both_places(org, tasks, plan):
    today = timezone.localdate()
    plan.number, plan.issued_on, plan.status, plan.year = "", None, "draft", today.year
    plan.save()
    _item, data = produce(org, "plan_docx", plan=plan)
    number, date = header_lines(data)
    assert re.fullmatch(rf"Số:\s{{3,}}/KH-{org.agency.symbol}", number)
    assert re.fullmatch(rf"Lạng Sơn, ngày\s{{3,}}tháng {today.month} năm {today.year}", date)
    line = references(Document(io.BytesIO(data)))[0]
    assert re.search(rf"/KH-{org.agency.symbol} ngày\s{{3,}}tháng {today.month} năm {today.year} của ", line)


def test_issue_day_writes_the_day_as_the_header_does():
    assert issue_day(D(2026, 2, 5), month=None, year=2026) == "ngày 05 tháng 02 năm 2026"
    assert issue_day(D(2026, 11, 20), month=None, year=2026) == "ngày 20 tháng 11 năm 2026"
    assert re.fullmatch(r"ngày\s+tháng 7 năm 2026", issue_day(None, month=7, year=2026))


def test_appendix_rows_name_units_by_their_short_names(org, make_task, plan):
    units = {u.code: u for u in Unit.objects.filter(agency=org.agency)}
    Unit.objects.filter(pk=units["QHXD"].pk).update(short_name="P. QHXD-MT")
    everyone_else = [units[c] for c in ("VP", "KHTH", "QHXD", "TTQLCK")]
    make_task(code="A1", appendix="I", title="Việc cả Ban phối hợp", coordinating_units=everyone_else)
    make_task(
        code="A2", appendix="I", title="Việc hai đơn vị phối hợp", coordinating_units=[units["QHXD"], units["VP"]]
    )
    make_task(code="A3", appendix="I", title="Việc không ai phối hợp", lead_unit=units["TTQLCK"])
    _item, data = produce(org, "plan_docx", plan=plan)
    table = Document(io.BytesIO(data)).tables[2]
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:] if row.cells[0].text.isdigit()}
    assert rows["Việc cả Ban phối hợp"][2:4] == ["Phòng QLDN", ALL_UNITS]
    assert rows["Việc hai đơn vị phối hợp"][2:4] == ["Phòng QLDN", "VP, P. QHXD-MT"]  # in the units' order
    assert rows["Việc không ai phối hợp"][2:4] == ["TTQLCK", ""]


def test_all_units_only_when_every_other_unit_coordinates_and_there_are_three():
    def unit(pk, label):
        return SimpleNamespace(pk=pk, label=label)

    vp, a, b, c = unit(1, "VP"), unit(2, "Phòng A"), unit(3, "Phòng B"), unit(4, "TT C")
    assert coordinating_text([a, b, c], lead=1, units=[1, 2, 3, 4]) == ALL_UNITS
    assert coordinating_text([a, b], lead=1, units=[1, 2, 3, 4]) == "Phòng A, Phòng B"
    assert coordinating_text([vp, a, b, c], lead=None, units=[1, 2, 3, 4]) == ALL_UNITS  # no lead: all four
    assert coordinating_text([a, b], lead=1, units=[1, 2, 3]) == "Phòng A, Phòng B"  # two others: named
    assert coordinating_text([], lead=1, units=[1, 2, 3, 4]) == ""


def test_appendix_rows_never_split_and_the_number_and_deadline_are_centred(org, tasks, plan):
    _item, data = produce(org, "plan_docx", plan=plan)
    doc = Document(io.BytesIO(data))
    for table in doc.tables[2:]:
        assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        numbered = [row for row in table.rows[1:] if row.cells[0].text.isdigit()]
        assert numbered
        for row in numbered:
            alignments = [cell.paragraphs[0].alignment for cell in row.cells]
            assert alignments[0] == alignments[4] == WD_ALIGN_PARAGRAPH.CENTER
            assert alignments[1] != WD_ALIGN_PARAGRAPH.CENTER


def test_each_appendix_is_a_landscape_section_numbered_from_one(org, tasks, plan):
    _item, data = produce(org, "plan_docx", plan=plan)
    sections = docx_layout(data).sections
    assert [s.landscape for s in sections] == [False, True, True]
    assert [s.page_start for s in sections[1:]] == [1, 1]


@requires_soffice
def test_the_rendered_appendices_start_their_own_page_numbers(org, tasks, plan, make_task):
    for n in range(24):  # enough rows for Phụ lục I to take two pages
        make_task(code=f"X{n:02d}", appendix="I", title=f"Nhiệm vụ bổ sung số {n} " + "rà soát, cập nhật " * 6)
    _item, data = produce(org, "plan_docx", plan=plan)
    rendered = render_docx(data)
    starts = {
        name: next(
            n for n, text in enumerate(rendered.page_texts, start=1) if re.search(rf"^Phụ lục {name}$", text, re.M)
        )
        for name in ("I", "II")
    }
    assert starts["II"] > starts["I"] + 1  # Phụ lục I has a second page
    assert rendered.page_number(starts["I"]) is None and rendered.page_number(starts["I"] + 1) == "2"
    assert rendered.page_number(starts["II"]) is None
    assert all(size[0] > size[1] for size in rendered.page_sizes_mm[starts["I"] - 1 :])  # landscape
