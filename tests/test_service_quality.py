"""The `service_quality` command: Decision 766 indicators of a dossier file, without the database.

(The command now lives in reports/management/commands; this test goes to reports/tests with it.)"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from procedures.tests.helpers import SMALL_FILE as CSV


def test_service_quality_command(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text(CSV, encoding="utf-8")
    out = StringIO()
    call_command(
        "service_quality",
        "--dossiers",
        str(path),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["counts"] == {"in_scope": 3, "early": 1, "on_time": 0, "late": 2, "received": 3}
    assert data["indicators"]["on_time_rate"]["rate"] == "33.33"
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("Đã xử lý xong", "xong"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "service_quality", "--dossiers", str(bad), "--from", "2026-01-01", "--to", "2026-03-31", stderr=err
        )
    assert exit_.value.code == 2 and "row 2, column status: 'xong' unknown status" in err.getvalue()
