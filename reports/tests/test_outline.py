"""The report's parts (reports.outline): what the system writes in each from the figures."""

from reports.figures import collect
from reports.outline import PART_KEYS, parts
from reports.periods import report_period


def test_the_sipas_line_names_the_survey_period_not_the_data_window(org, tasks):
    """SIPAS is computed over a whole period (`sipas_period`), not over the report's data window:
    the outline's sentence names that period (issue 18 review, second pass)."""
    figures = collect(org.agency, report_period("year", 2026))
    window = figures.period.window_text()
    lines = [line for part in parts(figures, {}) for line in part.auto if "khảo sát" in line and "hài lòng" in line]
    assert lines and figures.sipas_period_text
    assert all(figures.sipas_period_text in line and window not in line for line in lines), (lines, window)


def test_the_parts_in_the_order_of_the_layout_the_results_heading_not_editable(org):
    shown = parts(collect(org.agency, report_period("q1", 2026)), {"V": "Đề nghị tập huấn.", "X": "ignored"})
    assert [p.key for p in shown] == PART_KEYS
    assert [p.key for p in shown if not p.editable] == ["II"]
    assert next(p for p in shown if p.key == "V").paragraphs == ["Đề nghị tập huấn."]


def test_part_i_without_a_plan_says_so(org):
    part_i = parts(collect(org.agency, report_period("q1", 2026)), {})[0]
    assert part_i.auto[0] == "Chưa có kế hoạch CCHC năm 2026 trên hệ thống."
    assert part_i.auto[1].startswith("Trong kỳ (từ ngày 15/12/2025 đến ngày 14/03/2026): 0 cuộc kiểm tra CCHC")


def test_part_i_counts_the_whole_plan(org, tasks):
    part_i = parts(collect(org.agency, report_period("year", 2026)), {})[0]
    assert part_i.auto[0] == "Cơ quan đã ban hành Kế hoạch số 125/KH-BQLKKTCK 2026."
    assert part_i.auto[1] == (
        "Tổng số nhiệm vụ của Kế hoạch: 4 nhiệm vụ; đã hoàn thành 2 (50,00%), trong đó 1 nhiệm vụ hoàn thành "
        "trễ hạn; chưa hoàn thành 2, trong đó 1 nhiệm vụ quá hạn (số liệu tính đến ngày 14/12/2026)."
    )


def test_a_domain_part_counts_its_tasks_lists_those_done_then_adds_its_own_figures(org, tasks, dossiers):
    by_key = {p.key: p for p in parts(collect(org.agency, report_period("year", 2026)), {})}
    procedures = by_key["II.2"].auto  # T1 (done) and T2 (done late) of PAR domain 3
    assert procedures[0].startswith("Nhiệm vụ của lĩnh vực: 2 nhiệm vụ; đã hoàn thành 2 (100,00%)")
    assert procedures[1] == "Các nhiệm vụ hoàn thành trong kỳ (từ ngày 15/12/2025 đến ngày 14/12/2026):"
    assert [line[:2] for line in procedures[2:4]] == ["- ", "- "] and "hoàn thành ngày 10/03/2026" in procedures[2]
    assert procedures[4].startswith("Giải quyết TTHC (từ ngày 15/12/2025 đến ngày 14/12/2026): tổng số hồ sơ 6")
    assert procedures[5].startswith("Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg")
    assert procedures[6].startswith("Tiếp nhận 0 phản ánh, kiến nghị")
    assert by_key["II.1"].auto == []  # its only task (T5) was cancelled
    assert by_key["II.7"].auto[-1].startswith("Chưa đủ phiếu khảo sát để công bố chỉ số hài lòng")
    assert by_key["IV"].auto == [
        "Các nhiệm vụ chưa hoàn thành cần tập trung thực hiện:",
        f"- {tasks[2].title} ({org.unit_a.name}, thời hạn 30/06/2026).",
        f"- Niêm yết công khai 100% TTHC ({org.unit_a.name}, thời hạn 31/01/2027).",
    ]
    assert by_key["III"].auto == [
        "Đến ngày 14/12/2026, cơ quan hoàn thành 50,00% nhiệm vụ của Kế hoạch; 1 nhiệm vụ quá hạn."
    ]
