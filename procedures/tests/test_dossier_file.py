"""procedures.dossier_file: reading a dossier file (CSV or workbook) row by row, due dates computed,
every problem located by row, column and value."""

import datetime as dt
import io

import pytest
from django.utils.translation import gettext
from openpyxl import Workbook

from core.reference import shipped_calendar
from procedures.dossier_file import COLUMNS, DossierFileError, DossierReader, parse_moment, read_dossiers, xlsx_records
from procedures.tests.helpers import SMALL_FILE as CSV

D = dt.date
T = dt.datetime


def test_file_with_vietnamese_headers_and_computed_due_dates():
    records = read_dossiers(("\ufeff" + CSV).encode(), shipped_calendar())
    assert [(r.code, r.due_date, r.channel, r.status) for r in records] == [
        ("H1", D(2026, 3, 23), "online", "finished"),
        ("H2", D(2026, 3, 23), "direct", "finished"),
        ("H3", D(2026, 2, 26), "direct", "processing"),  # after 15:00 on the eve of Tết
    ]


def test_a_bad_file_is_refused_whole_with_located_problems():
    bad = CSV.replace("09/03/2026 09:00", "31/02/2026", 1).replace(",ngày làm việc,", ",tuần,", 1)
    bad += "H2,1.001,4,2026-03-10T09:00,x,working_days,done,,2,0\n"
    with pytest.raises(DossierFileError) as error:
        read_dossiers(bad, shipped_calendar())
    found = {(p.row, p.column) for p in error.value.problems}
    assert {
        (2, "received_at"),
        (5, "dossier_code"),
        (5, "channel"),
        (5, "limit"),
        (5, "status"),
        (5, "paper_result"),
    } <= found
    with pytest.raises(DossierFileError) as error:
        read_dossiers("code,when\nA,1\n", shipped_calendar())
    assert {p.column for p in error.value.problems} == {"dossier_code", "received_at", "status", "due_at"}


def test_first_100_problems_only():
    rows = "".join(f"X{n},1.001,9,2026-03-09T09:00,10,working_days,finished,2026-03-10T09:00,0,0\n" for n in range(150))
    with pytest.raises(DossierFileError) as error:
        read_dossiers(CSV.splitlines()[0] + "\n" + rows, shipped_calendar())
    assert len(error.value.problems) == 100 and error.value.total == 150


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09/03/2026 09:05:07", T(2026, 3, 9, 9, 5, 7)),
        ("09/03/2026T09:05:07", T(2026, 3, 9, 9, 5, 7)),
        (" 09/03/2026 23:59:59 ", T(2026, 3, 9, 23, 59, 59)),
        (" 9/3/2026 09:05:07 ", T(2026, 3, 9, 9, 5, 7)),
        ("9/3/2026 9:05", T(2026, 3, 9, 9, 5)),
        ("09/03/2026", T(2026, 3, 9)),
        ("31/04/2026", None),
        ("0a/03/2026", None),
        ("2026-03-09T09:05:07+07:00", T(2026, 3, 9, 9, 5, 7)),
        ("2026-03-09T02:05:07Z", T(2026, 3, 9, 9, 5, 7)),
        ("31/02/2026 10:00:00", None),
        ("09/03/2026 24:00:00", None),
        ("+9/03/2026 09:05:07", None),
        ("09/03/2026-09:05:07", None),
        ("hôm qua", None),
        ("09/03/2026 09:05+07", None),
        ("09/03/2026 9:5:07Z", None),
    ],
)
def test_moments_in_every_accepted_form(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="dd/mm/yyyy"):
            parse_moment(text)
    else:
        assert parse_moment(text) == expected


def test_dates_outside_plausible_years_are_row_problems():
    text = (
        "dossier_code,received_at,due_at,status\n"
        "A,09/03/1900 09:00,,processing\n"
        "B,09/03/2026 09:00,31/12/9999,processing\n"
    )
    with pytest.raises(DossierFileError) as refused:
        read_dossiers(text, shipped_calendar())
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "received_at"), (3, "due_at")]
    assert "1990" in refused.value.problems[0].reason


def test_the_header_is_matched_through_the_shared_column_table():
    reader = DossierReader(shipped_calendar())
    assert reader.header(["MÃ HỒ SƠ", "received_at", "trang thai", "Ngày hẹn trả", "Khác"])
    assert reader._columns == {"dossier_code": 0, "received_at": 1, "status": 2, "due_at": 3}
    twice = DossierReader(shipped_calendar())
    assert not twice.header(["Mã hồ sơ", "dossier_code", "received_at", "status", "due_at"])
    assert [p.row for p in twice.problems] == [1] and twice.problems[0].reason == gettext(
        "column given twice (header row)"
    )
    assert {c.key for c in COLUMNS if c.required} == {"dossier_code", "received_at", "status"}


def test_a_rows_problems_come_in_the_order_of_its_columns():
    with pytest.raises(DossierFileError) as refused:
        read_dossiers("dossier_code,received_at,status,channel,due_at\n,x,y,9,z\n", shipped_calendar())
    assert [p.column for p in refused.value.problems] == ["dossier_code", "status", "channel", "received_at", "due_at"]


def test_a_workbook_row_with_native_values_and_a_limit_in_hours():
    book = Workbook()
    book.active.append(["dossier_code", "received_at", "status", "limit", "limit_unit", "paper_result", "e_result"])
    book.active.append(["W1", T(2026, 3, 9, 9), "processing", 4.0, "giờ làm việc", 1, None])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    reader = DossierReader(shipped_calendar())
    (row,) = reader.rows(xlsx_records(buffer))
    assert reader.total == 0 and (row.limit, row.limit_unit) == (4, "hours")
    assert row.due_date == D(2026, 3, 9) and row.due_time is not None
    assert row.flags["paper_result"] and not row.flags["e_result"]
