"""PAR INDEX scoring (pure): criteria sets, declared values, rule types and aggregation.

No ORM, no clock. A criteria set is parsed from plain data (the YAML file or the database rows
turned back into the same shape) into frozen dataclasses; `score()` turns declared values into
points for every node, the total, the index and its class. The rules are in
`docs/criteria-format.md` and `../shared/domain/par_index.md` §4-§6.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.numbers import HUNDRED, q2
from core.text import fold

ZERO = Decimal("0.00")

RULE_TYPES = ("binary", "levels", "bands", "proportional", "per_item", "deduction", "percent", "manual")
SOURCES = ("self", "survey", "external")
NA_MODES = ("exclude", "full")
NA = "na"

TOP_KEYS = {"code", "name", "year", "scale", "classification", "nodes", "adjustments"}
OPTIONAL_TOP_KEYS = {"rescale_missing_survey", "total_cap", "description", "legal_basis", "unit_group"}
NODE_KEYS = {"code", "name", "max", "children", "source", "rule", "na", "evidence", "guidance", "metric"}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class CriteriaError(ValueError):
    """An invalid criteria set or value file; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Level:
    label: str
    points: Decimal | None = None
    factor: Decimal | None = None


@dataclass(frozen=True)
class Band:
    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class Rule:
    type: str
    levels: tuple[Level, ...] = ()
    bands: tuple[Band, ...] = ()
    target: Decimal | None = None
    points_per_item: Decimal | None = None
    per_violation: Decimal | None = None

    def describe(self) -> str:
        """A short technical description (the UI translates its own wording)."""
        if self.type == "levels":
            return "; ".join(lv.label for lv in self.levels)
        if self.type == "bands":
            return "; ".join(f"≥{b.min}%: {b.points}" for b in self.bands)
        if self.type == "proportional":
            return f"target {self.target}"
        if self.type == "per_item":
            return f"{self.points_per_item} / item"
        if self.type == "deduction":
            return f"-{self.per_violation} / violation"
        return self.type


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    max: Decimal
    children: tuple[Node, ...] = ()
    source: str = ""
    rule: Rule | None = None
    na: str = ""
    evidence: tuple[str, ...] = ()
    guidance: str = ""
    metric: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self, depth: int = 1) -> Iterator[tuple[Node, int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    max: Decimal


@dataclass(frozen=True)
class Adjustment:
    cap: Decimal = ZERO
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class CriteriaSet:
    code: str
    name: str
    year: int
    scale: Decimal
    classification: tuple[tuple[str, Decimal], ...]
    nodes: tuple[Node, ...]
    bonus: Adjustment = field(default_factory=Adjustment)
    penalty: Adjustment = field(default_factory=Adjustment)
    rescale_missing_survey: bool = False
    total_cap: Decimal | None = None
    warnings: tuple[Problem, ...] = ()

    def walk(self) -> Iterator[tuple[Node, int]]:
        for node in self.nodes:
            yield from node.walk()

    def leaves(self) -> list[Node]:
        return [node for node, _ in self.walk() if node.is_leaf]

    def by_code(self) -> dict[str, Node]:
        return {node.code: node for node, _ in self.walk()}

    def classify(self, index_percent: Decimal | None) -> str:
        if index_percent is None:
            return ""
        for label, minimum in self.classification:
            if index_percent >= minimum:
                return label
        return ""


# --- parsing a criteria set -------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal:
    """A number from YAML/JSON/Excel: int, float (through its shortest repr) or numeric text."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float):
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError("not a number") from None
    else:
        raise ValueError("not a number")
    if not result.is_finite():
        raise ValueError("not a number")
    return result


def code_text(value: Any) -> str:
    """Node codes are text; an unquoted YAML code such as 1 or 1.2 arrives as a number."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.codes: set[str] = set()

    def where(self, code: str | None = None, key: str = "") -> str:
        parts = [self.source] if self.source else []
        if code is not None:
            parts.append(f"node {code or '?'}")
        if key:
            parts.append(key)
        return ": ".join(parts)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def number(
        self, data: Mapping[str, Any], key: str, where: str, *, minimum: Decimal | None = ZERO, positive: bool = False
    ) -> Decimal | None:
        if key not in data:
            self.fail(where, f"`{key}` is missing")
            return None
        try:
            value = to_decimal(data[key])
        except ValueError:
            self.fail(where, f"`{key}` must be a number, got {data[key]!r}")
            return None
        if positive and value <= 0:
            self.fail(where, f"`{key}` must be greater than 0, got {value}")
        elif minimum is not None and value < minimum:
            self.fail(where, f"`{key}` must be at least {minimum}, got {value}")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, f"`{key}` is missing")
            return ""
        if isinstance(value, dict | list | bool):
            self.fail(where, f"`{key}` must be text")
            return ""
        return str(value).strip()

    def parse(self, data: Any) -> CriteriaSet:
        if not isinstance(data, Mapping):
            self.fail(self.where(), "the file must hold a mapping with code, name, year, scale, classification, nodes")
            raise CriteriaError(self.problems)
        top = self.where()
        for key in data:
            if key not in TOP_KEYS | OPTIONAL_TOP_KEYS:
                self.warnings.append(Problem(top, f"unknown key `{key}` ignored"))
        code = self.text(data, "code", top)
        name = self.text(data, "name", top)
        year = 0
        try:
            year = int(data.get("year"))  # type: ignore[arg-type]  # None: TypeError, refused below
            if not 2000 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            self.fail(top, f"`year` must be a year such as 2026, got {data.get('year')!r}")
        scale = self.number(data, "scale", top, positive=True) or ZERO
        classification = self.classification(data.get("classification"))
        nodes_data = data.get("nodes")
        nodes: tuple[Node, ...] = ()
        if not isinstance(nodes_data, list) or not nodes_data:
            self.fail(top, "`nodes` must be a non-empty list")
        else:
            nodes = tuple(n for n in (self.node(item, None) for item in nodes_data) if n is not None)
        bonus, penalty = self.adjustments(data.get("adjustments"))
        rescale = data.get("rescale_missing_survey", False)
        if not isinstance(rescale, bool):
            self.fail(top, "`rescale_missing_survey` must be true or false")
            rescale = False
        total_cap = None
        if data.get("total_cap") is not None:
            total_cap = self.number(data, "total_cap", top, positive=True)
        if nodes and scale and not self.problems:
            top_max = sum((n.max for n in nodes), ZERO)
            if top_max != scale:
                self.warnings.append(Problem(top, f"the top-level maxima add up to {top_max}, not the scale {scale}"))
        if self.problems:
            raise CriteriaError(self.problems)
        return CriteriaSet(
            code=code,
            name=name,
            year=year,
            scale=scale,
            classification=classification,
            nodes=nodes,
            bonus=bonus,
            penalty=penalty,
            rescale_missing_survey=rescale,
            total_cap=total_cap,
            warnings=tuple(self.warnings),
        )

    def classification(self, data: Any) -> tuple[tuple[str, Decimal], ...]:
        where = self.where(key="classification")
        if not isinstance(data, list) or not data:
            self.fail(where, "must be a non-empty list of {label, min}, highest first")
            return ()
        out: list[tuple[str, Decimal]] = []
        for i, item in enumerate(data, 1):
            at = f"{where}[{i}]"
            if not isinstance(item, Mapping):
                self.fail(at, "must be {label, min}")
                continue
            label = self.text(item, "label", at)
            minimum = self.number(item, "min", at)
            if minimum is not None and minimum > HUNDRED:
                self.fail(at, f"`min` is a percent (0-100), got {minimum}")
            if label and minimum is not None:
                if out and minimum >= out[-1][1]:
                    self.fail(at, f"thresholds must be listed highest first ({minimum} after {out[-1][1]})")
                out.append((label, minimum))
        if out and out[-1][1] > 0:
            self.warnings.append(Problem(where, "the last threshold is above 0: low indices get no label"))
        return tuple(out)

    def node(self, data: Any, parent: Node | None) -> Node | None:
        if not isinstance(data, Mapping):
            self.fail(self.where("?"), "a node must be a mapping with code, name and max")
            return None
        code = code_text(data.get("code"))
        where = self.where(code)
        if not code:
            self.fail(where, "`code` is missing")
        elif code in self.codes:
            self.fail(where, "duplicate code")
        self.codes.add(code)
        for key in data:
            if key not in NODE_KEYS:
                self.warnings.append(Problem(where, f"unknown key `{key}` ignored"))
        name = self.text(data, "name", where)
        maximum = self.number(data, "max", where, positive=True) or ZERO
        children_data = data.get("children")
        if children_data is not None and not isinstance(children_data, list):
            self.fail(where, "`children` must be a list")
            children_data = None
        if children_data:
            for key in ("source", "rule", "na"):
                if data.get(key) is not None:
                    self.fail(where, f"`{key}` belongs on leaves; this node has children")
            children = tuple(c for c in (self.node(child, None) for child in children_data) if c is not None)
            child_sum = sum((c.max for c in children), ZERO)
            if children and child_sum < maximum:
                self.warnings.append(Problem(where, f"children's maxima add up to {child_sum}, below {maximum}"))
            return Node(code=code, name=name, max=maximum, children=children, guidance=self.optional_text(data))
        source = data.get("source")
        if source not in SOURCES:
            self.fail(where, f"`source` must be one of {', '.join(SOURCES)}, got {source!r}")
        na = data.get("na") or ""
        if na and na not in NA_MODES:
            self.fail(where, f"`na` must be exclude or full, got {na!r}")
        evidence = data.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            self.fail(where, "`evidence` must be a list of document descriptions")
            evidence = []
        rule = self.rule(data.get("rule"), where, maximum)
        metric = data.get("metric") or ""
        if metric and source == "self":
            self.warnings.append(Problem(where, "`metric` feeds `external` and `survey` leaves only"))
        return Node(
            code=code,
            name=name,
            max=maximum,
            source=source if isinstance(source, str) else "",
            rule=rule,
            na=na if isinstance(na, str) else "",
            evidence=tuple(evidence),
            guidance=self.optional_text(data),
            metric=str(metric),
        )

    @staticmethod
    def optional_text(data: Mapping[str, Any]) -> str:
        value = data.get("guidance")
        return str(value).strip() if value is not None else ""

    def rule(self, data: Any, where: str, maximum: Decimal) -> Rule | None:
        if isinstance(data, str):
            data = {"type": data}
        if not isinstance(data, Mapping):
            self.fail(where, "`rule` is missing (a leaf needs {type: ...})")
            return None
        kind = data.get("type")
        at = f"{where}: rule"
        if kind not in RULE_TYPES:
            self.fail(at, f"unknown type {kind!r}; expected one of {', '.join(RULE_TYPES)}")
            return None
        if kind == "levels":
            return Rule(type=kind, levels=self.levels(data.get("levels"), at, maximum))
        if kind == "bands":
            return Rule(type=kind, bands=self.bands(data.get("bands"), at, maximum))
        if kind == "proportional":
            return Rule(type=kind, target=self.number(data, "target", at, positive=True))
        if kind == "per_item":
            return Rule(type=kind, points_per_item=self.number(data, "points_per_item", at, positive=True))
        if kind == "deduction":
            return Rule(type=kind, per_violation=self.number(data, "per_violation", at, positive=True))
        return Rule(type=kind)

    def levels(self, data: Any, where: str, maximum: Decimal) -> tuple[Level, ...]:
        if not isinstance(data, list) or not data:
            self.fail(where, "`levels` must be a non-empty list of {label, points} or {label, factor}")
            return ()
        out: list[Level] = []
        seen: set[str] = set()
        for i, item in enumerate(data, 1):
            at = f"{where}: levels[{i}]"
            if not isinstance(item, Mapping):
                self.fail(at, "must be {label, points} or {label, factor}")
                continue
            label = self.text(item, "label", at)
            if fold(label) in seen:
                self.fail(at, f"duplicate label {label!r}")
            seen.add(fold(label))
            has_points, has_factor = "points" in item, "factor" in item
            if has_points == has_factor:
                self.fail(at, "give exactly one of `points` or `factor`")
                continue
            if has_points:
                points = self.number(item, "points", at)
                if points is not None and points > maximum:
                    self.fail(at, f"`points` {points} exceed the node's max {maximum}")
                out.append(Level(label=label, points=points))
            else:
                factor = self.number(item, "factor", at)
                if factor is not None and factor > 1:
                    self.fail(at, f"`factor` is a share of max (0-1), got {factor}")
                out.append(Level(label=label, factor=factor))
        return tuple(out)

    def bands(self, data: Any, where: str, maximum: Decimal) -> tuple[Band, ...]:
        if not isinstance(data, list) or not data:
            self.fail(where, "`bands` must be a non-empty list of {min, points}, highest first")
            return ()
        out: list[Band] = []
        for i, item in enumerate(data, 1):
            at = f"{where}: bands[{i}]"
            if not isinstance(item, Mapping):
                self.fail(at, "must be {min, points}")
                continue
            minimum = self.number(item, "min", at)
            points = self.number(item, "points", at)
            if minimum is None or points is None:
                continue
            if points > maximum:
                self.fail(at, f"`points` {points} exceed the node's max {maximum}")
            if out and minimum >= out[-1].min:
                self.fail(at, f"bands must be listed highest first ({minimum} after {out[-1].min})")
            out.append(Band(min=minimum, points=points))
        return tuple(out)

    def adjustments(self, data: Any) -> tuple[Adjustment, Adjustment]:
        if data is None:
            return Adjustment(), Adjustment()
        where = self.where(key="adjustments")
        if not isinstance(data, Mapping):
            self.fail(where, "must be {bonus: {cap, items}, penalty: {cap, items}}")
            return Adjustment(), Adjustment()
        out = []
        for kind in ("bonus", "penalty"):
            block = data.get(kind)
            if block is None:
                out.append(Adjustment())
                continue
            at = f"{where}: {kind}"
            if not isinstance(block, Mapping):
                self.fail(at, "must be {cap, items}")
                out.append(Adjustment())
                continue
            cap = self.number(block, "cap", at) or ZERO
            items: list[Item] = []
            for i, item in enumerate(block.get("items") or [], 1):
                item_at = f"{at}: items[{i}]"
                if not isinstance(item, Mapping):
                    self.fail(item_at, "must be {code, name, max}")
                    continue
                code = code_text(item.get("code"))
                if not code:
                    self.fail(item_at, "`code` is missing")
                elif code in self.codes:
                    self.fail(item_at, f"duplicate code {code}")
                self.codes.add(code)
                items.append(
                    Item(
                        code=code,
                        name=self.text(item, "name", item_at),
                        max=self.number(item, "max", item_at, positive=True) or ZERO,
                    )
                )
            out.append(Adjustment(cap=cap, items=tuple(items)))
        return out[0], out[1]


def parse_criteria(data: Any, *, source: str = "") -> CriteriaSet:
    """Validates and builds a criteria set; raises CriteriaError listing every problem."""
    return _Parser(source).parse(data)


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
