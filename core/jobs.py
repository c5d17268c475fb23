"""Daily background jobs and the e-mail digest, safe to run from several worker processes.

Domain apps register their daily jobs here (in AppConfig.ready). A job run is claimed by
inserting a unique (job, day) row; notifications are unique per (user, key) and a digest is
unique per (user, day), so restarting a worker or running two of them never repeats a message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.calendar import WorkingCalendar
from core.models import DigestDelivery, Notification, WorkerRun
from core.services import load_calendar

log = logging.getLogger(__name__)
DAILY_JOBS: dict[str, Callable[..., dict]] = {}
STALE_CLAIM = dt.timedelta(minutes=30)


def daily_job(name: str):
    def register(func: Callable[..., dict]) -> Callable[..., dict]:
        DAILY_JOBS[name] = func
        return func

    return register


def _claim(job: str, day: dt.date) -> WorkerRun | None:
    try:
        with transaction.atomic():
            return WorkerRun.objects.create(job=job, day=day)
    except IntegrityError:
        pass
    run = WorkerRun.objects.get(job=job, day=day)
    if run.finished_at is None and run.started_at < timezone.now() - STALE_CLAIM:
        # The worker that claimed it died; the job is idempotent, so take it over.
        claimed = WorkerRun.objects.filter(pk=run.pk, started_at=run.started_at, finished_at__isnull=True).update(
            started_at=timezone.now()
        )
        return WorkerRun.objects.get(pk=run.pk) if claimed else None
    return None


def run_daily_jobs(*, today: dt.date, cal: WorkingCalendar | None = None) -> dict[str, dict]:
    cal = cal or load_calendar()
    results = {}
    for name, func in DAILY_JOBS.items():
        run = _claim(name, today)
        if run is None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            result = func(today=today, cal=cal)
        run.finished_at = timezone.now()
        run.result = result
        run.save(update_fields=["finished_at", "result"])
        results[name] = result
    return results


def notify(items: list[Notification]) -> int:
    """Creates notifications, ignoring ones already created (same user and key)."""
    before = Notification.objects.count() if items else 0
    Notification.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before if items else 0


def send_digests(*, today: dt.date) -> int:
    """One e-mail per person per day with that day's notifications; returns how many were sent."""
    user_ids = (
        Notification.objects.filter(for_date=today, emailed_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(user_id=user_id, day=today)
        except IntegrityError:
            continue  # another worker (or an earlier run) owns today's digest for this person
        items = list(
            Notification.objects.filter(user_id=user_id, for_date=today, emailed_at__isnull=True)
            .select_related("user")
            .order_by("kind", "title")
        )
        user = items[0].user
        if user.email:
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string(
                    "core/email/digest.txt", {"user": user, "items": items, "site_url": settings.SITE_URL, "day": today}
                )
                subject = render_to_string("core/email/digest_subject.txt", {"count": len(items), "day": today})
            send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        delivery.sent_at, delivery.item_count = now, len(items)
        delivery.save(update_fields=["sent_at", "item_count"])
    return sent


def run_once(*, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    results = run_daily_jobs(today=today)
    results["digests"] = send_digests(today=today)
    return results
