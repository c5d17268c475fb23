"""Daily job: remind owner units of periodic metric values that are missing, and refresh the
system figures of scorecards in self-scoring."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.jobs import daily_job, notify
from core.models import Membership, Notification, Role
from scorecards import services
from scorecards.models import MetricSeries, Phase, Scorecard


@daily_job("scorecards.metrics")
def metric_reminders(*, today: dt.date, cal: WorkingCalendar) -> dict:
    items = []
    for series in MetricSeries.objects.select_related("owner_unit"):
        missing = services.missing_periods(series, today)
        if not missing:
            continue
        users = set(
            Membership.objects.filter(unit=series.owner_unit, role__in=[Role.UNIT_HEAD, Role.OFFICER]).values_list(
                "user_id", flat=True
            )
        )
        url = reverse("scorecards:series_detail", args=[series.pk])
        for _start, end, label in missing:
            title = _("Missing value for %(period)s: %(series)s") % {"period": label, "series": series.name}
            items += [
                Notification(
                    user_id=user_id,
                    key=f"metric:{series.pk}:{end.isoformat()}",
                    kind="metric_missing",
                    title=title[:300],
                    url=url,
                    for_date=today,
                )
                for user_id in users
            ]
    refreshed = 0
    for card in Scorecard.objects.filter(round__phase=Phase.SELF, status=Scorecard.Status.DRAFT).select_related(
        "round__criteria_set", "agency"
    ):
        refreshed += services.refresh_metrics(actor=None, scorecard=card, today=today)
    return {"notifications": notify(items), "metrics_refreshed": refreshed}
