"""Vietnamese working-day calendar (pure: no ORM, no clock).

Working day <=> (Mon-Fri or a swapped working Saturday) and not (holiday or swapped day off).
The `holidays` package supplies the legal holidays; override rows (admin table
`CalendarOverride`, see one_stop.md §6) take precedence over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import holidays

HOLIDAY = "holiday"
SWAP_OFF = "swap_off"
SWAP_WORK = "swap_work"
REMOVE_HOLIDAY = "remove_holiday"
OVERRIDE_KINDS = (HOLIDAY, SWAP_OFF, SWAP_WORK, REMOVE_HOLIDAY)

ONE_DAY = dt.timedelta(days=1)
# Guard against an endless walk if a calendar is misconfigured (e.g. every day marked off).
_MAX_WALK = 3660


@dataclass
class WorkingCalendar:
    overrides: Mapping[dt.date, str] = field(default_factory=dict)
    use_package: bool = True

    def __post_init__(self) -> None:
        unknown = {k for k in self.overrides.values() if k not in OVERRIDE_KINDS}
        if unknown:
            raise ValueError(f"unknown calendar override kind(s): {sorted(unknown)}")
        self._package = holidays.country_holidays("VN") if self.use_package else None
        self._added: dict[tuple[dt.date, int], dt.date] = {}  # add_working_days, memoised
        self._between: dict[tuple[dt.date, dt.date], int] = {}  # working_days_between, memoised

    def is_holiday(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind in (HOLIDAY, SWAP_OFF):
            return True
        if kind in (REMOVE_HOLIDAY, SWAP_WORK):
            return False
        return self._package is not None and day in self._package

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind == SWAP_WORK:
            return True
        if kind in (HOLIDAY, SWAP_OFF):
            return False
        if kind == REMOVE_HOLIDAY:
            return day.weekday() < 5
        if self._package is None:
            return day.weekday() < 5
        return bool(self._package.is_working_day(day))

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self._walk(day, ONE_DAY)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day`."""
        return self._walk(day, -ONE_DAY)

    def _walk(self, day: dt.date, step: dt.timedelta) -> dt.date:
        for _ in range(_MAX_WALK):
            day = day + step
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within ten years: check the calendar overrides")

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (count 0 returns `day`; negative goes back)."""
        key = (day, count)
        found = self._added.get(key)
        if found is None:
            step = self.next_working_day if count >= 0 else self.previous_working_day
            found = day
            for _ in range(abs(count)):
                found = step(found)
            if len(self._added) < 100_000:  # a calendar lives as long as its overrides (load_calendar)
                self._added[key] = found
        return found

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        key = (start, end)
        count = self._between.get(key)
        if count is None:
            count, day = 0, start
            while day < end:
                day += ONE_DAY
                if self.is_working_day(day):
                    count += 1
            if len(self._between) < 100_000:  # as _added: lives as long as the calendar
                self._between[key] = count
        return count

    def working_days_in(self, days: Iterable[dt.date]) -> list[dt.date]:
        return [d for d in days if self.is_working_day(d)]
