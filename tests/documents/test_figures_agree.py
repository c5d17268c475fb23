"""Every figure the periodic report states in its text equals the same figure in its appendix, in
the DOCX tables and in the XLSX cells (issue 21, "One set of numbers"): the report is generated
from one `Figures`, its text parsed with the sentences reports.outline writes, each number looked
up in the appendix row it belongs to. Run on the full demo (every report period) and on a
generated agency with 20,000 dossiers (slow). Also: the snapshot's round trip makes the same
files' text and cells."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from core.models import Agency
from procedures.models import Dossier, Procedure
from reports import documents, outline, workbook
from reports.figures import Figures, collect
from reports.models import Report
from reports.periods import KINDS

pytestmark = pytest.mark.django_db
AGENCY = "BQLKKTCK"
OFFICE = {
    "III.1": "Các nhiệm vụ trọng tâm được triển khai theo kế hoạch.",
    "III.2": "Một số nhiệm vụ chậm tiến độ.",
    "III.3.a": "Khối lượng công việc lớn.",
    "III.3.b": "Công chức kiêm nhiệm nhiều việc.",
    "V": "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ.",
}
N = r"(\d{1,3}(?:\.\d{3})*)"  # a count as vi_number writes it
R = r"(\d{1,3}(?:\.\d{3})*,\d{2})"  # a rate with two decimals


def num(text: str) -> int | Decimal:
    text = str(text).strip()
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    return int(text.replace(".", ""))


def value(cell) -> int | Decimal | None:
    """An XLSX cell as a number (floats to 2 decimals, as the DOCX prints them)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, float):
        return Decimal(str(cell)).quantize(Decimal("0.01"))
    if isinstance(cell, Decimal):
        return cell.quantize(Decimal("0.01")) if cell != cell.to_integral() or cell.as_tuple().exponent < 0 else cell
    return cell


def make(report: Report, figures: Figures) -> tuple[bytes, bytes]:
    parts = outline.parts(figures, report.texts)
    return documents.report_docx(report, figures, parts), workbook.tables_workbook(figures.tables, report.title)


class Appendices:
    """The appendix tables of a generated report, by table key, as the DOCX and the XLSX show them."""

    def __init__(self, figures: Figures, docx: bytes, xlsx: bytes):
        doc = Document(io.BytesIO(docx))
        self.body = [p.text for p in doc.paragraphs if p.text.strip()]
        self.keys = [t.key for t in figures.tables]
        # the appendix tables, not the grid laying out the targets' charts under the last one
        tables = [t for t in doc.tables if not t._tbl.xpath(".//pic:pic")]
        grids = tables[-len(figures.tables) :]
        self.docx = {}
        for table, grid in zip(figures.tables, grids, strict=True):
            head = 2 if table.groups else 1
            self.docx[table.key] = [[c.text for c in row.cells] for row in grid.rows[head:]]
        book = load_workbook(io.BytesIO(xlsx))
        self.xlsx = {}
        for table in figures.tables:
            sheet = book[f"Phụ lục {table.number}"]
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            start = next(i for i, r in enumerate(rows) if r and r[0] == workbook.header_of(table)[0]) + 1
            self.xlsx[table.key] = [r for r in rows[start:] if any(v not in (None, "") for v in r)]

    def row(self, key: str, first: str) -> tuple[list[str], list]:
        """The DOCX row and the XLSX row of table `key` whose first cell starts with `first`."""
        docx = next(r for r in self.docx[key] if r[0].startswith(first))
        xlsx = next(r for r in self.xlsx[key] if str(r[0]).startswith(first))
        return docx, xlsx


def agree(figures: Figures, docx: bytes, xlsx: bytes) -> list[str]:
    """Each figure the text states, checked against its appendix row in the DOCX and the XLSX;
    returns what was checked (a test asserts the list is not empty)."""
    a = Appendices(figures, docx, xlsx)
    text = "\n".join(a.body)
    checked: list[str] = []

    def same(what: str, stated, key: str, first: str, column: int) -> None:
        docx_row, xlsx_row = a.row(key, first)
        assert num(docx_row[column]) == stated, (what, stated, docx_row)
        assert value(xlsx_row[column]) == stated, (what, stated, xlsx_row)
        checked.append(what)

    # the cut-off in the opening and in every appendix
    cutoff = re.search(r"như sau:", text) and re.search(r"\(số liệu từ ngày \S+ đến hết ngày (\S+)\) như sau:", text)
    assert cutoff, "the opening states the cut-off"
    day = cutoff.group(1)
    assert all(day in t.period for t in figures.tables), day
    checked.append("cut-off")

    # biểu 06a (total row)
    m = re.search(rf"tổng số hồ sơ {N}", text)
    if m:
        same("06a total", num(m.group(1)), "06a", "Tổng cộng", 1)
        if m := re.search(rf"nộp trực tuyến {N}; trực tiếp, qua bưu chính {N}\)", text):
            same("06a online", num(m.group(1)), "06a", "Tổng cộng", 2)
            same("06a offline", num(m.group(2)), "06a", "Tổng cộng", 3)
        if m := re.search(rf"kỳ trước chuyển qua {N}", text):
            same("06a carried", num(m.group(1)), "06a", "Tổng cộng", 4)
        if m := re.search(rf"đã giải quyết {N} hồ sơ \(trước hạn {N}, đúng hạn {N}, quá hạn {N}\)", text):
            for column, group in zip((5, 6, 7, 8), m.groups(), strict=True):
                same(f"06a resolved {column}", num(group), "06a", "Tổng cộng", column)
        if m := re.search(rf"đang giải quyết {N} hồ sơ \(trong hạn {N}, quá hạn {N}\)", text):
            for column, group in zip((9, 10, 11), m.groups(), strict=True):
                same(f"06a pending {column}", num(group), "06a", "Tổng cộng", column)
        if m := re.search(rf"biểu 06a \({N}\)", text):
            same("06a online (note)", num(m.group(1)), "06a", "Tổng cộng", 2)
    # the 766 indicators: "chỉ số 2.1 (…) đạt 95,00% (380/400 …)"
    for m in re.finditer(rf"chỉ số (\d\.\d) \((?:[^()]|\([^()]*\))*\) đạt {R}%(?: \({N}/{N} )?", text):
        code, rate, top, bottom = m.groups()
        same(f"766 {code} rate", num(rate), "766", f"{code}.", 3)
        if top is not None:
            same(f"766 {code} numerator", num(top), "766", f"{code}.", 1)
            same(f"766 {code} denominator", num(bottom), "766", f"{code}.", 2)
            if code in ("5.2", "5.3"):  # the feedback appendix gives the same figure with its base
                same(f"feedback {code}", num(top), "feedback", f"{code}.", 1)
                same(f"feedback {code} base", num(bottom), "feedback", f"{code}.", 2)
                same(f"feedback {code} rate", num(rate), "feedback", f"{code}.", 3)
    if m := re.search(rf"tiếp nhận trong kỳ {N} phản ánh, kiến nghị", text):
        same("feedback received", num(m.group(1)), "feedback", "Phản ánh, kiến nghị tiếp nhận", 1)
    if m := re.search(rf"Tổ chức {N} buổi tiếp công dân", text):
        same("receptions", num(m.group(1)), "feedback", "Buổi tiếp công dân", 1)
        if m := re.search(rf"tiếp {N} lượt người", text):
            same("people", num(m.group(1)), "feedback", "Lượt người", 1)
        if m := re.search(rf"người đứng đầu chủ trì {N} buổi", text):
            same("by the head", num(m.group(1)), "feedback", "Trong đó: buổi do người đứng đầu", 1)
    # the plan's tasks (part I) and the assessment (part III)
    m = re.search(rf"Kế hoạch có {N} nhiệm vụ; (?:đã hoàn thành {N} nhiệm vụ \({R}%\))?", text)
    if m:
        same("tasks total", num(m.group(1)), "tasks", "Tổng cộng", 1)
        same("tasks by unit total", num(m.group(1)), "units", "Tổng cộng", 1)
        if m.group(2):
            same("tasks done", num(m.group(2)), "tasks", "Tổng cộng", 2)
            same("tasks done by unit", num(m.group(2)), "units", "Tổng cộng", 2)
        if late := re.search(rf"Kế hoạch có .*?trong đó {N} nhiệm vụ hoàn thành sau thời hạn", text):
            same("tasks done late", num(late.group(1)), "tasks", "Tổng cộng", 3)
        if over := re.search(rf"Kế hoạch có [^\n]*?trong đó {N} nhiệm vụ đã quá thời hạn", text):
            same("tasks overdue", num(over.group(1)), "tasks", "Tổng cộng", 5)
            same("tasks overdue by unit", num(over.group(1)), "units", "Tổng cộng", 4)
    # each PAR domain's part ("2. Cải cách thủ tục hành chính" … "Kế hoạch giao lĩnh vực này 6 nhiệm
    # vụ; đã hoàn thành 1 …") and the SIPAS part against its own row of Phụ lục I
    heading = ""
    for paragraph in a.body:
        if h := re.match(r"^\d\. (.+)$", paragraph):
            heading = h.group(1).strip()
        m = re.match(rf"^Kế hoạch giao lĩnh vực này {N} nhiệm vụ; (?:đã hoàn thành {N} nhiệm vụ)?", paragraph)
        sipas = re.match(
            rf"^Kế hoạch có {N} nhiệm vụ nâng cao Chỉ số SIPAS; (?:đã hoàn thành {N} nhiệm vụ)?", paragraph
        )
        row = heading if m else "Nhiệm vụ nâng cao Chỉ số SIPAS" if sipas else None
        m = m or sipas
        if row is None or m is None:
            continue
        row = {"Xây dựng và phát triển Chính quyền điện tử, Chính quyền số": "Chính quyền điện tử"}.get(row, row)
        same(f"{row}: tasks", num(m.group(1)), "tasks", row[:18], 1)
        same(f"{row}: done", num(m.group(2)) if m.group(2) else 0, "tasks", row[:18], 2)
    if m := re.search(rf"đã hoàn thành {N}/{N} nhiệm vụ của Kế hoạch", text):
        same("assessment done", num(m.group(1)), "tasks", "Tổng cộng", 2)
        same("assessment total", num(m.group(2)), "tasks", "Tổng cộng", 1)
    # SIPAS
    if m := re.search(rf"Chỉ số hài lòng về sự phục vụ hành chính đạt {R}%(?: trên {N} phiếu)?", text):
        same("sipas index", num(m.group(1)), "sipas", "Chỉ số hài lòng", 2)
        if m.group(2):
            same("sipas responses", num(m.group(2)), "sipas", "Chỉ số hài lòng", 1)
    elif "trong năm chưa được công bố" in text:
        assert "trong năm chưa được công bố" in a.docx["sipas"][0][0], a.docx["sipas"]
        checked.append("sipas none")
    # every appendix is referred to by its number in the text
    for table in figures.tables:
        if table.key in ("units",):
            continue
        assert f"Phụ lục {table.number}" in text or not table.rows, (table.key, table.number)
    return checked


@pytest.fixture(scope="module")
def demo(module_data):
    module_data.plan.delete()  # the root conftest's bare plan: the demo's seed plan is the year's plan
    call_command("load_demo", quiet=True)
    return Agency.objects.get(code=AGENCY)


def report_of(agency, kind: str, year: int) -> Report:
    report = Report.objects.filter(agency=agency, kind=kind, year=year).first() or Report(
        agency=agency, kind=kind, year=year, **documents.report_defaults(agency, kind, year)
    )
    report.texts = {**report.texts, **OFFICE}
    return report


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_demo_reports_figures_agree_with_their_appendices(demo, kind, today):
    report = report_of(demo, kind, today.year)
    figures = collect(demo, report.period)
    docx, xlsx = make(report, figures)
    checked = agree(figures, docx, xlsx)
    assert {"cut-off", "06a total", "766 2.1 rate", "766 2.1 numerator"} <= set(checked), checked
    if figures.tasks.total:
        assert "tasks total" in checked, checked
        assert any(what.endswith(": tasks") for what in checked), checked  # the parts' own counts


def test_the_snapshot_makes_the_same_text_and_cells(demo, today):
    report = report_of(demo, "year", today.year)
    figures = collect(demo, report.period)
    again = Figures.from_json(figures.to_json())
    docx, xlsx = make(report, figures)
    docx2, xlsx2 = make(report, again)

    def text(data: bytes) -> list[str]:
        doc = Document(io.BytesIO(data))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return [p.text for p in doc.paragraphs] + cells

    def cells(data: bytes) -> dict:
        book = load_workbook(io.BytesIO(data))
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}

    assert text(docx) == text(docx2)
    assert cells(xlsx) == cells(xlsx2)


def test_a_checker_that_can_fail(demo, today):
    """A text whose figure differs from its appendix is caught."""
    report = report_of(demo, "year", today.year)
    figures = collect(demo, report.period)
    _docx, xlsx = make(report, figures)
    figures.one_stop.total += 1  # the text now says one dossier more than biểu 06a
    docx = documents.report_docx(report, figures, outline.parts(figures, report.texts))
    with pytest.raises(AssertionError):
        agree(figures, docx, xlsx)


def generate_dossiers(agency, count: int, year: int, rng: random.Random) -> None:
    """bench/reports.py's generator: `count` dossiers over the year, one in seven still open."""
    procedures = [
        Procedure.objects.create(
            agency=agency, code=f"9.{n:03d}", name=f"Thủ tục {n}", field=f"Lĩnh vực {n % 6}", limit=5
        )
        for n in range(30)
    ]
    rows = []
    for n in range(count):
        received = dt.datetime(year - 1, 12, 16, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 355 * 24 * 60))
        due = (received + dt.timedelta(days=7)).date()
        finished = received + dt.timedelta(days=rng.randint(1, 10)) if n % 7 else None
        procedure = procedures[n % 30]
        dossier = Dossier(
            agency=agency,
            procedure=procedure,
            procedure_code=procedure.code,
            code=f"G{n:07d}",
            received_at=received,
            due_date=due,
            status="finished" if finished else "processing",
            finished_at=finished,
            channel="online" if n % 3 else "direct",
            paper_result=bool(n % 2),
            e_result=bool(n % 5 == 0),
            digitized=bool(n % 4),
        )
        dossier.refresh_facts()
        rows.append(dossier)
    Dossier.objects.bulk_create(rows, batch_size=2000)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["q1", "year"])
def test_a_generated_agency_with_20000_dossiers_agrees(demo, kind):
    agency = Agency.objects.get(code="SCT")
    generate_dossiers(agency, 20_000, 2026, random.Random(21))
    report = report_of(agency, kind, 2026)
    figures = collect(agency, report.period, as_of=report.period.end)
    assert figures.one_stop.total > 1000
    docx, xlsx = make(report, figures)
    checked = agree(figures, docx, xlsx)
    assert {"06a total", "06a resolved 5", "06a pending 9", "766 2.1 rate", "766 3.3 numerator"} <= set(checked), (
        checked
    )
