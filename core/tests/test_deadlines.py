"""Due dates over the official 2026 calendar: the worked examples of one_stop.md §8."""

import datetime as dt

import pytest

from core.calendar import WorkingCalendar
from core.deadlines import LOCAL, OfficeHours, add_office_hours, day_zero, due, parse_cutoff
from core.reference import shipped_calendar

AS_SHIPPED = shipped_calendar()  # 24/11 a working day until the law is amended
OFFICIAL = WorkingCalendar(overrides={**AS_SHIPPED.overrides, dt.date(2026, 11, 24): "holiday"})  # §8: 24/11 off
PACKAGE_ONLY = WorkingCalendar()

D = dt.date


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# received, limit, unit, day 0, due (official calendar), due (package only)
EXAMPLES = [
    ("2026-01-05T09:00", 5, "working_days", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 12)),  # worked Sat 10/01
    ("2026-01-01T08:00", 3, "working_days", D(2026, 1, 5), D(2026, 1, 8), D(2026, 1, 7)),  # 02/01 off by swap
    ("2026-01-10T09:00", 3, "working_days", D(2026, 1, 10), D(2026, 1, 14), D(2026, 1, 15)),  # a worked Saturday
    ("2026-02-13T10:00", 5, "working_days", D(2026, 2, 13), D(2026, 2, 27), D(2026, 2, 27)),  # Tết
    ("2026-02-13T15:30", 3, "working_days", D(2026, 2, 23), D(2026, 2, 26), D(2026, 2, 26)),  # after 15:00
    ("2026-02-02T09:00", 15, "days", D(2026, 2, 2), D(2026, 2, 23), D(2026, 2, 23)),  # 17/02 Tết -> next
    ("2026-04-24T14:00", 5, "working_days", D(2026, 4, 24), D(2026, 5, 6), D(2026, 5, 6)),  # Giỗ Tổ observed
    ("2026-04-29T10:00", 10, "days", D(2026, 4, 29), D(2026, 5, 11), D(2026, 5, 11)),  # Sat 09/05 -> Mon
    ("2026-08-19T09:00", 3, "working_days", D(2026, 8, 19), D(2026, 8, 22), D(2026, 8, 22)),  # worked Sat 22/08
    ("2026-08-27T11:00", 5, "working_days", D(2026, 8, 27), D(2026, 9, 8), D(2026, 9, 8)),  # National Day
    ("2026-11-23T15:10", 2, "working_days", D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 27)),  # 24/11 off
    ("2026-11-20T09:00", 3, "working_days", D(2026, 11, 20), D(2026, 11, 26), D(2026, 11, 26)),
    ("2026-01-30T09:00", 1, "months", D(2026, 1, 30), D(2026, 3, 2), D(2026, 3, 2)),  # no 30/02
    ("2026-03-09T09:00", 10, "working_days", D(2026, 3, 9), D(2026, 3, 23), D(2026, 3, 23)),
]


@pytest.mark.parametrize(("received", "limit", "unit", "start", "expected", "package"), EXAMPLES)
def test_worked_examples(received, limit, unit, start, expected, package):
    result = due(at(received), limit, unit, OFFICIAL)
    assert (result.day0, result.date) == (start, expected)
    assert due(at(received), limit, unit, PACKAGE_ONLY).date == package
    assert result.due_at == dt.datetime(expected.year, expected.month, expected.day, 23, 59, 59, tzinfo=LOCAL)


def test_24_november_as_shipped_is_a_working_day():
    assert due(at("2026-11-23T15:10"), 2, "working_days", AS_SHIPPED).date == D(2026, 11, 26)
    assert due(at("2026-11-20T09:00"), 3, "working_days", AS_SHIPPED).date == D(2026, 11, 25)


def test_eight_office_hours():
    result = due(at("2026-03-10T14:00"), 8, "hours", OFFICIAL)
    assert (result.date, result.time) == (D(2026, 3, 11), dt.time(14, 30))


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        ("2026-03-10T06:00", 4, "2026-03-10T11:30"),  # before opening: counts from 07:30
        ("2026-03-10T12:00", 1, "2026-03-10T14:30"),  # lunch break does not count
        ("2026-03-10T17:30", 2, "2026-03-11T09:30"),  # after closing: next morning
        ("2026-02-13T16:00", 2, "2026-02-23T08:30"),  # 1 h on Friday, then Tết, then Monday
        ("2026-01-09T16:30", 1, "2026-01-10T08:00"),  # the worked Saturday counts
    ],
)
def test_office_hours_walk(received, hours, expected):
    assert add_office_hours(at(received), hours, OFFICIAL) == at(expected)


def test_cut_off_per_procedure_and_non_working_days():
    friday_late = at("2026-02-13T15:00")  # at 15:00 exactly: next working day
    assert day_zero(friday_late, OFFICIAL) == D(2026, 2, 23)
    assert day_zero(friday_late, OFFICIAL, cutoff=None) == D(2026, 2, 13)
    assert day_zero(at("2026-02-13T14:59"), OFFICIAL) == D(2026, 2, 13)
    assert day_zero(at("2026-01-11T10:00"), OFFICIAL, cutoff=None) == D(2026, 1, 12)  # a Sunday
    assert parse_cutoff("none") is None and parse_cutoff("16:30") == dt.time(16, 30) and parse_cutoff(None)


def test_aware_times_are_read_in_local_time():
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off
    received = dt.datetime(2026, 2, 13, 8, 30, tzinfo=dt.UTC)
    assert day_zero(received, OFFICIAL) == D(2026, 2, 23)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown limit unit"):
        due(at("2026-03-09T09:00"), 5, "weeks", OFFICIAL)
    with pytest.raises(ValueError, match="negative"):
        due(at("2026-03-09T09:00"), -1, "days", OFFICIAL)
    with pytest.raises(ValueError):
        OfficeHours.parse("13:30-17:00,07:30-11:30")
    assert OfficeHours.parse("08:00-12:00, 13:00-17:00").periods[1] == (dt.time(13), dt.time(17))


@pytest.mark.django_db
def test_due_date_command_uses_the_calendar_in_the_database():
    from io import StringIO

    from django.core.management import call_command

    from core.reference import load_calendar_overrides

    def run(*args):
        out = StringIO()
        call_command("due_date", *args, stdout=out)
        return out.getvalue().strip()

    assert run("--received", "2026-01-05T09:00", "--limit", "5") == "2026-01-12"  # no override rows yet
    load_calendar_overrides()
    assert run("--received", "2026-01-05T09:00", "--limit", "5") == "2026-01-10"  # worked Saturday
    assert run("--received", "2026-02-13T16:10", "--limit", "5", "--unit", "working_days") == "2026-03-02"
    assert run("--received", "2026-02-13T16:10", "--limit", "5", "--cutoff", "none") == "2026-02-27"
    assert run("--received", "2026-03-10T14:00", "--limit", "8", "--unit", "hours") == "2026-03-11T14:30"
    with pytest.raises(SystemExit) as exit_:
        call_command("due_date", "--received", "2026-03-10", "--limit", "x", stderr=StringIO())
    assert exit_.value.code == 2


def test_due_date_api(client, org):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_token", org.office.username, stdout=out)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {out.getvalue().strip()}"
    data = client.get("/api/v1/calendar/due-date?received=2026-08-19T09:00&limit=3").json()
    assert data == {
        "day0": "2026-08-19",
        "due_date": "2026-08-22",
        "due_time": None,
        "due_at": "2026-08-22T23:59:59+07:00",
    }
    response = client.get("/api/v1/calendar/due-date?received=2026-08-19T09:00&limit=3&unit=weeks")
    assert response.status_code == 422 and "unknown limit unit" in response.json()["detail"]
    assert client.get("/api/v1/calendar/due-date?received=2026-08-19T09:00&limit=3&cutoff=25:00").status_code == 422
