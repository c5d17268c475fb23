"""The plan's targets in the periodic report (issue 22): read as of the report's cut-off through
targets.selectors.rows (the same value and status as the targets' pages for that day), the
appendix "Kết quả thực hiện chỉ tiêu của kế hoạch" with a trend chart per target with history in
the DOCX, the same table as a printable sheet of the XLSX, a sentence in part III; a report's
figures frozen before targets existed still load and render."""

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from reports import documents, outline, workbook
from reports.figures import Figures, Point, collect
from reports.periods import report_period
from reports.tests.helpers import D, make_report
from targets.models import Target, TargetReading, TargetSnapshot
from targets.selectors import rows

Q3 = report_period("q3", 2026)
CUTOFF = D(2026, 9, 14)


@pytest.fixture
def targets(plan, org):
    common = {"plan": plan, "agency": org.agency, "due_date": D(2026, 12, 31), "measure": "manual"}
    rate = Target.objects.create(code="CT01", name="Tỷ lệ hồ sơ đúng hạn", target_value=95, baseline=70, **common)
    TargetReading.objects.create(target=rate, as_of=D(2026, 8, 1), value=90)
    TargetReading.objects.create(target=rate, as_of=D(2026, 10, 1), value=99)  # after the cut-off
    for day, value in ((D(2026, 6, 30), 80), (D(2026, 7, 31), 85), (D(2026, 9, 30), 99)):
        TargetSnapshot.objects.create(
            target=rate, period_end=day, period_label=f"{day:%m/%Y}", value=value, status="on_track"
        )
    late = Target.objects.create(
        code="CT02", name="Số hồ sơ quá hạn", unit="hồ sơ", direction="zero", order=2, **common
    )
    TargetReading.objects.create(target=late, as_of=D(2026, 9, 1), value=3)
    Target.objects.create(code="CT03", name="Ban hành quy chế", unit="", direction="yes", order=3, **common)
    return [rate, late]


def _docx(report, figures):
    return Document(io.BytesIO(documents.report_docx(report, figures, outline.parts(figures, report.texts))))


def test_the_report_table_says_what_the_pages_say_for_the_cut_off(org, plan, targets):
    figures = collect(org.agency, Q3, as_of=CUTOFF)
    page = rows(Target.objects.filter(plan=plan), today=CUTOFF)
    assert [(t.code, t.value, t.status, t.as_of) for t in figures.targets] == [
        (r.target.code, r.actual.value, r.status, r.actual.as_of) for r in page
    ]
    rate, late, rule = figures.targets
    assert rate.value == Decimal(90) and rate.as_of == D(2026, 8, 1)  # the reading of 01/10 came later
    assert rate.history == [Point(D(2026, 6, 30), Decimal(80)), Point(D(2026, 7, 31), Decimal(85))]
    assert late.status == "off_track" and rule.status == "no_data"
    table = figures.table("targets")
    assert table.number == "VII" and [t.number for t in figures.tables[:6]] == ["I", "II", "III", "IV", "V", "VI"]
    assert table.rows[0] == [
        "CT01",
        "Tỷ lệ hồ sơ đúng hạn",
        "%",
        Decimal(70),
        "≥ 95 %",
        "90 %",
        D(2026, 8, 1),
        rate.status_label,
    ]
    assert table.rows[1][4:6] == ["0 hồ sơ", "3 hồ sơ"] and table.rows[2][4:6] == ["Hoàn thành", "Chưa có số liệu"]
    (sentence,) = outline.targets_sentence(figures)
    assert "3 chỉ tiêu" in sentence and "1 chỉ tiêu không đạt hoặc chậm tiến độ" in sentence
    assert "Phụ lục VII" in sentence


def test_the_docx_prints_the_appendix_and_a_chart_per_target_with_history(org, plan, targets):
    figures = collect(org.agency, Q3, as_of=CUTOFF)
    report = make_report(org, kind="q3")
    doc = _docx(report, figures)
    text = [p.text for p in doc.paragraphs]
    assert "Phụ lục VII" in text and "KẾT QUẢ THỰC HIỆN CHỈ TIÊU CỦA KẾ HOẠCH" in text
    # the charts are those of the targets the report must explain (off track or at risk)
    line = next(t for t in figures.targets if t.code == "CT01")
    assert line.status == "on_track" and documents.CHARTS_TITLE not in text and not doc.inline_shapes
    line.status = "off_track"
    for other in figures.targets:
        if other.code != "CT01":
            other.status = "at_risk"
    charted = _docx(report, figures)
    assert documents.CHARTS_TITLE in [p.text for p in charted.paragraphs]
    assert len(charted.inline_shapes) == 1  # CT01 only: CT02 has one value, CT03 none
    grid = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mã")
    assert [c.text for c in grid.rows[1].cells][:6] == ["CT01", "Tỷ lệ hồ sơ đúng hạn", "%", "70", "≥ 95 %", "90 %"]


def test_the_workbook_has_the_same_table_as_a_sheet(org, plan, targets):
    figures = collect(org.agency, Q3, as_of=CUTOFF)
    book = load_workbook(io.BytesIO(workbook.tables_workbook(figures.tables, "Báo cáo quý III")))
    sheet = book["Phụ lục VII"]
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "CT01"]
    assert values and values[0][3] == 70 and values[0][5] == "90 %"


def test_the_targets_survive_the_snapshot_round_trip(org, plan, targets):
    figures = collect(org.agency, Q3, as_of=CUTOFF)
    again = Figures.from_json(figures.to_json())
    assert again.targets == figures.targets and again.table("targets") == figures.table("targets")


def test_a_snapshot_frozen_before_targets_still_loads_and_renders(org, plan, targets):
    data = collect(org.agency, Q3, as_of=CUTOFF).to_json()
    del data["targets"]  # as frozen before issue 22
    data["tables"] = [t for t in data["tables"] if t["key"] != "targets"]
    for table in data["tables"]:
        table.pop("right_from"), table.pop("centre")
    old = Figures.from_json(data)
    assert old.targets == [] and old.table("targets") is None and outline.targets_sentence(old) == []
    doc = _docx(make_report(org, kind="q3"), old)
    text = [p.text for p in doc.paragraphs]
    assert "Phụ lục VI" in text and "Phụ lục VII" not in text and not doc.inline_shapes


def test_a_plan_without_targets_keeps_six_appendices(org, plan):
    figures = collect(org.agency, Q3, as_of=CUTOFF)
    assert figures.targets == [] and [t.key for t in figures.tables][-1] == "sipas"
