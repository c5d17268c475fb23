"""The SIPAS index of a set of responses (sipas.md §6-§8). Pure: no ORM, no clock.

Item rate = 100 x (satisfied answers) / (valid answers 1-5), blanks excluded; element index = the
weighted mean of its item rates (items without a valid answer left out); overall service index =
the weighted mean of the element indices; expectation rate = 100 x (high answers) / valid
answers 1-3. Each item rate comes with n, its 1-5 distribution and a Wilson 95 % interval. No data
is None, never 0. Decimal throughout, rounded only when reported (2 decimals, half up).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from core.numbers import HUNDRED, q2

Z95 = Decimal("1.96")
SMALL_SAMPLE = 30  # fewer valid answers: "low precision" (sipas.md §7)


@dataclass(frozen=True)
class Element:
    code: str
    title: str
    items: tuple[str, ...]
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class Questionnaire:
    """What the index needs of a questionnaire version (surveys.questionnaire loads the file)."""

    code: str
    elements: tuple[Element, ...]
    expectations: tuple[str, ...]
    satisfied: frozenset[int] = frozenset({4, 5})
    expectation_high: frozenset[int] = frozenset({2, 3})
    item_weights: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(code for element in self.elements for code in element.items)


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal


def wilson(x: int, n: int, z: Decimal = Z95) -> Interval | None:
    """The Wilson score interval of x successes in n, as percentages within 0-100."""
    if n <= 0:
        return None
    with localcontext() as context:
        context.prec = 34
        p = Decimal(x) / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt() / denominator
        low = max(Decimal(0), centre - half) * HUNDRED
        high = min(Decimal(1), centre + half) * HUNDRED
    return Interval(low, high)


def _mean(values: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weighted mean of (value, weight) pairs; None when there is none (or no weight)."""
    pairs = list(values)
    total = sum((weight for _value, weight in pairs), Decimal(0))
    if not pairs or not total:
        return None
    return sum((value * weight for value, weight in pairs), Decimal(0)) / total


@dataclass
class ItemResult:
    code: str
    n: int
    satisfied: int
    distribution: dict[int, int]
    rate: Decimal | None
    interval: Interval | None

    @property
    def low_precision(self) -> bool:
        return 0 < self.n < SMALL_SAMPLE

    def as_data(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "satisfied": self.satisfied,
            "rate": _text(self.rate),
            "ci_low": _text(self.interval.low if self.interval else None),
            "ci_high": _text(self.interval.high if self.interval else None),
            "distribution": {str(k): v for k, v in self.distribution.items()},
            "low_precision": self.low_precision,
        }


@dataclass
class ElementResult:
    code: str
    index: Decimal | None
    items: list[str]
    n: int  # responses with at least one valid answer in the element

    def as_data(self) -> dict[str, Any]:
        return {"index": _text(self.index), "items": self.items, "n": self.n}


@dataclass
class ExpectationResult:
    code: str
    n: int
    high: int
    distribution: dict[int, int]
    rate: Decimal | None

    def as_data(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "high": self.high,
            "rate": _text(self.rate),
            "distribution": {str(k): v for k, v in self.distribution.items()},
        }


@dataclass
class Index:
    responses: int
    items: dict[str, ItemResult]
    elements: dict[str, ElementResult]
    overall: Decimal | None
    expectations: dict[str, ExpectationResult]

    def as_data(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "items": {code: item.as_data() for code, item in self.items.items()},
            "elements": {code: element.as_data() for code, element in self.elements.items()},
            "overall": _text(self.overall),
            "expectations": {code: e.as_data() for code, e in self.expectations.items()},
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(q2(value))


def compute(responses: Iterable[Mapping[str, int | None]], questionnaire: Questionnaire) -> Index:
    """The index of responses given as {item or expectation code: answer or None}."""
    items = questionnaire.items
    counts = {code: dict.fromkeys(range(1, 6), 0) for code in items}
    expectation_counts = {code: dict.fromkeys(range(1, 4), 0) for code in questionnaire.expectations}
    answered = {element.code: 0 for element in questionnaire.elements}
    total = 0
    for response in responses:
        total += 1
        for code in items:
            answer = response.get(code)
            if answer is not None:
                counts[code][answer] += 1
        for element in questionnaire.elements:
            if any(response.get(code) is not None for code in element.items):
                answered[element.code] += 1
        for code in questionnaire.expectations:
            answer = response.get(code)
            if answer is not None:
                expectation_counts[code][answer] += 1
    item_results = {}
    for code in items:
        n = sum(counts[code].values())
        hits = sum(counts[code][answer] for answer in questionnaire.satisfied)
        item_results[code] = ItemResult(
            code, n, hits, counts[code], Decimal(hits) * HUNDRED / n if n else None, wilson(hits, n)
        )
    element_results = {}
    for element in questionnaire.elements:
        rates = [
            (rate, questionnaire.item_weights.get(code, Decimal(1)))
            for code in element.items
            if (rate := item_results[code].rate) is not None
        ]
        element_results[element.code] = ElementResult(
            element.code, _mean(rates), list(element.items), answered[element.code]
        )
    overall = _mean(
        (index, element.weight)
        for element in questionnaire.elements
        if (index := element_results[element.code].index) is not None
    )
    expectation_results = {}
    for code in questionnaire.expectations:
        n = sum(expectation_counts[code].values())
        high = sum(expectation_counts[code][answer] for answer in questionnaire.expectation_high)
        expectation_results[code] = ExpectationResult(
            code, n, high, expectation_counts[code], Decimal(high) * HUNDRED / n if n else None
        )
    return Index(total, item_results, element_results, overall, expectation_results)


def sample_size(population: int, margin: Decimal = Decimal("0.05")) -> int:
    """n = N / (1 + N e^2), rounded up (sipas.md §8); 0 for an empty population."""
    if population <= 0:
        return 0
    n = Decimal(population) / (1 + population * margin * margin)
    return min(population, int(n.to_integral_value(rounding=ROUND_CEILING)))


def quotas(populations: Mapping[str, int], total: int) -> dict[str, int]:
    """A sample of `total` shared among strata in proportion to their populations (largest
    remainders, so the quotas add up to the total)."""
    size = sum(populations.values())
    if size <= 0 or total <= 0:
        return dict.fromkeys(populations, 0)
    exact = {key: Decimal(total) * count / size for key, count in populations.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:left]:
        shares[key] += 1
    return shares
