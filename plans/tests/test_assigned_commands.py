"""The commands of the register: `import_assigned_tasks FILE --agency CODE [--dry-run]` (all rows or
none, problems on stderr with exit status 2) and `assigned_tasks --agency CODE --year Y --format`."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from plans.models import AssignedTask

D = dt.date
HEADER = ["Số ký hiệu văn bản", "Ngày văn bản", "Nội dung nhiệm vụ", "Hạn xử lý", "Tình trạng", "Ngày hoàn thành"]


def write(tmp_path, rows):
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    path = tmp_path / "nv.xlsx"
    wb.save(path)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_dry_run_then_a_refused_file(org, tmp_path):
    good = write(
        tmp_path,
        [
            ["1/UBND-KT", "02/01/2026", "Nhiệm vụ 1", "15/01/2026", "Hoàn thành", "14/01/2026"],
            ["2/UBND-KT", "02/01/2026", "Nhiệm vụ 2", "15/02/2026", "Hoàn thành", "20/02/2026"],
        ],
    )
    out, _err = run("import_assigned_tasks", good, "--agency", "BQLKKTCK", "--dry-run")
    assert "2 rows checked" in out and not AssignedTask.objects.exists()
    out, _err = run("import_assigned_tasks", good, "--agency", "BQLKKTCK")
    assert "2 created" in out and AssignedTask.objects.filter(agency=org.agency).count() == 2
    bad = write(tmp_path, [["3/UBND-KT", "02/01/2026", "Nhiệm vụ 3", "15/13/2026", "", ""]])
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_assigned_tasks", bad, "--agency", "BQLKKTCK", stderr=err)
    assert exit_.value.code == 2 and "row 2, column Hạn xử lý" in err.getvalue()
    assert not AssignedTask.objects.filter(code="3/UBND-KT").exists()


def test_the_list_and_its_on_time_rate_as_json(org, tmp_path):
    path = write(
        tmp_path,
        [
            ["1/UBND-KT", "02/01/2026", "Nhiệm vụ 1", "15/01/2026", "Hoàn thành", "14/01/2026"],
            ["2/UBND-KT", "02/01/2026", "Nhiệm vụ 2", "15/02/2026", "Hoàn thành", "20/02/2026"],
        ],
    )
    run("import_assigned_tasks", path, "--agency", "BQLKKTCK")
    out, _err = run("assigned_tasks", "--agency", "BQLKKTCK", "--year", "2026", "--format", "json")
    body = json.loads(out)
    assert [t["on_time"] for t in body["tasks"]] == [True, False]
    year = body["on_time"][-1]
    assert (year["period"], year["due"], year["on_time"], year["rate"]) == ("2026", 2, 1, "50.0")
    text, _err = run("assigned_tasks", "--agency", "BQLKKTCK", "--year", "2026")
    assert "2 assigned tasks" in text and "50,0" in text
