"""One target as plain data (decimals as text, dates in ISO 8601), for the API and the `targets`
command alike (issue 22: one figure, one source)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from targets.models import TargetSnapshot
from targets.selectors import Row


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def as_data(row: Row) -> dict[str, Any]:
    target, actual = row.target, row.actual
    return {
        "id": target.pk,
        "agency": target.agency.code,
        "plan": target.plan_id,
        "year": target.plan.year,
        "code": target.code,
        "name": target.name,
        "section": target.section,
        "source_text": target.source_text,
        "unit": target.unit,
        "direction": target.direction,
        "baseline": text(target.baseline),
        "baseline_label": target.baseline_label,
        "baseline_source": target.baseline_source,
        "target": text(target.target_value),
        "due_date": target.due_date.isoformat(),
        "owner_unit": target.owner_unit.code if target.owner_unit else None,
        "actual": text(actual.value),
        "numerator": text(actual.numerator),
        "denominator": text(actual.denominator),
        "as_of": actual.as_of.isoformat() if actual.as_of else None,
        "period": actual.period,
        "source": actual.source,
        "link": actual.link,
        "url": target.get_absolute_url(),
        "status": row.status,
        "status_label": row.status_label,
        "rule": row.verdict.rule,
        "measure": target.measure,
        "measure_key": target.measure_key,
        "tasks": [task.code for task in row.tasks],
        "to_be_confirmed": target.to_be_confirmed,
        "parent": target.parent.code if target.parent else None,
    }


def history_data(snapshots: list[TargetSnapshot]) -> list[dict[str, Any]]:
    return [
        {
            "period_end": s.period_end.isoformat(),
            "period": s.period_label,
            "value": text(s.value),
            "status": s.status,
            "corrected": s.corrected_at is not None,
        }
        for s in snapshots
    ]
