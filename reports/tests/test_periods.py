"""The reporting regime's windows and due dates (reports_nd30.md §1, table for 2026)."""

import datetime as dt

import pytest

from reports.periods import report_period

D = dt.date


@pytest.mark.parametrize(
    ("kind", "start", "end", "due", "target"),
    [
        ("q1", D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 20), D(2026, 3, 20)),  # Fri
        ("half", D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 20), D(2026, 6, 19)),  # Sat -> Fri
        ("q3", D(2026, 6, 15), D(2026, 9, 14), D(2026, 9, 20), D(2026, 9, 18)),  # Sun -> Fri
        ("nine", D(2025, 12, 15), D(2026, 9, 14), D(2026, 9, 20), D(2026, 9, 18)),
        ("year", D(2025, 12, 15), D(2026, 12, 14), D(2026, 12, 20), D(2026, 12, 18)),
    ],
)
def test_windows_and_due_dates_of_2026(kind, start, end, due, target, cal):
    period = report_period(kind, 2026)
    assert (period.start, period.end, period.due, period.reminder_target(cal)) == (start, end, due, target)


def test_labels_and_the_766_calendar_period():
    assert report_period("q1", 2026).label == "quý I năm 2026"
    assert report_period("year", 2026).label == "năm 2026"
    assert report_period("half", 2026).label == "6 tháng đầu năm 2026"
    assert (report_period("q3", 2026).calendar_kind, report_period("q3", 2026).calendar_number) == ("quarter", 3)
    assert report_period("nine", 2026).window_text() == "từ ngày 15/12/2025 đến ngày 14/09/2026"
    with pytest.raises(ValueError, match="unknown report kind"):
        report_period("q2", 2026)
