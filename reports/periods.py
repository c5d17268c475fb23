"""The periodic CCHC reports' periods (reports_nd30.md §1): the data window of the reporting
regime (NĐ 09/2019: from the 15th of the month before the period to the 14th of its last month),
the national due date (the 20th of the last month), the reminder target (the previous working day
when the 20th is not one), and the calendar period of the 766 figures shown beside them.

Pure: no ORM, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.calendar import WorkingCalendar

# kind -> (label, last month of the period, cumulative from the start of the year, 766 period)
KINDS = {
    "q1": ("quý I", 3, True, ("quarter", 1)),
    "half": ("6 tháng đầu năm", 6, True, ("half", 1)),
    "q3": ("quý III", 9, False, ("quarter", 3)),
    "nine": ("9 tháng", 9, True, ("nine", 1)),
    "year": ("năm", 12, True, ("year", 1)),
}


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    start: dt.date  # data window, inclusive
    end: dt.date
    due: dt.date  # the national deadline (the 20th)
    calendar_kind: str  # the 766 period (procedures.selectors.period)
    calendar_number: int

    @property
    def label(self) -> str:
        """'quý I năm 2026', '6 tháng đầu năm 2026', 'năm 2026'."""
        name = KINDS[self.kind][0]
        return f"{name} {self.year}" if name.endswith("năm") else f"{name} năm {self.year}"

    def window_text(self) -> str:
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def reminder_target(self, cal: WorkingCalendar) -> dt.date:
        """The due date, or the working day before it when it is not one."""
        return self.due if cal.is_working_day(self.due) else cal.previous_working_day(self.due)


def report_period(kind: str, year: int) -> ReportPeriod:
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(KINDS)}")
    _label, last_month, cumulative, (calendar_kind, number) = KINDS[kind]
    end = dt.date(year, last_month, 14)
    if cumulative:
        start = dt.date(year - 1, 12, 15)
    else:
        start = dt.date(year, last_month - 3, 15)
    return ReportPeriod(kind, year, start, end, dt.date(year, last_month, 20), calendar_kind, number)
