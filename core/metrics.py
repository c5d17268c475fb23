"""A small registry of figures that domain apps compute from their own data (task completion rate,
dossier on-time rate, ...), so that scoring can feed `external` criteria without importing them.

A provider returns a MetricValue or None (no data for that agency and year yet). Apps register in
AppConfig.ready; the criteria set names a metric by its key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MetricValue:
    """`data` is a declared value in the criteria file form: {numerator, denominator}, {percent}
    or {count}; `period` says what it covers and `source` where it comes from."""

    data: dict[str, Any]
    period: str
    source: str

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


Provider = Callable[..., MetricValue | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    provider: Provider


METRICS: dict[str, Metric] = {}


def register_metric(key: str, label: str, provider: Provider) -> None:
    METRICS[key] = Metric(key, label, provider)


def compute_metric(key: str, *, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    metric = METRICS.get(key)
    return metric.provider(agency=agency, year=year, today=today) if metric else None
