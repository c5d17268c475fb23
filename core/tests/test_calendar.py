"""The working-day calendar against the official 2026 civil-servant calendar (one_stop.md §6)."""

import datetime as dt

import pytest

from core.calendar import REMOVE_HOLIDAY, WorkingCalendar
from core.reference import DATA_DIR

D = dt.date


@pytest.fixture(scope="module")
def official():
    import yaml

    rows = yaml.safe_load((DATA_DIR / "calendar.yaml").read_text(encoding="utf-8"))
    return WorkingCalendar(overrides={row["date"]: row["kind"] for row in rows})


@pytest.fixture(scope="module")
def package_only():
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working", "package_working"),
    [
        (D(2026, 1, 1), False, False),  # Tết Dương lịch
        (D(2026, 1, 2), False, True),  # swapped day off: the package alone gets it wrong
        (D(2026, 1, 10), True, False),  # worked Saturday: the package alone gets it wrong
        (D(2026, 2, 13), True, True),
        (D(2026, 2, 16), False, False),
        (D(2026, 2, 20), False, False),
        (D(2026, 2, 23), True, True),
        (D(2026, 4, 27), False, False),  # Giỗ Tổ compensatory Monday
        (D(2026, 4, 30), False, False),
        (D(2026, 5, 1), False, False),
        (D(2026, 8, 22), True, True),  # worked Saturday
        (D(2026, 8, 31), False, False),  # swapped day off
        (D(2026, 9, 1), False, False),
        (D(2026, 9, 2), False, False),
        (D(2026, 9, 3), True, True),
        (D(2026, 11, 24), True, False),  # Ngày Văn hóa: pending, kept as a working day by override
        (D(2026, 11, 28), False, False),  # an ordinary Saturday
    ],
)
def test_official_2026_days(official, package_only, day, working, package_working):
    assert official.is_working_day(day) is working
    assert package_only.is_working_day(day) is package_working


def test_days_off_in_2026_total_25_with_weekends(official):
    spans = [
        (D(2026, 1, 1), D(2026, 1, 4)),
        (D(2026, 2, 14), D(2026, 2, 22)),
        (D(2026, 4, 25), D(2026, 4, 27)),
        (D(2026, 4, 30), D(2026, 5, 3)),
        (D(2026, 8, 29), D(2026, 9, 2)),
    ]
    days = [start + dt.timedelta(n) for start, end in spans for n in range((end - start).days + 1)]
    assert len(days) == 25
    assert not any(official.is_working_day(d) for d in days)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 1, 5), 5, D(2026, 1, 10)),  # example 1: ends on the worked Saturday
        (D(2026, 1, 10), 3, D(2026, 1, 14)),  # example 3
        (D(2026, 2, 13), 5, D(2026, 2, 27)),  # example 4: across Tết
        (D(2026, 4, 24), 5, D(2026, 5, 6)),  # example 7
        (D(2026, 8, 19), 3, D(2026, 8, 22)),  # example 9
        (D(2026, 8, 27), 5, D(2026, 9, 8)),  # example 10
        (D(2026, 3, 9), 10, D(2026, 3, 23)),  # example 14
        (D(2026, 3, 23), -1, D(2026, 3, 20)),
        (D(2026, 3, 23), 0, D(2026, 3, 23)),
    ],
)
def test_add_working_days(official, start, count, expected):
    assert official.add_working_days(start, count) == expected


def test_package_only_differs_where_the_domain_says(package_only):
    assert package_only.add_working_days(D(2026, 1, 5), 5) == D(2026, 1, 12)


def test_ngay_van_hoa_as_holiday_changes_deadlines(official):
    with_holiday = WorkingCalendar(overrides={**official.overrides, D(2026, 11, 24): "holiday"})
    assert with_holiday.add_working_days(D(2026, 11, 20), 3) == D(2026, 11, 26)  # example 12
    assert official.add_working_days(D(2026, 11, 20), 3) == D(2026, 11, 25)


def test_working_days_between_is_half_open_and_antisymmetric(official):
    assert official.working_days_between(D(2026, 3, 9), D(2026, 3, 23)) == 10
    assert official.working_days_between(D(2026, 3, 23), D(2026, 3, 9)) == -10
    assert official.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0


def test_previous_and_next_skip_holidays(official):
    assert official.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)
    assert official.previous_working_day(D(2026, 2, 23)) == D(2026, 2, 13)


def test_unknown_override_kind_is_refused():
    with pytest.raises(ValueError, match="unknown calendar override"):
        WorkingCalendar(overrides={D(2026, 1, 1): "vacation"})


def test_remove_holiday_on_a_weekend_stays_a_day_off():
    cal = WorkingCalendar(overrides={D(2026, 4, 26): REMOVE_HOLIDAY})  # Sunday
    assert not cal.is_working_day(D(2026, 4, 26))
