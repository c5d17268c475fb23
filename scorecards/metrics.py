"""Periodic metric series an agency enters itself (a disbursement rate every quarter...): the
periods of a year, the values entered, the ones missing, and the figure a criterion takes from a
series or, failing one, from a system metric (`core.metrics`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.metrics import MetricValue, compute_metric
from core.models import Agency, Document, User
from core.services import diff, log_action
from scorecards.errors import ScoreError
from scorecards.models import MetricEntry, MetricSeries

PERIOD_DAYS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}
Period = tuple[dt.date, dt.date, str]


def series_value(series: MetricSeries, year: int) -> MetricValue | None:
    """The latest period of the year entered for a series (values are cumulative from January)."""
    entry = series.entries.filter(period_end__year=year).order_by("-period_end").first()
    if entry is None:
        return None
    if series.kind == MetricSeries.Kind.RATIO:
        if not entry.denominator:
            return None
        data: dict[str, Any] = {"numerator": str(entry.numerator or 0), "denominator": str(entry.denominator)}
    elif series.kind == MetricSeries.Kind.PERCENT:
        data = {"percent": str(entry.value or 0)}
    else:
        data = {"count": str(entry.value or 0)}
    return MetricValue(
        data=data, period=entry.period_label, source=_("Entered by %(unit)s") % {"unit": series.owner_unit}
    )


def metric_for(key: str, *, agency: Agency, year: int, today: dt.date) -> MetricValue | None:
    """A series the agency enters wins over a system metric of the same key."""
    series = MetricSeries.objects.filter(agency=agency, key=key).select_related("owner_unit").first()
    if series is not None:
        return series_value(series, year)
    return compute_metric(key, agency=agency, year=year, today=today)


def period_ends(frequency: str, year: int) -> list[Period]:
    """(start, end, label) of every period of a year."""
    step = PERIOD_DAYS[frequency]
    periods = []
    for index, month in enumerate(range(1, 13, step), start=1):
        start = dt.date(year, month, 1)
        last_month = month + step - 1
        end = dt.date(year + (last_month // 12), last_month % 12 + 1, 1) - dt.timedelta(days=1)
        label = {
            "monthly": f"{month:02d}/{year}",
            "quarterly": f"Quý {index}/{year}",
            "semiannual": f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}",
            "yearly": f"Năm {year}",
        }[frequency]
        periods.append((start, end, label))
    return periods


def missing_periods(series: MetricSeries, today: dt.date) -> list[Period]:
    """Periods ended in the last 12 months without a value (last year's Q4 and yearly figure
    are still asked for in January, when self-scoring happens)."""
    since = today - dt.timedelta(days=366)
    entered = set(series.entries.filter(period_end__gte=since).values_list("period_end", flat=True))
    periods = period_ends(series.frequency, today.year - 1) + period_ends(series.frequency, today.year)
    return [p for p in periods if since <= p[1] < today and p[1] not in entered]


@transaction.atomic
def enter_metric(
    *,
    actor: User | None,
    series: MetricSeries,
    period_end: dt.date,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    value: Decimal | None = None,
    note: str = "",
    documents: Iterable[Document] = (),
) -> MetricEntry:
    match = [p for p in period_ends(series.frequency, period_end.year) if p[1] == period_end]
    if not match:
        raise ScoreError(_("%(date)s is not the end of a period of this series.") % {"date": f"{period_end:%d/%m/%Y}"})
    start, end, label = match[0]
    if series.kind == MetricSeries.Kind.RATIO:
        if numerator is None or not denominator:
            raise ScoreError(_("Give the numerator and a denominator greater than 0."))
        if numerator > denominator:
            raise ScoreError(_("The numerator cannot exceed the denominator."))
    elif value is None:
        raise ScoreError(_("Give the value."))
    entry = MetricEntry.objects.filter(series=series, period_end=end).first()
    before = _entry_snapshot(entry) if entry else {}
    entry = entry or MetricEntry(series=series, period_end=end)
    entry.period_start, entry.period_label = start, label
    entry.numerator, entry.denominator, entry.value, entry.note = numerator, denominator, value, note
    entry.entered_by = actor
    entry.save()
    documents = list(documents)
    if documents:
        entry.evidence.add(*documents)
    log_action(
        actor=actor,
        agency=series.agency,
        action="metric.entered",
        obj=entry,
        changes=diff(before, _entry_snapshot(entry)),
        note=f"{series.key} {label}",
    )
    return entry


def _entry_snapshot(entry: MetricEntry) -> dict[str, Any]:
    return {"numerator": entry.numerator, "denominator": entry.denominator, "value": entry.value, "note": entry.note}
