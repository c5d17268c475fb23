"""The SIPAS index on hand-checked data (sipas.md §6-§8): items, elements, the overall service
index, Wilson intervals, expectations, sample sizes and quotas (surveys.index, pure)."""

from decimal import Decimal

import pytest

from surveys.index import Element, Questionnaire, compute, q2, quotas, sample_size, wilson
from surveys.questionnaire import load

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
