"""Daily job: warn before a dossier goes late (service_quality_766.md §8) and queued file imports."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import members_with
from core.calendar import WorkingCalendar
from core.jobs import daily_job, notifications, notify, queue_handler
from core.models import Notification, Role
from procedures import importing, services
from procedures.models import Dossier


@daily_job("procedures.at_risk")
def at_risk_alerts(*, today: dt.date, cal: WorkingCalendar) -> dict[str, Any]:
    """Officers and heads of the dossier's unit and the Office focal point are told of each dossier
    due within one working day without a result and without an apology letter yet."""
    rows = (
        services.at_risk(Dossier.objects.all(), today=today, cal=cal)
        .filter(due_date__gte=today, apology_date__isnull=True)
        .values_list("pk", "agency_id", "unit_id", "code", "due_date")
    )

    @cache
    def focal_points(agency_id: int) -> set[int]:
        return members_with(agency_id, [Role.FOCAL_POINT])

    @cache
    def desk(agency_id: int, unit_id: int) -> set[int]:
        return members_with(agency_id, [Role.UNIT_HEAD, Role.OFFICER], unit_id=unit_id)

    items: list[Notification] = []
    for pk, agency_id, unit_id, code, due_date in rows.iterator(chunk_size=2000):
        title = _(
            "Dossier %(code)s is due on %(date)s without a result: send the apology letter if it will be late"
        ) % {"code": code, "date": f"{due_date:%d/%m/%Y}"}
        items += notifications(
            focal_points(agency_id) | (desk(agency_id, unit_id) if unit_id else set()),
            key=f"dossier_due:{pk}:{due_date.isoformat()}",
            kind="dossier_due",
            title=title,
            url=reverse("procedures:dossier", args=[pk]),
            day=today,
        )
    return {"notifications": notify(items)}


@queue_handler("procedures.imports")
def imports() -> int:
    return importing.process_queue()
