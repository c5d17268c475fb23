"""Daily job: remind owner units of periodic metric values that are missing, and refresh the
system figures of scorecards in self-scoring."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import daily_job, notifications, notify
from core.models import Notification, Role
from scorecards import metrics, services
from scorecards.models import MetricSeries, Phase, Scorecard


@daily_job("scorecards.metrics")
def metric_reminders(*, today: dt.date, cal: WorkingCalendar) -> dict[str, int]:
    items: list[Notification] = []
    for series in MetricSeries.objects.select_related("owner_unit"):
        missing = metrics.missing_periods(series, today)
        if not missing:
            continue
        people = members_with(series.agency_id, [Role.UNIT_HEAD, Role.OFFICER], unit_id=series.owner_unit_id)
        url = reverse("scorecards:series_detail", args=[series.pk])
        for _start, end, label in missing:
            title = _("Missing value for %(period)s: %(series)s") % {"period": label, "series": series.name}
            key = f"metric:{series.pk}:{end.isoformat()}"
            items += notifications(people, key=key, kind="metric_missing", title=title, url=url, day=today)
    refreshed = 0
    for card in Scorecard.objects.filter(round__phase=Phase.SELF, status=Scorecard.Status.DRAFT).select_related(
        "round__criteria_set", "agency"
    ):
        refreshed += services.refresh_metrics(actor=None, scorecard=card, today=today)
    return {"notifications": notify(items), "metrics_refreshed": refreshed}
