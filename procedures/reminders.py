"""Daily job: warn before a dossier goes late (service_quality_766.md §8) and queued file imports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.jobs import daily_job, notify, queue_handler
from core.models import Membership, Notification, Role
from procedures import importing, services
from procedures.models import Dossier


@daily_job("procedures.at_risk")
def at_risk_alerts(*, today: dt.date, cal: WorkingCalendar) -> dict:
    """Officers and heads of the dossier's unit and the Office focal point are told of each dossier
    due within one working day without a result and without an apology letter yet."""
    rows = (
        services.at_risk(Dossier.objects.all(), today=today, cal=cal)
        .filter(due_date__gte=today, apology_date__isnull=True)
        .values_list("pk", "agency_id", "unit_id", "code", "due_date")
    )
    people: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    for user_id, agency_id, unit_id, role in Membership.objects.filter(
        role__in=[Role.UNIT_HEAD, Role.OFFICER, Role.FOCAL_POINT]
    ).values_list("user_id", "agency_id", "unit_id", "role"):
        people[(agency_id, None if role == Role.FOCAL_POINT else unit_id)].add(user_id)
    items = []
    for pk, agency_id, unit_id, code, due_date in rows.iterator(chunk_size=2000):
        users = people.get((agency_id, None), set()) | (people.get((agency_id, unit_id), set()) if unit_id else set())
        title = _(
            "Dossier %(code)s is due on %(date)s without a result: send the apology letter if it will be late"
        ) % {
            "code": code,
            "date": f"{due_date:%d/%m/%Y}",
        }
        url = reverse("procedures:dossier", args=[pk])
        items += [
            Notification(
                user_id=user_id,
                key=f"dossier_due:{pk}:{due_date.isoformat()}",
                kind="dossier_due",
                title=title[:300],
                url=url,
                for_date=today,
            )
            for user_id in users
        ]
    return {"notifications": notify(items)}


@queue_handler("procedures.imports")
def imports() -> int:
    return importing.process_queue()
