"""The report's figures (reports.figures), hand-checked: tasks at the window's end, the one-stop
table (biểu 06a) of the quarter."""

from plans.models import Plan
from reports.figures import collect, report_plan
from reports.periods import report_period


def test_task_counts_at_the_window_end(org, tasks):
    year = collect(org.agency, report_period("year", 2026))
    assert (year.tasks.total, year.tasks.done, year.tasks.done_late, year.tasks.open, year.tasks.overdue) == (
        4,
        2,
        1,
        2,
        1,
    )
    q1 = collect(org.agency, report_period("q1", 2026))
    assert (q1.tasks.done, q1.tasks.open, q1.tasks.overdue) == (1, 3, 0)
    assert [t.code for t in q1.done_in_window[3]] == ["T1"]


def test_one_stop_table_of_the_quarter(org, dossiers):
    figures = collect(org.agency, report_period("q1", 2026))
    table = next(t for t in figures.tables if t.key == "06a")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows == {
        "Xây dựng": [2, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0],
        "Đầu tư": [4, 1, 2, 1, 2, 1, 0, 1, 2, 1, 1],
    }
    assert table.total == ["Tổng cộng", 6, 2, 3, 1, 3, 2, 0, 1, 3, 2, 1]
    assert "15/12/2025" in table.period and "14/03/2026" in table.period


def test_the_annex_tables_in_the_reports_order_each_with_its_period_and_source(org, tasks, dossiers):
    figures = collect(org.agency, report_period("year", 2026))
    assert [t.key for t in figures.tables] == ["tasks", "766", "06a", "feedback", "sipas"]
    assert all(t.period and t.source and len(t.header) == len(t.widths) for t in figures.tables)
    table = figures.tables[0]
    assert [sum(row[i] for row in table.rows) for i in range(1, 6)] == table.total[1:] == [4, 2, 1, 2, 1]
    assert table.source == "Kế hoạch 125/KH-BQLKKTCK; hệ thống theo dõi nhiệm vụ"
    assert figures.dossiers == {"received": 6, "resolved": 4, "pending": 2}  # D6 ended 20/03, in the year


def test_the_next_periods_tasks_are_the_open_ones_due_within_a_quarter(org, tasks):
    # the year's window ends 14/12/2026: T3 (30/06/2026) and T4 (31/01/2027) are open and due by 16/03/2027
    year = collect(org.agency, report_period("year", 2026))
    assert [t.code for t in year.next_tasks] == ["T3", "T4"]
    # Q1 ends 14/03/2026: T3's 30/06 is beyond 14/06
    assert collect(org.agency, report_period("q1", 2026)).next_tasks == []


def test_the_issued_plan_is_reported_before_a_newer_draft(org, plan):
    Plan.objects.create(agency=org.agency, year=2026, title="Kế hoạch bổ sung", status="draft")
    assert report_plan(org.agency, 2026) == plan
    assert report_plan(org.agency, 2027) is None


def test_an_agency_without_a_plan_reports_no_tasks(org):
    figures = collect(org.agency, report_period("q1", 2026))
    assert figures.plan is None and figures.tasks.total == 0 and figures.tasks.done_percent is None
    assert figures.tables[0].rows == [] and figures.tables[0].total == ["Tổng cộng", 0, 0, 0, 0, 0]
    assert figures.tables[2].total == ["Tổng cộng"] + [0] * 11
