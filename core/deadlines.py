"""Due dates of administrative procedures in Vietnamese working days (pure: no ORM, no clock).

one_stop.md §5 and §7: day 0 is the reception date if it is a working day and the dossier came
before the cut-off (15:00 by default, per procedure, or none); otherwise the next working day.
`working_days` N: the N-th working day after day 0; `days` N: day 0 + N calendar days, moved to
the next working day if needed; `months` N (extension): the same day N months later, clamped to
the month's end, then moved likewise; `hours` N: N office hours from the reception time through
the office-hours table on working days. A dossier is due at the end of its due date (Civil Code
art. 148).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.calendar import WorkingCalendar

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_CUTOFF = dt.time(15, 0)
UNITS = ("working_days", "days", "hours", "months")
END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class OfficeHours:
    """Periods of the working day, in order (default 07:30-11:30 and 13:30-17:00)."""

    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 0)),
    )

    def __post_init__(self) -> None:
        last = dt.time.min
        for start, end in self.periods:
            if not last <= start < end:
                raise ValueError("office hours must be increasing, non-overlapping periods")
            last = end

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """'07:30-11:30,13:30-17:00'."""
        periods = []
        for part in text.split(","):
            start, _sep, end = part.strip().partition("-")
            periods.append((dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())))
        return cls(tuple(periods))


@dataclass(frozen=True)
class Due:
    """The due date (the dossier is due at its end) and, for hour limits, the time shown to staff."""

    day0: dt.date | None
    date: dt.date
    time: dt.time | None = None

    @property
    def due_at(self) -> dt.datetime:
        """The end of the due date, local time: what on-time checks compare with."""
        return dt.datetime.combine(self.date, END_OF_DAY, tzinfo=LOCAL)

    def as_data(self) -> dict[str, str | None]:
        return {
            "day0": self.day0.isoformat() if self.day0 else None,
            "due_date": self.date.isoformat(),
            "due_time": self.time.strftime("%H:%M") if self.time else None,
            "due_at": self.due_at.isoformat(),
        }


def local(moment: dt.datetime) -> dt.datetime:
    """Local wall-clock time of a moment (a naive datetime is taken as local already)."""
    return moment.astimezone(LOCAL).replace(tzinfo=None) if moment.tzinfo else moment


def day_zero(received: dt.datetime, cal: WorkingCalendar, cutoff: dt.time | None = DEFAULT_CUTOFF) -> dt.date:
    """The effective reception day."""
    moment = local(received)
    day = moment.date()
    if not cal.is_working_day(day):
        return cal.next_working_day(day)
    if cutoff is not None and moment.time() >= cutoff:
        return cal.next_working_day(day)
    return day


def _working_or_next(day: dt.date, cal: WorkingCalendar) -> dt.date:
    return day if cal.is_working_day(day) else cal.next_working_day(day)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def add_office_hours(
    received: dt.datetime, hours: int, cal: WorkingCalendar, office: OfficeHours = OfficeHours()
) -> dt.datetime:
    """The moment `hours` office hours after `received` (local, naive), counting only the
    office periods of working days."""
    remaining = dt.timedelta(hours=hours)
    moment = local(received)
    day = moment.date()
    for _ in range(3660):
        if cal.is_working_day(day):
            for start, end in office.periods:
                begin = max(moment, dt.datetime.combine(day, start))
                finish = dt.datetime.combine(day, end)
                if begin >= finish:
                    continue
                available = finish - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time.min)
    raise ValueError("no office hours within ten years: check the calendar")


def due(
    received: dt.datetime,
    limit: int,
    unit: str,
    cal: WorkingCalendar,
    *,
    cutoff: dt.time | None = DEFAULT_CUTOFF,
    office: OfficeHours = OfficeHours(),
) -> Due:
    if unit not in UNITS:
        raise ValueError(f"unknown limit unit {unit!r}; expected one of: {', '.join(UNITS)}")
    if limit < 0:
        raise ValueError("the time limit cannot be negative")
    if unit == "hours":
        moment = add_office_hours(received, limit, cal, office)
        return Due(day0=None, date=moment.date(), time=moment.time())
    start = day_zero(received, cal, cutoff)
    if unit == "working_days":
        day = cal.add_working_days(start, limit)
    elif unit == "days":
        day = _working_or_next(start + dt.timedelta(days=limit), cal)
    else:
        day = _working_or_next(_add_months(start, limit), cal)
    return Due(day0=start, date=day)


def parse_cutoff(text: str | None) -> dt.time | None:
    """'15:00' -> 15:00; 'none' or '' -> no cut-off."""
    if text is None:
        return DEFAULT_CUTOFF
    if text.strip().lower() in ("", "none", "no", "khong"):
        return None
    return dt.time.fromisoformat(text.strip())
