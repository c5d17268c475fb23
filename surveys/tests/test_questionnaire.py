"""The questionnaire file (surveys.questionnaire): the shipped one, and a bad one's problems."""

import pytest

from surveys.questionnaire import QuestionnaireError, load, parse

FORM = load()
QUESTIONNAIRE = FORM.questionnaire
ELEMENT_ITEMS = {e.code: e.items for e in QUESTIONNAIRE.elements}


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
