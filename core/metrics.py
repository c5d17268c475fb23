"""A small registry of figures that domain apps compute from their own data (task completion rate,
dossier on-time rate, ...), so that scoring can feed `external` criteria without importing them.

A provider returns a MetricValue or None (no data for that agency and year yet). Apps register in
AppConfig.ready; the criteria set names a metric by its key.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class MetricValue:
    """`data` is a declared value in the criteria file form: {numerator, denominator}, {percent}
    or {count}; `period` says what it covers and `source` where it comes from."""

    data: dict[str, Any]
    period: str
    source: str
    until: dt.date | None = None  # the last day the figure covers, when it says (a survey's half-year)

    @property
    def display(self) -> str:
        if "numerator" in self.data:
            num, den = Decimal(self.data["numerator"]), Decimal(self.data["denominator"])
            percent = (num * 100 / den).quantize(Decimal("0.01")) if den else Decimal(0)
            return f"{num.normalize():f}/{den.normalize():f} ({percent}%)"
        if "percent" in self.data:
            return f"{self.data['percent']}%"
        return str(next(iter(self.data.values()), ""))

    def as_json(self, key: str) -> dict[str, Any]:
        return {"key": key, "data": self.data, "period": self.period, "source": self.source}

    @property
    def number(self) -> Decimal | None:
        """The figure as one number: a percentage (2 places, half up) for a ratio or a percent,
        the count itself for a count; None for a ratio over nothing."""
        if "numerator" in self.data:
            den = Decimal(self.data["denominator"])
            if not den:
                return None
            return (Decimal(self.data["numerator"]) * 100 / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if "percent" in self.data:
            return Decimal(self.data["percent"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if "count" in self.data:
            return Decimal(self.data["count"])
        return None


def year_so_far(year: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """1 January .. min(today, 31 December) of `year`: what a provider counts; None before the
    year starts."""
    start, end = dt.date(year, 1, 1), min(today, dt.date(year, 12, 31))
    return (start, end) if end >= start else None


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


def ratio_value(numerator: int, denominator: int, *, start: dt.date, end: dt.date, source: str) -> MetricValue | None:
    """A numerator over a denominator counted over [start, end]; None over nothing."""
    if not denominator:
        return None
    return MetricValue(
        data={"numerator": numerator, "denominator": denominator},
        period=period_text(start, end),
        source=source,
        until=end,
    )


Provider = Callable[..., MetricValue | None]
# Where the records behind a figure are listed: (agency, year) -> a URL, or None.
Link = Callable[[Any, int], str | None]


@dataclass(frozen=True)
class Metric:
    """`unit` is what the number is in ("%" for ratios and percents, else a noun such as "hồ sơ");
    `link` opens the records that produced it (the dossiers, the tasks, the responses)."""

    key: str
    label: str
    provider: Provider
    unit: str = "%"
    link: Link | None = None


METRICS: dict[str, Metric] = {}


def register_metric(key: str, label: str, provider: Provider, *, unit: str = "%", link: Link | None = None) -> None:
    METRICS[key] = Metric(key, label, provider, unit, link)


def metric_link(key: str, agency: Any, year: int) -> str | None:
    metric = METRICS.get(key)
    return metric.link(agency, year) if metric and metric.link else None


# Several figures often come from one pass over a register (every Decision 766 rate from one
# aggregate). Inside `batch()`, a function wrapped with `shared` runs once per distinct arguments,
# so a page showing 60 targets reads each register once (issue 22's O(1) queries).
_BATCH: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar("metrics_batch", default=None)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    token = _BATCH.set({}) if _BATCH.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _BATCH.reset(token)


def shared[F: Callable[..., Any]](function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        memo = _BATCH.get()
        if memo is None:
            return function(*args, **kwargs)
        key = (function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]

    return wrapper  # type: ignore[return-value]


def compute_metric(key: str, *, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Inside `batch()`, one figure is computed once however many targets or criteria read it."""
    metric = METRICS.get(key)
    if metric is None:
        return None
    memo = _BATCH.get()
    if memo is None:
        return metric.provider(agency=agency, year=year, today=today)
    memo_key = ("compute_metric", key, getattr(agency, "pk", agency), year, today)
    if memo_key not in memo:
        memo[memo_key] = metric.provider(agency=agency, year=year, today=today)
    found: MetricValue | None = memo[memo_key]
    return found
