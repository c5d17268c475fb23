"""Figures the plan provides to other modules (core.metrics registry)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.metrics import MetricValue, register_metric
from plans.models import Task, TaskStatus


def task_completion_rate(*, agency, year: int, today: dt.date) -> MetricValue | None:
    """Tasks of the year's plans done on time over tasks due so far (cancelled tasks left out)."""
    end = min(today, dt.date(year, 12, 31))
    counts = (
        Task.objects.filter(agency=agency, plan__year=year, deadline__lte=end)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(status=TaskStatus.DONE)))
    )
    if not counts["due"]:
        return None
    return MetricValue(
        data={"numerator": counts["on_time"], "denominator": counts["due"]},
        period=f"01/01/{year} – {end:%d/%m/%Y}",
        source=_("Plan tasks done on time / tasks due"),
    )


def register() -> None:
    register_metric("task_completion_rate", _("Task completion rate (plan)"), task_completion_rate)
