"""Pure tests of the PAR INDEX rule engine: every rule type, the aggregation rules, the worked
example of the domain notes, validation messages, and properties over random trees."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.criteria import CriteriaError, Item, Node, Rule, parse_criteria
from scorecards.files import read_yaml
from scorecards.scoring import (
    Declared,
    ValueProblem,
    input_values,
    parse_declared,
    parse_value,
    read_inputs,
    rule_points,
    score,
    typed_number,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "criteria"
SAMPLE = DATA / "ls-dept-2026-illustrative.yaml"


def leaf(rule: dict, max_="2", **extra) -> dict:
    return {"code": "1", "name": "Tiêu chí", "max": max_, "source": "self", "rule": rule, **extra}


def one_leaf_set(rule: dict, max_="2", **extra):
    return parse_criteria(
        {
            "code": "T",
            "name": "Test",
            "year": 2026,
            "scale": max_,
            "classification": [{"label": "A", "min": 90}, {"label": "B", "min": 0}],
            "nodes": [leaf(rule, max_, **extra)],
        }
    )


def points_for(rule: dict, raw, max_="2", **extra) -> D:
    cset = one_leaf_set(rule, max_, **extra)
    node = cset.nodes[0]
    return rule_points(node, parse_value(node, raw))


@pytest.mark.parametrize(
    ("rule", "raw", "max_", "expected"),
    [
        ({"type": "binary"}, True, "0.5", "0.50"),
        ({"type": "binary"}, False, "0.5", "0.00"),
        ({"type": "binary"}, "có", "1", "1.00"),
        (
            {"type": "levels", "levels": [{"label": "Tốt", "points": 2}, {"label": "Đạt", "points": 1}]},
            "Đạt",
            "2",
            "1.00",
        ),
        (
            {"type": "levels", "levels": [{"label": "Đầy đủ", "factor": 1}, {"label": "Chưa đủ", "factor": 0.5}]},
            "chua du",
            "1.5",
            "0.75",
        ),
        (
            {
                "type": "bands",
                "bands": [{"min": 100, "points": 1}, {"min": 80, "points": 0.5}, {"min": 0, "points": 0}],
            },
            {"numerator": 8, "denominator": 10},
            "1",
            "0.50",
        ),
        (
            {"type": "bands", "bands": [{"min": 100, "points": 1}, {"min": 80, "points": 0.5}]},
            {"numerator": 7999, "denominator": 10000},
            "1",
            "0.00",
        ),
        (
            {"type": "bands", "bands": [{"min": 100, "points": 1}, {"min": 80, "points": 0.5}]},
            {"numerator": 99999, "denominator": 100000},
            "1",
            "0.50",
        ),
        (
            {"type": "bands", "bands": [{"min": 95, "points": 3}, {"min": 60, "points": 1}]},
            {"percent": 95},
            "3",
            "3.00",
        ),
        ({"type": "proportional", "target": 0.9}, {"numerator": 85, "denominator": 100}, "6", "5.67"),
        ({"type": "proportional", "target": 0.9}, {"numerator": 95, "denominator": 100}, "6", "6.00"),
        ({"type": "proportional", "target": 0.5}, {"percent": 25}, "2", "1.00"),
        ({"type": "per_item", "points_per_item": 0.5}, {"count": 3}, "2", "1.50"),
        ({"type": "per_item", "points_per_item": 0.5}, {"count": 9}, "2", "2.00"),
        ({"type": "deduction", "per_violation": 0.5}, {"violations": 1}, "2", "1.50"),
        ({"type": "deduction", "per_violation": 0.5}, {"violations": 7}, "2", "0.00"),
        ({"type": "percent"}, {"percent": 85.76}, "15", "12.86"),
        ({"type": "percent"}, {"percent": "61"}, "9.15", "5.58"),
        ({"type": "manual"}, {"points": 1.255}, "2", "1.26"),
    ],
)
def test_rule_types(rule, raw, max_, expected):
    assert points_for(rule, raw, max_) == D(expected)


@pytest.mark.parametrize(
    ("rule", "raw", "message"),
    [
        ({"type": "binary"}, "maybe", "expected true or false"),
        ({"type": "levels", "levels": [{"label": "Tốt", "points": 1}]}, "Xuất sắc", "expected one of: Tốt"),
        ({"type": "bands", "bands": [{"min": 0, "points": 1}]}, {"numerator": 1, "denominator": 0}, "denominator"),
        ({"type": "bands", "bands": [{"min": 0, "points": 1}]}, {"numerator": 5, "denominator": 4}, "exceeds"),
        ({"type": "per_item", "points_per_item": 1}, {"count": -1}, "negative"),
        ({"type": "deduction", "per_violation": 1}, {"violations": 1.5}, "whole number"),
        ({"type": "percent"}, {"percent": 101}, "cannot exceed 100"),
        ({"type": "manual"}, {"points": 3}, "cannot exceed 2"),
        ({"type": "manual"}, {"count": 3}, "expected {points}"),
        ({"type": "binary"}, "na", "cannot be declared not applicable"),
    ],
)
def test_bad_values_say_what_the_rule_expects(rule, raw, message):
    node = one_leaf_set(rule).nodes[0]
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse_value(node, raw)


def sample():
    return parse_criteria(read_yaml(SAMPLE), source=str(SAMPLE))


def example_values(**changes):
    data = read_yaml(DATA / "ls-dept-2026-declared-example.yaml")
    data.update(changes)
    return data


def test_the_worked_example_of_the_domain_notes():
    cset = sample()
    result = score(cset, parse_declared(cset, example_values()))
    top = sum((result.nodes[str(i)].points for i in range(1, 8)), D(0))
    assert top == D("64.50")
    assert result.nodes["8"].points == D("22.40")
    assert (result.bonus, result.penalty) == (D("1.50"), D("0.50"))
    assert (result.total, result.applicable_max, result.index_percent) == (D("87.90"), D("97.00"), D("90.62"))
    assert result.classification == "A"


def test_na_full_earns_the_max_and_no_na_key_scores_zero():
    cset = sample()
    as_full = parse_criteria({**read_yaml(SAMPLE), "nodes": _with_na(read_yaml(SAMPLE)["nodes"], "2.1", "full")})
    full = score(as_full, parse_declared(as_full, example_values()))
    assert (full.total, full.applicable_max, full.index_percent) == (D("90.90"), D("100.00"), D("90.90"))
    zero = score(cset, parse_declared(cset, example_values(**{"2.1": {"percent": 0}})))
    assert (zero.total, zero.index_percent, zero.classification) == (D("87.90"), D("87.90"), "B")


def _with_na(nodes, code, mode):
    out = []
    for node in nodes:
        node = dict(node)
        if node["code"] == code:
            node["na"] = mode
        if "children" in node:
            node["children"] = _with_na(node["children"], code, mode)
        out.append(node)
    return out


def test_missing_survey_is_rescaled_only_when_the_set_says_so():
    cset = sample()
    values = example_values()
    del values["8.2"]
    rescaled = score(cset, parse_declared(cset, values))
    assert rescaled.applicable_max == D("82.00") and rescaled.absent == ("8.2",)
    assert rescaled.nodes["8"].applicable_max == D("12.00")
    strict = parse_criteria({**read_yaml(SAMPLE), "rescale_missing_survey": False})
    kept = score(strict, parse_declared(strict, values))
    assert kept.applicable_max == D("97.00") and kept.nodes["8.2"].points == 0 and kept.absent == ()


def test_parent_caps_at_its_max_when_children_are_a_choice():
    cset = parse_criteria(
        {
            "code": "C", "name": "n", "year": 2026, "scale": 2,
            "classification": [{"label": "A", "min": 0}],
            "nodes": [{"code": "1", "name": "n", "max": 2, "children": [
                {"code": "1.1", "name": "a", "max": 2, "source": "self", "rule": {"type": "binary"}},
                {"code": "1.2", "name": "b", "max": 2, "source": "self", "rule": {"type": "binary"}},
            ]}],
        }
    )  # fmt: skip
    result = score(cset, parse_declared(cset, {"1.1": True, "1.2": True}))
    assert result.nodes["1"].points == D("2.00") and result.nodes["1"].applicable_max == D("2.00")
    assert result.index_percent == D("100.00")


def test_bonus_and_penalty_caps_and_the_floor_at_zero():
    data = read_yaml(SAMPLE)
    data["adjustments"]["bonus"]["cap"] = 1
    cset = parse_criteria(data)
    result = score(cset, parse_declared(cset, example_values(bonus={"B1": 1, "B2": 2}, penalty={"P1": 3, "P2": 3})))
    assert result.bonus == D("1.00") and result.penalty == D("5.00")
    nothing = score(cset, Declared(penalty={"P1": D(3), "P2": D(3)}))
    assert nothing.total == D("0.00") and nothing.index_percent == D("0.00")


def test_override_replaces_the_rule_result():
    cset = sample()
    declared = parse_declared(cset, example_values())
    overridden = Declared(values=declared.values, bonus=declared.bonus, penalty=declared.penalty,
                          overrides={"3.3": D("1.5")})  # fmt: skip
    result = score(cset, overridden)
    assert result.nodes["3.3"].points == D("1.50") and result.nodes["3.3"].status == "override"
    assert result.total == D("86.40")


def test_classification_uses_the_rounded_index():
    cset = one_leaf_set({"type": "manual"}, "3")
    result = score(cset, Declared(values={"1": parse_value(cset.nodes[0], {"points": "2.70"})}))
    assert result.index_percent == D("90.00") and result.classification == "A"


def test_invalid_set_lists_every_problem_with_its_node():
    data = {
        "code": "X", "name": "n", "year": 26, "scale": 100,
        "classification": [{"label": "B", "min": 80}, {"label": "A", "min": 90}],
        "nodes": [
            {"code": "1", "name": "a", "max": 2, "source": "self", "rule": {"type": "stars"}},
            {"code": "1", "name": "b", "max": -1, "source": "people", "rule": {"type": "binary"}},
            {"code": "3", "name": "c", "max": 2, "source": "self",
             "rule": {"type": "bands", "bands": [{"min": 50, "points": 1}, {"min": 80, "points": 3}]}},
            {"code": "4", "name": "d", "max": 1, "source": "self", "na": "zero", "rule": {"type": "levels",
             "levels": [{"label": "x", "points": 1, "factor": 1}]}},
        ],
    }  # fmt: skip
    with pytest.raises(CriteriaError) as exc:
        parse_criteria(data, source="set.yaml")
    lines = [str(p) for p in exc.value.problems]
    expected = [
        "set.yaml: `year` must be a year",
        "set.yaml: classification[2]: thresholds must be listed highest first",
        "set.yaml: node 1: rule: unknown type 'stars'",
        "set.yaml: node 1: duplicate code",
        "set.yaml: node 1: `max` must be greater than 0",
        "set.yaml: node 1: `source` must be one of self, survey, external",
        "set.yaml: node 3: rule: bands[2]: `points` 3 exceed the node's max 2",
        "set.yaml: node 3: rule: bands[2]: bands must be listed highest first",
        "set.yaml: node 4: `na` must be exclude or full",
        "set.yaml: node 4: rule: levels[1]: give exactly one of `points` or `factor`",
    ]
    for text in expected:
        assert any(line.startswith(text) for line in lines), (text, lines)


def test_shipped_sample_parses_cleanly():
    cset = sample()
    assert cset.warnings == ()
    assert sum((n.max for n in cset.nodes), D(0)) == cset.scale == D(100)
    assert len(cset.leaves()) == 36 == len(example_values()) - 2  # every leaf declared in the example


# --- properties over random criteria trees -------------------------------------------------------

RULES = [
    {"type": "binary"},
    {
        "type": "levels",
        "levels": [{"label": "a", "factor": 1}, {"label": "b", "factor": 0.5}, {"label": "c", "points": 0}],
    },
    {"type": "bands", "bands": [{"min": 90, "points": 0.5}, {"min": 50, "points": 0.25}, {"min": 0, "points": 0}]},
    {"type": "proportional", "target": 0.8},
    {"type": "per_item", "points_per_item": 0.25},
    {"type": "deduction", "per_violation": 0.25},
    {"type": "percent"},
    {"type": "manual"},
]
maxima = st.sampled_from(["0.5", "0.75", "1", "1.5", "2", "3"])


def raw_value(rule_type: str, draw, maximum: D):
    if rule_type == "binary":
        return draw(st.booleans())
    if rule_type == "levels":
        return draw(st.sampled_from(["a", "b", "c"]))
    if rule_type in ("bands", "proportional"):
        den = draw(st.integers(1, 500))
        return {"numerator": draw(st.integers(0, den)), "denominator": den}
    if rule_type == "per_item":
        return {"count": draw(st.integers(0, 20))}
    if rule_type == "deduction":
        return {"violations": draw(st.integers(0, 20))}
    if rule_type == "percent":
        return {"percent": str(draw(st.decimals(0, 100, places=2)))}
    return {"points": str(draw(st.decimals(0, maximum, places=2)))}


@st.composite
def scenarios(draw):
    counter = iter(range(1, 10_000))
    values: dict = {}

    def make_node(depth: int) -> dict:
        code = str(next(counter))
        maximum = D(draw(maxima))
        if depth < 3 and draw(st.booleans()):
            children = [make_node(depth + 1) for _ in range(draw(st.integers(1, 3)))]
            # the parent's max may be below the children's sum ("choose among")
            child_sum = sum(D(str(c["max"])) for c in children)
            parent_max = draw(st.sampled_from([child_sum, max(child_sum - 1, D("0.5")), child_sum + 1]))
            return {"code": code, "name": code, "max": str(parent_max), "children": children}
        rule = draw(st.sampled_from(RULES))
        if rule["type"] in ("levels", "bands"):
            maximum = max(maximum, D("1"))
        node = {"code": code, "name": code, "max": str(maximum), "source": draw(st.sampled_from(["self", "survey"])),
                "rule": rule}  # fmt: skip
        if draw(st.booleans()):
            node["na"] = draw(st.sampled_from(["exclude", "full"]))
        choice = draw(st.sampled_from(["value", "value", "missing", "na"]))
        if choice == "value":
            values[code] = raw_value(rule["type"], draw, maximum)
        elif choice == "na" and "na" in node:
            values[code] = "na"
        return node

    nodes = [make_node(1) for _ in range(draw(st.integers(1, 4)))]
    data = {
        "code": "P", "name": "p", "year": 2026, "scale": 100,
        "rescale_missing_survey": draw(st.booleans()),
        "classification": [{"label": "A", "min": 90}, {"label": "B", "min": 50}, {"label": "C", "min": 0}],
        "nodes": nodes,
        "adjustments": {"bonus": {"cap": 2, "items": [{"code": "B1", "name": "b", "max": 3}]},
                        "penalty": {"cap": 1, "items": [{"code": "P1", "name": "p", "max": 3}]}},
    }  # fmt: skip
    values["bonus"] = {"B1": str(draw(st.decimals(0, 3, places=2)))}
    values["penalty"] = {"P1": str(draw(st.decimals(0, 3, places=2)))}
    return data, values


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_no_node_exceeds_its_max_and_caps_hold(scenario):
    data, values = scenario
    cset = parse_criteria(data)
    result = score(cset, parse_declared(cset, values))
    for node, _ in cset.walk():
        res = result.nodes[node.code]
        assert D(0) <= res.points <= node.max
        assert res.points <= res.applicable_max <= node.max
    assert result.bonus <= cset.bonus.cap and result.penalty <= cset.penalty.cap
    assert result.total >= 0
    assert result.total <= sum((result.nodes[n.code].points for n in cset.nodes), D(0)) + cset.bonus.cap


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_declaring_na_never_lowers_the_index(scenario):
    data, values = scenario
    cset = parse_criteria(data)
    for node in cset.leaves():
        if not node.na:
            continue
        as_na = score(cset, parse_declared(cset, {**values, node.code: "na"}))
        zero_value = {"binary": False, "levels": "c", "bands": {"percent": 0}, "proportional": {"percent": 0},
                      "per_item": {"count": 0}, "deduction": {"violations": 10_000}, "percent": {"percent": 0},
                      "manual": {"points": 0}}[node.rule.type]  # fmt: skip
        as_zero = score(cset, parse_declared(cset, {**values, node.code: zero_value}))
        if as_na.index_percent is None:
            continue  # nothing applicable is left: no index either way
        assert as_na.index_percent >= as_zero.index_percent


def test_rule_points_never_exceed_max_for_a_handmade_node():
    node = Node(code="1", name="n", max=D("1.5"), source="self", rule=Rule(type="per_item", points_per_item=D(1)))
    assert rule_points(node, parse_value(node, {"count": 5})) == D("1.50")


# --- values typed into the scoring table -----------------------------------------------------------


def typed_leaf(rule: dict, **extra) -> Node:
    return one_leaf_set(rule, **extra).nodes[0]


@pytest.mark.parametrize(
    ("rule", "inputs", "raw"),
    [
        ({"type": "binary"}, {"value": "true"}, True),
        ({"type": "binary"}, {"value": "false"}, False),
        ({"type": "binary"}, {"value": ""}, None),
        ({"type": "levels", "levels": [{"label": "Đủ", "points": 2}]}, {"value": "Đủ"}, "Đủ"),
        ({"type": "bands", "bands": [{"min": 0, "points": 1}]}, {"numerator": " 3 ", "denominator": "4"},
         {"numerator": "3", "denominator": "4"}),
        ({"type": "bands", "bands": [{"min": 0, "points": 1}]}, {"percent": "87,5"}, {"percent": "87.5"}),
        # typed beside a percentage, the ratio wins
        ({"type": "proportional", "target": 1}, {"numerator": "1", "denominator": "2", "percent": "90"},
         {"numerator": "1", "denominator": "2"}),
        ({"type": "per_item", "points_per_item": 1}, {"count": "2"}, {"count": "2"}),
        ({"type": "deduction", "per_violation": 1}, {"violations": "2,0"}, {"violations": "2.0"}),
        ({"type": "percent"}, {"percent": ""}, None),
        ({"type": "manual"}, {"points": "1,25", "note": "x"}, {"points": "1.25"}),
    ],
)  # fmt: skip
def test_typed_inputs_become_the_file_form(rule, inputs, raw):
    node = typed_leaf(rule)
    assert read_inputs(node, inputs) == raw
    if raw is not None:
        assert parse_value(node, raw) is not None  # what is read is a value the rule takes


def test_typed_not_applicable_and_items():
    assert read_inputs(typed_leaf({"type": "binary"}, na="exclude"), {"na": "1", "value": "true"}) == "na"
    item = Item(code="B1", name="Thưởng", max=D(2))
    assert read_inputs(item, {"points": " 1,5 "}) == {"points": "1.5"}
    assert read_inputs(item, {"points": " "}) is None


def test_half_a_ratio_is_refused():
    node = typed_leaf({"type": "bands", "bands": [{"min": 0, "points": 1}]})
    with pytest.raises(ValueProblem) as refused:
        read_inputs(node, {"numerator": "3"})
    assert refused.value.kind == "both"
    assert read_inputs(node, {"numerator": "3", "percent": "50"}) == {"numerator": "3"}  # then parse_value says it


@pytest.mark.parametrize(("text", "number"), [("1,5", D("1.5")), (" 2 ", D(2)), ("", None), (None, None)])
def test_typed_numbers(text, number):
    assert typed_number(text) == number


@pytest.mark.parametrize("text", ["hai", "NaN", "1,5,2", "Infinity"])
def test_typed_number_refused(text):
    with pytest.raises(ValueProblem) as refused:
        typed_number(text)
    assert refused.value.kind == "not_a_number" and refused.value.params["value"] == text.replace(",", ".")


@pytest.mark.parametrize(
    "declared", [None, "na", True, False, "Đủ", {"numerator": "1", "denominator": "2"}, {"count": 3}]
)
def test_stored_values_go_back_into_the_row_inputs(declared):
    inputs = input_values(declared)
    if declared is None:
        assert inputs == {}
    elif declared == "na":
        assert inputs == {"na": True}
    elif isinstance(declared, bool | str):
        assert inputs == {"value": str(declared).lower() if isinstance(declared, bool) else declared}
    else:
        assert inputs == {k: str(v) for k, v in declared.items()}
