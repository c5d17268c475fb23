"""The `sipas_index` command (sipas.md §10): the index of an exchange file as JSON or text, and a
bad file refused with its problems and exit status 2."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext as _

from surveys import columns
from surveys.questionnaire import load
from surveys.responses_file import ResponsesFileError, read_responses

QUESTIONNAIRE = load().questionnaire
NAMES = {key: header for key, (header, _aliases) in columns.names(QUESTIONNAIRE).items()}


HEADER = "response_id," + ",".join(QUESTIONNAIRE.items) + ",e1,unit,procedure_code,channel,date\n"


def line(response_id, answer="4", e1="2", channel="online", date="2026-03-09"):
    return f"{response_id}," + ",".join([answer] * 19) + f",{e1},QLDN,1.001,{channel},{date}\n"


def test_the_command_prints_the_index_as_json(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\ufeff" + HEADER + line("a") + line("b", answer="2", e1="1") + line("c", answer=""), "utf-8")
    out = StringIO()
    call_command("sipas_index", responses=str(path), format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["responses"] == 3 and data["overall"] == "50.00"
    assert data["items"]["q15"] == {
        "n": 2,
        "satisfied": 1,
        "rate": "50.00",
        "ci_low": "9.45",
        "ci_high": "90.55",
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
        "low_precision": True,
    }
    assert data["elements"]["feedback"] == {"index": "50.00", "items": ["q31", "q32", "q33"], "n": 2}
    assert data["expectations"]["e1"]["rate"] == "66.67"  # answers 2, 1, 2
    assert data["expectations"]["e2"] == {"n": 0, "high": 0, "rate": None, "distribution": {"1": 0, "2": 0, "3": 0}}
    text = StringIO()
    call_command("sipas_index", responses=str(path), stdout=text)
    assert "overall service index 50.00" in text.getvalue() and "low precision" in text.getvalue()


def test_the_command_refuses_bad_input_with_exit_status_2(tmp_path, capsys):
    path = tmp_path / "r.csv"
    body = line("a", answer="6") + line("a") + line("b", e1="4", channel="zalo", date="31/02/2026")
    path.write_text(HEADER + body, "utf-8")
    with pytest.raises(SystemExit) as stopped:
        call_command("sipas_index", responses=str(path), format="json")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"row 2, column {NAMES['q15']}: '6' " + _("an answer from 1 to %(top)s, or blank") % {"top": 5} in err
    assert f"row 3, column {NAMES['response_id']}: 'a' " + _("duplicate of row %(row)s") % {"row": 2} in err
    assert f"row 4, column {NAMES['e1']}: '4' " + _("an answer from 1 to %(top)s, or blank") % {"top": 3} in err
    assert f"row 4, column {NAMES['channel']}: 'zalo'" in err and f"row 4, column {NAMES['date']}: '31/02/2026'" in err
    with pytest.raises(ResponsesFileError) as refused:
        read_responses("response_id,q15\nx,1\n", QUESTIONNAIRE)
    assert {p.column for p in refused.value.problems} == {NAMES[code] for code in QUESTIONNAIRE.items[1:]}
    with pytest.raises(SystemExit):
        call_command("sipas_index", responses=str(tmp_path / "missing.csv"))
