"""`manage.py targets`: the same objects as the API in JSON, an aligned table in text, and
`--snapshots` taking the missing period-end values."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from targets.models import TargetSnapshot
from targets.selectors import row_for
from targets.serialize import as_data
from targets.tests.conftest import DAY


def run(*args):
    out = StringIO()
    call_command("targets", *args, stdout=out)
    return out.getvalue()


def test_json_is_the_api_objects(targets_of_each_kind):
    data = json.loads(run("--agency", "BQLKKTCK", "--year", "2026", "--format", "json", "--as-of", "2026-07-15"))
    assert [item["code"] for item in data] == ["CT01", "CT02", "CT03", "CT04"]
    series = next(item for item in data if item["code"] == targets_of_each_kind.series.code)
    assert series == as_data(row_for(targets_of_each_kind.series, today=DAY))
    assert series["actual"] == "60.00" and series["status"] == "off_track"


def test_text_is_an_aligned_table(targets_of_each_kind):
    text = run("--agency", "BQLKKTCK", "--year", "2026", "--format", "text", "--as-of", "15/07/2026")
    lines = text.splitlines()
    with translation.override("vi"):
        header = [translation.gettext("Code"), translation.gettext("Actual"), translation.gettext("Status")]
        off_track = translation.gettext("Off track")
    assert all(word in lines[0] for word in header)
    assert set(lines[1]) == {"-", " "}
    body = lines[2:6]
    assert [line.split()[0] for line in body] == ["CT01", "CT02", "CT03", "CT04"]
    # the columns line up: each column starts at the same place on every line
    status_column = lines[0].index(header[2])
    assert all(line[status_column - 1] == " " for line in body)
    series_line = next(line for line in body if line.startswith(targets_of_each_kind.series.code))
    assert "60/100 (60,00 %)" in series_line and off_track in series_line and "30/06/2026" in series_line
    assert lines[6].startswith("4 ")  # the count per status


def test_snapshots(targets_of_each_kind):
    out = run("--snapshots", "--as-of", "2026-08-01")
    assert TargetSnapshot.objects.count() == 28 and "28" in out
    assert "0" in run("--snapshots", "--agency", "BQLKKTCK", "--as-of", "2026-08-01")


@pytest.mark.parametrize(
    "args",
    [("--agency", "NO-SUCH", "--year", "2026"), ("--year", "2026"), ("--agency", "BQLKKTCK", "--as-of", "15.07.2026")],
)
def test_bad_arguments_exit_2(args, db, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("targets", *args, stdout=StringIO(), stderr=StringIO())
    assert stopped.value.code == 2
