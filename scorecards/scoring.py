"""PAR INDEX scoring (pure): declared values, rule types and aggregation.

No ORM, no clock. `parse_value` turns a declared value (in any of the file forms, or typed into the
scoring table: `read_inputs`, `typed_number`) into its normal form; `rule_points` gives a leaf's
points; `score()` turns the declared values of one column into points for every node, the total,
the index and its class. The criteria set itself is `scorecards.criteria`. The rules are in
`docs/criteria-format.md` and `../shared/domain/par_index.md` §4-§6.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.numbers import HUNDRED, q2
from core.text import fold
from scorecards.criteria import NA, ZERO, CriteriaError, CriteriaSet, Item, Node, Problem, code_text, to_decimal

# --- declared values --------------------------------------------------------------------------

TRUE_WORDS = {"true", "yes", "co", "dat", "1", "x"}
FALSE_WORDS = {"false", "no", "khong", "khong dat", "0"}


@dataclass(frozen=True)
class Value:
    """A declared value in normal form. `kind` is na, bool, level, ratio, percent, count,
    violations or points; `number` holds the quantity, `denominator` completes a ratio."""

    kind: str
    number: Decimal = ZERO
    denominator: Decimal | None = None
    flag: bool = False
    label: str = ""

    def percent(self) -> Decimal:
        if self.kind == "ratio" and self.denominator:
            return self.number * HUNDRED / self.denominator
        return self.number

    def ratio(self) -> Decimal:
        if self.kind == "ratio" and self.denominator:
            return self.number / self.denominator
        return self.number / HUNDRED

    def to_data(self) -> Any:
        """Back to the file form (what is stored in the database)."""
        if self.kind == "na":
            return NA
        if self.kind == "bool":
            return self.flag
        if self.kind == "level":
            return self.label
        if self.kind == "ratio":
            return {"numerator": str(self.number), "denominator": str(self.denominator)}
        key = {"percent": "percent", "count": "count", "violations": "violations", "points": "points"}[self.kind]
        return {key: str(self.number)}


EXPECTED = {
    "binary": "true or false",
    "levels": "one of the level labels",
    "bands": "{numerator, denominator} or {percent}",
    "proportional": "{numerator, denominator} or {percent}",
    "per_item": "{count}",
    "deduction": "{violations}",
    "percent": "{percent}",
    "manual": "{points}",
}


class ValueProblem(ValueError):
    """A declared value the rule refuses. `str()` is the English message of the command line and
    the files; `kind` and `params` let the web say it in the user's language."""

    def __init__(self, kind: str, message: str, **params: Any):
        super().__init__(message)
        self.kind = kind
        self.params = params


def _single(raw: Mapping[str, Any], key: str, *, integer: bool = False, upper: Decimal | None = None) -> Decimal:
    try:
        value = to_decimal(raw[key])
    except ValueError:
        raise ValueProblem("not_number", f"`{key}` must be a number, got {raw[key]!r}", key=key, got=raw[key]) from None
    if value < 0:
        raise ValueProblem("negative", f"`{key}` cannot be negative, got {value}", key=key, got=value)
    if integer and value != value.to_integral_value():
        raise ValueProblem("not_whole", f"`{key}` must be a whole number, got {value}", key=key, got=value)
    if upper is not None and value > upper:
        raise ValueProblem("too_big", f"`{key}` cannot exceed {upper}, got {value}", key=key, got=value, upper=upper)
    return value


def parse_value(node: Node, raw: Any) -> Value | None:
    """A declared value for a leaf, in any of the file forms; None when nothing is declared.
    Raises ValueError with a message saying what the rule expects."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == {}:
        return None
    assert node.rule is not None
    kind = node.rule.type
    if isinstance(raw, str) and fold(raw) in {"na", "n/a", "khong ap dung", "khong phat sinh"}:
        if not node.na:
            raise ValueProblem("no_na", "this criterion cannot be declared not applicable (the set gives it no `na`)")
        return Value(kind="na")
    if kind == "binary":
        if isinstance(raw, bool):
            return Value(kind="bool", flag=raw)
        if isinstance(raw, int) and raw in (0, 1):
            return Value(kind="bool", flag=bool(raw))
        if isinstance(raw, str) and fold(raw) in TRUE_WORDS | FALSE_WORDS:
            return Value(kind="bool", flag=fold(raw) in TRUE_WORDS)
        raise ValueProblem("expected", f"expected {EXPECTED[kind]}, got {raw!r}", rule=kind, got=raw)
    if kind == "levels":
        if isinstance(raw, str):
            for level in node.rule.levels:
                if fold(level.label) == fold(raw):
                    return Value(kind="level", label=level.label)
        labels = "; ".join(level.label for level in node.rule.levels)
        raise ValueProblem("unknown_level", f"unknown level {raw!r}; expected one of: {labels}", got=raw, labels=labels)
    if not isinstance(raw, Mapping):
        raise ValueProblem("expected", f"expected {EXPECTED[kind]}, got {raw!r}", rule=kind, got=raw)
    if kind in ("bands", "proportional"):
        if "numerator" in raw or "denominator" in raw:
            if "numerator" not in raw or "denominator" not in raw:
                raise ValueProblem("both", "give both `numerator` and `denominator`")
            numerator = _single(raw, "numerator")
            denominator = _single(raw, "denominator")
            if denominator == 0:
                raise ValueProblem(
                    "zero_denominator", "`denominator` must be greater than 0 (declare `na` if nothing arose)"
                )
            if numerator > denominator:
                raise ValueProblem(
                    "exceeds",
                    f"`numerator` {numerator} exceeds `denominator` {denominator}",
                    numerator=numerator,
                    denominator=denominator,
                )
            return Value(kind="ratio", number=numerator, denominator=denominator)
        if "percent" in raw:
            return Value(kind="percent", number=_single(raw, "percent", upper=HUNDRED))
        raise ValueProblem("expected", f"expected {EXPECTED[kind]}", rule=kind, got="")
    key = {"per_item": "count", "deduction": "violations", "percent": "percent", "manual": "points"}[kind]
    if key not in raw:
        raise ValueProblem("expected", f"expected {EXPECTED[kind]}", rule=kind, got="")
    upper = HUNDRED if kind == "percent" else node.max if kind == "manual" else None
    value = _single(raw, key, integer=kind in ("per_item", "deduction"), upper=upper)
    return Value(kind={"count": "count", "violations": "violations"}.get(key, key), number=value)


def rule_points(node: Node, value: Value) -> Decimal:
    """Points of a leaf for a declared value that is not N/A, rounded to 0.01 half-up."""
    rule = node.rule
    assert rule is not None
    maximum = node.max
    if rule.type == "binary":
        points = maximum if value.flag else ZERO
    elif rule.type == "levels":
        level = next(lv for lv in rule.levels if lv.label == value.label)
        points = level.points if level.points is not None else maximum * (level.factor or ZERO)
    elif rule.type == "bands":
        points = ZERO
        for band in rule.bands:
            reached = (
                value.number * HUNDRED >= band.min * value.denominator
                if value.kind == "ratio" and value.denominator
                else value.number >= band.min
            )
            if reached:
                points = band.points
                break
    elif rule.type == "proportional":
        target = rule.target or Decimal(1)
        if value.kind == "ratio" and value.denominator:
            share = value.number / (value.denominator * target)
        else:
            share = value.number / (HUNDRED * target)
        points = maximum * min(share, Decimal(1))
    elif rule.type == "per_item":
        points = min(value.number * (rule.points_per_item or ZERO), maximum)
    elif rule.type == "deduction":
        points = max(maximum - value.number * (rule.per_violation or ZERO), ZERO)
    elif rule.type == "percent":
        points = maximum * value.percent() / HUNDRED
    else:  # manual
        points = value.number
    return q2(min(max(points, ZERO), maximum))


@dataclass(frozen=True)
class Declared:
    """Declared values of one score column: per leaf, bonus and penalty item points, and the
    appraiser's direct overrides (points with a reason) that replace the rule's result."""

    values: Mapping[str, Value | None] = field(default_factory=dict)
    bonus: Mapping[str, Decimal] = field(default_factory=dict)
    penalty: Mapping[str, Decimal] = field(default_factory=dict)
    overrides: Mapping[str, Decimal] = field(default_factory=dict)


def parse_declared(cset: CriteriaSet, data: Any, *, source: str = "") -> Declared:
    """The value file: {node code: value, bonus: {item: points}, penalty: {item: points}}."""
    problems: list[Problem] = []
    prefix = f"{source}: " if source else ""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise CriteriaError([Problem(source, "the value file must be a mapping keyed by node code")])
    nodes = cset.by_code()
    values: dict[str, Value | None] = {}
    blocks: dict[str, dict[str, Decimal]] = {"bonus": {}, "penalty": {}}
    for key, raw in data.items():
        code = code_text(key)
        if code in blocks:
            items = {item.code: item for item in getattr(cset, code).items}
            if not isinstance(raw, Mapping):
                problems.append(Problem(f"{prefix}{code}", "must map item codes to points"))
                continue
            for item_key, points in raw.items():
                item_code = code_text(item_key)
                item = items.get(item_code)
                where = f"{prefix}{code} {item_code}"
                if item is None:
                    problems.append(Problem(where, f"no such {code} item in {cset.code}"))
                    continue
                try:
                    blocks[code][item_code] = check_item_points(item, points)
                except ValueError as exc:
                    problems.append(Problem(where, str(exc)))
            continue
        node = nodes.get(code)
        where = f"{prefix}node {code}"
        if node is None:
            problems.append(Problem(where, f"no such node in {cset.code}"))
        elif not node.is_leaf:
            problems.append(Problem(where, "values are declared on leaves; this node has children"))
        else:
            try:
                values[code] = parse_value(node, raw)
            except ValueError as exc:
                problems.append(Problem(where, str(exc)))
    if problems:
        raise CriteriaError(problems)
    return Declared(values=values, bonus=blocks["bonus"], penalty=blocks["penalty"])


def check_item_points(item: Item, raw: Any) -> Decimal:
    try:
        points = to_decimal(raw)
    except ValueError:
        raise ValueProblem("not_number", f"points must be a number, got {raw!r}", key="points", got=raw) from None
    if points < 0 or points > item.max:
        raise ValueProblem(
            "item_range", f"points must be between 0 and {item.max}, got {points}", upper=item.max, got=points
        )
    return q2(points)


# --- values typed into the scoring table -------------------------------------------------------

# The form fields that carry each rule's value (besides `na`, and `value` for binary and levels).
INPUT_FIELDS = {
    "bands": ("numerator", "denominator", "percent"),
    "proportional": ("numerator", "denominator", "percent"),
    "per_item": ("count",),
    "deduction": ("violations",),
    "percent": ("percent",),
    "manual": ("points",),
}


def _typed_text(inputs: Mapping[str, str], key: str) -> str:
    """A typed number as text the file form takes: trimmed, with a decimal comma as a point."""
    return (inputs.get(key) or "").strip().replace(",", ".")


def read_inputs(node: Node | Item, inputs: Mapping[str, str]) -> Any:
    """The declared value, in the file form `parse_value` (or `check_item_points`) takes, from the
    fields of a row of the scoring table: `na` (a checkbox), `value` (binary: true/false; levels:
    the label), `numerator`/`denominator` or `percent`, `count`, `violations`, `points`. None when
    nothing is typed. A ratio needs both its parts; typed beside a percentage, the ratio wins."""
    if isinstance(node, Item):
        points = _typed_text(inputs, "points")
        return {"points": points} if points else None
    if inputs.get("na"):
        return NA
    assert node.rule is not None
    rule = node.rule.type
    if rule in ("binary", "levels"):
        value = inputs.get("value") or ""
        if rule == "binary" and value in ("true", "false"):
            return value == "true"
        return value or None
    data = {key: text for key in INPUT_FIELDS[rule] if (text := _typed_text(inputs, key))}
    if ("numerator" in data) != ("denominator" in data) and "percent" not in data:
        raise ValueProblem("both", "give both `numerator` and `denominator`")
    if "percent" in data and ("numerator" in data or "denominator" in data):
        data.pop("percent")
    return data or None


def input_values(declared: Any) -> dict[str, Any]:
    """The inverse of `read_inputs`: the row's field values for a stored declared value."""
    if declared is None:
        return {}
    if declared == NA:
        return {"na": True}
    if isinstance(declared, bool):
        return {"value": "true" if declared else "false"}
    if isinstance(declared, str):
        return {"value": declared}
    return {k: str(v) for k, v in declared.items()}


def typed_number(text: str | None) -> Decimal | None:
    """A number typed into a form ("1,5" or "1.5"); None when the field is empty."""
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        return to_decimal(cleaned)
    except ValueError:
        raise ValueProblem("not_a_number", f"{cleaned!r} is not a number", value=cleaned) from None


# --- aggregation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeResult:
    points: Decimal
    applicable_max: Decimal
    status: str  # scored, na, missing, absent (survey not held, rescaled), override, group

    @property
    def percent(self) -> Decimal | None:
        if not self.applicable_max:
            return None
        return q2(self.points / self.applicable_max * HUNDRED)


@dataclass(frozen=True)
class Result:
    nodes: dict[str, NodeResult]
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    applicable_max: Decimal
    index_percent: Decimal | None
    classification: str
    absent: tuple[str, ...]

    def as_data(self, cset: CriteriaSet) -> dict[str, Any]:
        """The JSON shape printed by `par_score` (decimals as strings)."""
        by_code = cset.by_code()
        return {
            "code": cset.code,
            "total": str(self.total),
            "max": str(self.applicable_max),
            "index_percent": None if self.index_percent is None else str(self.index_percent),
            "classification": self.classification,
            "bonus": str(self.bonus),
            "penalty": str(self.penalty),
            "absent": list(self.absent),
            "nodes": {
                code: {
                    "name": by_code[code].name,
                    "points": str(res.points),
                    "max": str(res.applicable_max),
                    "nominal_max": str(q2(by_code[code].max)),
                    "status": res.status,
                }
                for code, res in ((node.code, self.nodes[node.code]) for node, _depth in cset.walk())
            },
        }


def score(cset: CriteriaSet, declared: Declared) -> Result:
    """Bottom-up aggregation of one score column (par_index.md §5)."""
    results: dict[str, NodeResult] = {}
    absent: list[str] = []

    def visit(node: Node) -> NodeResult:
        if node.is_leaf:
            res = _leaf(node)
        else:
            children = [visit(child) for child in node.children]
            res = NodeResult(
                points=min(sum((c.points for c in children), ZERO), q2(node.max)),
                applicable_max=min(sum((c.applicable_max for c in children), ZERO), q2(node.max)),
                status="group",
            )
        results[node.code] = res
        return res

    def _leaf(node: Node) -> NodeResult:
        maximum = q2(node.max)
        if node.code in declared.overrides:
            return NodeResult(q2(min(max(declared.overrides[node.code], ZERO), maximum)), maximum, "override")
        value = declared.values.get(node.code)
        if value is None:
            if node.source == "survey" and cset.rescale_missing_survey:
                absent.append(node.code)
                return NodeResult(ZERO, ZERO, "absent")
            return NodeResult(ZERO, maximum, "missing")
        if value.kind == "na":
            return NodeResult(maximum, maximum, "na") if node.na == "full" else NodeResult(ZERO, ZERO, "na")
        return NodeResult(rule_points(node, value), maximum, "scored")

    tops = [visit(node) for node in cset.nodes]
    bonus = min(sum((q2(v) for v in declared.bonus.values()), ZERO), cset.bonus.cap)
    penalty = min(sum((q2(v) for v in declared.penalty.values()), ZERO), cset.penalty.cap)
    total = max(sum((t.points for t in tops), ZERO) + bonus - penalty, ZERO)
    if cset.total_cap is not None:
        total = min(total, cset.total_cap)
    applicable = sum((t.applicable_max for t in tops), ZERO)
    index = q2(total / applicable * HUNDRED) if applicable else None
    return Result(
        nodes=results,
        bonus=q2(bonus),
        penalty=q2(penalty),
        total=q2(total),
        applicable_max=q2(applicable),
        index_percent=index,
        classification=cset.classify(index),
        absent=tuple(absent),
    )
