"""The SIPAS index on hand-checked data (sipas.md §6-§8, §10): items, elements, the overall
service index, Wilson intervals, expectations, sample sizes, the questionnaire file and the
`sipas_index` command."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from surveys.index import Element, Questionnaire, compute, q2, quotas, sample_size, wilson
from surveys.questionnaire import QuestionnaireError, load, parse
from surveys.responses_file import ResponsesFileError, read_responses

FORM = load()
QUESTIONNAIRE = FORM.questionnaire
ELEMENT_ITEMS = {e.code: e.items for e in QUESTIONNAIRE.elements}


def worked_example():
    """sipas.md §6: E1 = 88.50, E2 = 86.00, E3 = 84.29 (items 36/40, 32/40, 30/38 with 2 blank,
    35/40, 34/40), E4 = 90.00, E5 = 80.00 over 200 responses (element 3 answered by 40)."""
    element3 = {"q23": 36, "q24": 32, "q25": 30, "q26": 35, "q27": 34}
    responses = []
    for i in range(200):
        answers = {}
        for code in ELEMENT_ITEMS["access"]:
            answers[code] = 5 if i < 177 else 2
        for code in ELEMENT_ITEMS["procedure"]:
            answers[code] = 5 if i < 172 else 3
        for code in ELEMENT_ITEMS["result"]:
            answers[code] = 4 if i < 180 else 1
        for code in ELEMENT_ITEMS["feedback"]:
            answers[code] = 4 if i < 160 else 2
        for code, satisfied in element3.items():
            blank = i >= 40 or (code == "q25" and i >= 38)
            answers[code] = None if blank else (4 if i < satisfied else 3)
        responses.append(answers)
    return responses


def test_the_worked_example_of_the_domain_file():
    result = compute(worked_example(), QUESTIONNAIRE)
    q25 = result.items["q25"]
    assert (q25.n, q25.satisfied, q2(q25.rate)) == (38, 30, Decimal("78.95"))
    assert q25.distribution == {1: 0, 2: 0, 3: 8, 4: 30, 5: 0}
    assert (q2(q25.interval.low), q2(q25.interval.high)) == (Decimal("63.65"), Decimal("88.93"))
    element3 = result.elements["civil_servant"].index
    assert element3.quantize(Decimal("0.0001")) == Decimal("84.2895") and q2(element3) == Decimal("84.29")
    assert [q2(result.elements[c].index) for c in ("access", "procedure", "result", "feedback")] == [
        Decimal("88.50"),
        Decimal("86.00"),
        Decimal("90.00"),
        Decimal("80.00"),
    ]
    assert q2(result.overall) == Decimal("85.76")
    # fed into a PAR survey leaf of max 15 with the percent rule: 12.86 points
    assert q2(Decimal(15) * q2(result.overall) / 100) == Decimal("12.86")
    assert result.items["q25"].low_precision is False and result.elements["civil_servant"].n == 40


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (30, 38, "63.65", "88.93"),
        (36, 40, "76.95", "96.04"),
        (27, 30, "74.38", "96.54"),
        (9, 10, "59.58", "98.21"),
        (0, 40, "0.00", "8.76"),
        (40, 40, "91.24", "100.00"),
    ],
)
def test_wilson_intervals_of_the_domain_table(x, n, low, high):
    interval = wilson(x, n)
    assert (str(q2(interval.low)), str(q2(interval.high))) == (low, high)


def test_blanks_are_left_out_and_an_element_without_answers_is_no_data():
    responses = [
        {"q15": 5, "q16": None, "q19": 1, "e1": 3},
        {"q15": 3, "q16": 4, "q19": None, "e1": 1},
        {"q15": None, "q16": None, "e1": None},
    ]
    result = compute(responses, QUESTIONNAIRE)
    assert (result.items["q15"].n, result.items["q15"].rate) == (2, Decimal(50))
    assert result.items["q17"].rate is None and result.items["q17"].interval is None
    assert result.elements["access"].index == Decimal(75)  # mean of q15 50 and q16 100; q17, q18 no data
    assert result.elements["procedure"].index == Decimal(0)  # q19: one answer, unsatisfied
    assert result.elements["civil_servant"].index is None and result.elements["civil_servant"].n == 0
    assert result.overall == Decimal("37.5")  # elements without data left out, not counted as 0
    data = result.as_data()
    assert data["elements"]["result"]["index"] is None and data["items"]["q17"]["ci_low"] is None
    assert data["items"]["q15"]["low_precision"] is True
    assert (result.expectations["e1"].n, result.expectations["e1"].rate) == (2, Decimal(50))
    assert result.expectations["e2"].rate is None
    assert compute([], QUESTIONNAIRE).overall is None


def test_satisfied_answers_and_weights_are_settings():
    elements = (Element("a", "A", ("x", "y")), Element("b", "B", ("z",), weight=Decimal(3)))
    questionnaire = Questionnaire("t", elements, (), satisfied=frozenset({5}), item_weights={"y": Decimal(3)})
    result = compute([{"x": 5, "y": 4, "z": 5}, {"x": 4, "y": 5, "z": 5}], questionnaire)
    assert result.items["x"].rate == Decimal(50) and result.items["y"].rate == Decimal(50)
    assert result.elements["a"].index == Decimal(50)
    assert result.overall == Decimal("87.5")  # (50 x 1 + 100 x 3) / 4


@pytest.mark.parametrize(("population", "sample"), [(150, 110), (400, 200), (1200, 300), (5000, 371), (1, 1), (0, 0)])
def test_sample_size_of_the_domain_table(population, sample):
    assert sample_size(population) == sample


def test_quotas_are_proportional_and_add_up():
    shares = quotas({"QLDN": 700, "KHTH": 200, "VP": 100}, 371)
    assert sum(shares.values()) == 371 and shares == {"QLDN": 260, "KHTH": 74, "VP": 37}
    assert quotas({"A": 0}, 10) == {"A": 0}


def test_the_shipped_questionnaire():
    assert QUESTIONNAIRE.items == tuple(f"q{n}" for n in range(15, 34))
    assert [e.code for e in QUESTIONNAIRE.elements] == ["access", "procedure", "civil_servant", "result", "feedback"]
    assert ELEMENT_ITEMS["civil_servant"] == ("q23", "q24", "q25", "q26", "q27")
    assert QUESTIONNAIRE.expectations == tuple(f"e{n}" for n in range(1, 10))
    assert FORM.scale[1] == "Rất không hài lòng" and FORM.expectation_scale[3] == "Rất nhiều"
    assert QUESTIONNAIRE.satisfied == {4, 5} and "age" in FORM.profile


def test_a_bad_questionnaire_lists_its_problems():
    with pytest.raises(QuestionnaireError) as refused:
        parse(
            {
                "code": "Bad Code",
                "scale": {1: "a", 2: "b"},
                "expectation_scale": {1: "a", 2: "b", 3: "c"},
                "satisfied": [6],
                "elements": [{"code": "x", "items": {"q1": "one"}}, {"code": "x", "items": {"q1": "again"}}],
                "profile": {"gender": {"title": "G"}},
            },
            "bad.yaml",
        )
    problems = " | ".join(refused.value.problems)
    for part in (
        "code 'Bad Code'",
        "scale: give labels for the answers 1 to 5",
        "satisfied",
        "repeated",
        "profile.gender",
    ):
        assert part in problems
    with pytest.raises(QuestionnaireError) as refused:
        parse({"code": "x", "scale": "?", "elements": "?", "profile": ["?"], "comment": "?"}, "odd.yaml")
    assert {p.split(": ")[1] for p in refused.value.problems} >= {"profile", "comment", "elements", "scale"}
    with pytest.raises(QuestionnaireError, match="not a questionnaire code"):
        load("../secrets")


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
    assert "row 2, column q15: '6' an answer from 1 to 5, or blank" in err
    assert "row 3, column response_id: 'a' duplicate of row 2" in err
    assert "row 4, column e1: '4' an answer from 1 to 3" in err
    assert "row 4, column channel: 'zalo'" in err and "row 4, column date: '31/02/2026'" in err
    with pytest.raises(ResponsesFileError) as refused:
        read_responses("response_id,q15\nx,1\n", QUESTIONNAIRE)
    assert {p.column for p in refused.value.problems} == set(QUESTIONNAIRE.items[1:])
    with pytest.raises(SystemExit):
        call_command("sipas_index", responses=str(tmp_path / "missing.csv"))
