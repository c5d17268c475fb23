"""Daily job: the period-end values of every target (issue 22), taken the day after each month
end and never overwritten, so the trend survives later corrections of the registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.calendar import WorkingCalendar
from core.jobs import daily_job
from targets import services


@daily_job("targets.snapshots")
def snapshots(*, today: dt.date, cal: WorkingCalendar) -> dict[str, Any]:
    return {"snapshots": services.take_snapshots(today=today)}
