"""The report's parts (reports.outline): the province's outline, what the system writes in each from
the figures (as of the cut-off, in sentences a person writes), and the parts the Office must write."""

import re

import pytest

from plans.models import Task
from reports.figures import collect
from reports.outline import OFFICE_KEYS, PART_KEYS, basis_lines, missing_parts, parts
from reports.periods import report_period
from reports.tests.helpers import D

YEAR_END = D(2026, 12, 14)
OFFICE = {"III.1": "Ưu điểm.", "III.2": "Hạn chế.", "III.3.a": "Khách quan.", "III.3.b": "Chủ quan.", "V": "Đề nghị."}


def by_key(figures, texts=None):
    return {p.key: p for p in parts(figures, texts or {})}


def test_the_outline_of_the_guidance_in_order():
    assert PART_KEYS == [
        "I",
        "II",
        "II.1",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.6",
        "II.7",
        "III",
        "III.1",
        "III.2",
        "III.3",
        "III.3.a",
        "III.3.b",
        "IV",
        "V",
    ]
    assert OFFICE_KEYS == ["III.1", "III.2", "III.3.a", "III.3.b", "V"]


def test_the_office_parts_are_missing_until_written_and_have_no_system_text(org, tasks):
    figures = collect(org.agency, report_period("q1", 2026))
    assert [p.key for p in missing_parts(figures, {})] == OFFICE_KEYS
    assert missing_parts(figures, OFFICE) == []
    shown = by_key(figures, {"V": "Đề nghị Sở Nội vụ tập huấn.", "X": "ignored"})
    assert all(shown[key].office and shown[key].auto == [] for key in OFFICE_KEYS)
    assert shown["V"].paragraphs == ["Đề nghị Sở Nội vụ tập huấn."] and not shown["V"].missing
    assert [p.key for p in shown.values() if not p.editable] == ["II", "III.3"]


def test_the_offices_edit_of_the_system_paragraphs_replaces_them(org, tasks):
    figures = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    shown = by_key(figures, {"III:system": "Đến nay đã hoàn thành một nửa nhiệm vụ.\n\n"})
    assert shown["III"].system_edited and shown["III"].auto == ["Đến nay đã hoàn thành một nửa nhiệm vụ."]
    assert shown["III"].generated[0].startswith("Đến hết ngày 14/12/2026, đã hoàn thành 2/4 nhiệm vụ")
    assert not shown["IV"].system_edited


def test_the_sipas_line_names_the_survey_period_not_the_data_window(org, tasks):
    """SIPAS is computed over a whole period, not over the report's data window."""
    figures = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    lines = [line for line in by_key(figures)["II.7"].auto if "khảo sát" in line]
    assert lines and figures.sipas.period_text
    assert all(figures.sipas.period_text in line and figures.window_text not in line for line in lines)


def test_part_i_without_a_plan_says_so_and_no_zero_counts(org):
    part_i = by_key(collect(org.agency, report_period("q1", 2026)))["I"]
    assert part_i.auto == [
        f"Tại ngày 14/03/2026, {org.agency.short_name or org.agency.name} chưa có kế hoạch cải cách hành chính "
        "năm 2026 trên hệ thống.",
        "Trong kỳ chưa tổ chức kiểm tra công tác cải cách hành chính.",
    ]


def test_part_i_counts_the_whole_plan_and_names_its_appendices(org, tasks):
    part_i = by_key(collect(org.agency, report_period("year", 2026), as_of=YEAR_END))["I"]
    who = org.agency.short_name or org.agency.name
    assert (
        part_i.auto[0]
        == f"{who} đã ban hành Kế hoạch số 125/KH-BQLKKTCK 2026 để triển khai công tác cải cách hành chính năm 2026."
    )
    assert part_i.auto[1] == (
        "Kế hoạch có 4 nhiệm vụ; đã hoàn thành 2 nhiệm vụ (50,00%), trong đó 1 nhiệm vụ hoàn thành sau thời hạn; "
        "2 nhiệm vụ đang thực hiện, trong đó 1 nhiệm vụ đã quá thời hạn (số liệu tính đến hết ngày 14/12/2026; "
        "chi tiết tại Phụ lục I và Phụ lục II)."
    )
    assert "Cơ quan" not in " ".join(part_i.auto)


def test_a_domain_part_planned_done_with_evidence_figures_and_overdue(org, tasks, dossiers):
    shown = by_key(collect(org.agency, report_period("year", 2026), as_of=YEAR_END))
    procedures = shown["II.2"].auto  # T1 (done) and T2 (done late) of PAR domain 3
    assert procedures[0].startswith("Kế hoạch giao lĩnh vực này 2 nhiệm vụ; đã hoàn thành 2 nhiệm vụ (100,00%)")
    assert procedures[1] == "Các nhiệm vụ hoàn thành trong kỳ (từ ngày 15/12/2025 đến hết ngày 14/12/2026):"
    assert procedures[2].startswith("- ") and "hoàn thành ngày 10/03/2026); sản phẩm: báo cáo." in procedures[2]
    assert any(
        line.startswith("Giải quyết TTHC (từ ngày 15/12/2025 đến hết ngày 14/12/2026): tổng số hồ sơ 6")
        for line in procedures
    )
    assert any("(chi tiết tại Phụ lục III)" in line for line in procedures)
    assert any(line.startswith("Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg") for line in procedures)
    who = org.agency.short_name or org.agency.name
    assert procedures[-1] == f"Trong kỳ, {who} không nhận được phản ánh, kiến nghị về quy định hành chính, TTHC."
    # II.1's only task (T5) was cancelled: a sentence, never an empty part
    assert shown["II.1"].auto == ["Kế hoạch cải cách hành chính năm 2026 không giao nhiệm vụ về cải cách thể chế."]
    assert "chưa được công bố" in shown["II.7"].auto[-1]  # too few forms in the fixture


def test_the_direction_part_lists_overdue_tasks(org, tasks):
    shown = by_key(collect(org.agency, report_period("year", 2026), as_of=YEAR_END))
    assert f"- {tasks[2].title} ({org.unit_a.label}, thời hạn 30/06/2026)." in shown["I"].auto


def test_next_period_and_overdue_tasks_apart(org, tasks):
    shown = by_key(collect(org.agency, report_period("year", 2026), as_of=YEAR_END))
    assert shown["IV"].auto == [
        "1. Các nhiệm vụ thực hiện trong kỳ tới (đến ngày 14/03/2027):",
        f"- Niêm yết công khai 100% TTHC ({org.unit_a.label}, thời hạn 31/01/2027).",
        "2. Các nhiệm vụ đã quá thời hạn, cần tập trung hoàn thành:",
        f"- {tasks[2].title} ({org.unit_a.label}, thời hạn 30/06/2026).",
    ]
    # a deadline passed at the cut-off is never a plan for the next period
    assert not any("thời hạn 30/06/2026" in line for line in shown["IV"].auto[:2])


def test_a_remedy_is_named_as_a_task(org, tasks):
    Task.objects.filter(pk=tasks[3].pk).update(title="Khắc phục: Chưa số hóa thành phần hồ sơ.")
    shown = by_key(collect(org.agency, report_period("year", 2026), as_of=YEAR_END))
    assert (
        "- Khắc phục tồn tại qua kiểm tra CCHC: chưa số hóa thành phần hồ sơ "
        f"({org.unit_a.label}, thời hạn 31/01/2027)." in shown["IV"].auto
    )


def test_assessment_states_the_par_stage_never_official_before_publication(org, tasks, par_with_evidence, today):
    figures = collect(org.agency, report_period("year", today.year), as_of=today)
    text = " ".join(by_key(figures)["III"].auto)
    assert "dự thảo tự đánh giá" in text and "chính thức" not in text and "(minh họa)" not in text


def test_the_basis_is_built_from_data_only(org, plan, tasks):
    plan.legal_basis = "Kế hoạch số 252/KH-UBND ngày 23/6/2026 của UBND tỉnh Lạng Sơn về CCHC"
    plan.issued_on = D(2026, 7, 15)
    plan.save()
    year = collect(org.agency, report_period("year", 2026), as_of=YEAR_END)
    assert basis_lines(year) == [
        "Thực hiện Kế hoạch số 252/KH-UBND ngày 23/6/2026 của UBND tỉnh Lạng Sơn về CCHC;",
        f"Căn cứ Kế hoạch số 125/KH-BQLKKTCK ngày 15/07/2026 của {org.agency.name} 2026;",
    ]
    assert basis_lines(collect(org.agency, report_period("q1", 2026))) == []  # both dated after 14/03


ZERO = re.compile(r"(?<![\d.,/])0 (cuộc|tin|buổi|nhiệm vụ|hồ sơ|lượt|phản ánh)|hoàn thành 0\b")
# a rate of 0 is said with its base, never alone (a base of 0 has no rate at all)
ZERO_RATE = re.compile(r"(?<![\d,])0,00%(?! \(0/[1-9])")


@pytest.mark.parametrize("kind", ["q1", "half", "q3", "nine", "year"])
def test_no_zero_phrases_and_no_illustrative_suffix_in_any_period(org, tasks, dossiers, par_with_evidence, kind):
    figures = collect(org.agency, report_period(kind, 2026))
    for part in parts(figures, OFFICE):
        for line in part.auto:
            assert not ZERO.search(line) and not ZERO_RATE.search(line), (kind, line)
            assert "(minh họa)" not in line and "kết quả chính thức" not in line, (kind, line)
            assert "kỳ Quý" not in line and "kỳ Năm" not in line, (kind, line)
