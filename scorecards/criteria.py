"""PAR INDEX criteria sets (pure): the frozen dataclasses a set is made of (nodes with their rules,
bonus and penalty items, the classification) and the parser that validates plain data (a YAML file,
a workbook read back, or the database rows turned back into the same shape) into them, listing every
problem found, not just the first. The format is in `docs/criteria-format.md`; how declared values
become points is in `scorecards.scoring`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.numbers import HUNDRED
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

    def item(self, block: str, code: str) -> Item | None:
        """A bonus (`block` "bonus") or penalty ("penalty") item by its code."""
        adjustment = self.bonus if block == "bonus" else self.penalty if block == "penalty" else Adjustment()
        return next((item for item in adjustment.items if item.code == code), None)

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
