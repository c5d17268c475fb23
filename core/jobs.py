"""Daily background jobs and the e-mail digest, safe to run from several worker processes.

Domain apps register their daily jobs here (in AppConfig.ready). A job run is claimed by
inserting a unique (job, day) row; notifications are unique per (user, key) and a digest is
unique per (user, day), so restarting a worker or running two of them never repeats a message.

Stopping: run_worker turns SIGTERM and SIGINT into request_stop(). A running job notices at its
next checkpoint() (or while it waits on a child process: core.sandbox) and raises WorkerStopping;
the job then gives its claim back (queued again, heartbeat cleared), so another worker takes it at
once, and the worker exits. Long jobs beat their claim's heartbeat at least every
WORKER_HEARTBEAT_SECONDS (Heartbeat); a claim whose heartbeat is older than
WORKER_STALE_SECONDS belongs to a worker that died, and is taken over.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.calendar import WorkingCalendar
from core.models import DigestDelivery, Notification, WorkerRun
from core.services import load_calendar

log = logging.getLogger(__name__)
Result = dict[str, Any]  # what a daily job reports (stored on its WorkerRun)
DailyJob = Callable[..., Result]  # called as job(today=..., cal=...)
DAILY_JOBS: dict[str, DailyJob] = {}
# Queued work (e.g. dossier file imports) polled every few seconds; each handler claims its own rows
# and returns how many items it finished.
QUEUE_HANDLERS: dict[str, Callable[[], int]] = {}
STALE_CLAIM = dt.timedelta(minutes=30)
STOP = threading.Event()


class WorkerStopping(BaseException):  # noqa: N818  (like KeyboardInterrupt: not an error to catch broadly)
    """The worker was asked to stop: the job gives its claim back and the worker exits."""


def request_stop() -> None:
    STOP.set()


def checkpoint() -> None:
    """Raises WorkerStopping once the worker has been asked to stop (a job's safe points)."""
    if STOP.is_set():
        raise WorkerStopping


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """A claim whose heartbeat is older than this belongs to a worker that died."""
    return (now or timezone.now()) - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)


class Heartbeat:
    """Called often (between steps, while waiting on a child process): checks for a stop and
    calls `beat` at most every WORKER_HEARTBEAT_SECONDS. Same thread as the job, so a beat uses
    the job's own database connection and a fork stays single-threaded."""

    def __init__(self, beat: Callable[[], None], every: float | None = None) -> None:
        self.beat = beat
        self.every = settings.WORKER_HEARTBEAT_SECONDS if every is None else every
        self.last = time.monotonic()

    def __call__(self) -> None:
        checkpoint()
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            try:
                self.beat()
            except Exception:  # a missed beat is not the job's failure; the next one may pass
                log.warning("heartbeat failed", exc_info=True)


def daily_job(name: str) -> Callable[[DailyJob], DailyJob]:
    def register(func: DailyJob) -> DailyJob:
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


def run_daily_jobs(*, today: dt.date, cal: WorkingCalendar | None = None) -> dict[str, Result]:
    cal = cal or load_calendar()
    results: dict[str, Result] = {}
    for name, func in DAILY_JOBS.items():
        if STOP.is_set():
            break
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


def notification(user_id: int, *, key: str, kind: str, title: str, url: str = "", day: dt.date) -> Notification:
    """One unsaved notification for `notify`: `key` names the event (one message per person and
    key, whoever runs the job and however often), `day` the day it is about."""
    return Notification(user_id=user_id, key=key[:200], kind=kind, title=str(title)[:300], url=url, for_date=day)


def notifications(
    user_ids: Iterable[int], *, key: str, kind: str, title: str, url: str = "", day: dt.date
) -> list[Notification]:
    """The same notification for several people."""
    return [notification(uid, key=key, kind=kind, title=title, url=url, day=day) for uid in sorted(set(user_ids))]


def notify(items: list[Notification]) -> int:
    """Creates notifications, ignoring ones already created (same user and key); returns how
    many are new. Only the rows with these keys are counted, never the whole table."""
    if not items:
        return 0
    mine = Notification.objects.filter(key__in={n.key for n in items}, user_id__in={n.user_id for n in items})
    before = mine.count()
    Notification.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
    return mine.count() - before


def _claim_digest(user_id: int, day: dt.date, now: dt.datetime) -> DigestDelivery | None:
    """Today's digest of one person, claimed by exactly one worker; a claim left unsent by a
    worker that died (or whose mail server failed) is taken over after STALE_CLAIM."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(user_id=user_id, day=day, claimed_at=now)
    except IntegrityError:
        pass
    taken = DigestDelivery.objects.filter(
        user_id=user_id, day=day, sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM
    ).update(claimed_at=now)
    return DigestDelivery.objects.get(user_id=user_id, day=day) if taken else None


def send_digests(*, now: dt.datetime) -> int:
    """One e-mail per person per day, from DIGEST_HOUR on, with every notification not yet
    e-mailed (later ones wait for the next day's digest; all are in the app at once).
    Returns how many e-mails were sent."""
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    today = local.date()
    pending = Notification.objects.filter(emailed_at__isnull=True, user__email_digest=True)
    sent = 0
    done_today = DigestDelivery.objects.filter(day=today, sent_at__isnull=False).values("user_id")
    for user_id in list(pending.exclude(user_id__in=done_today).values_list("user_id", flat=True).distinct()):
        delivery = _claim_digest(user_id, today, now)
        if delivery is None:
            continue  # another worker has it, or today's digest is already sent
        items = list(pending.filter(user_id=user_id).select_related("user").order_by("kind", "title"))
        user = items[0].user if items else None
        try:
            if user is not None and user.email:
                with translation.override(settings.LANGUAGE_CODE):
                    context = {"user": user, "items": items, "site_url": settings.SITE_URL, "day": today}
                    body = render_to_string("core/email/digest.txt", context)
                    subject = render_to_string("core/email/digest_subject.txt", {"count": len(items), "day": today})
                send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [user.email])
                sent += 1
        except Exception:  # the claim stays unsent and is retried after STALE_CLAIM
            log.exception("digest for user %s failed", user_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        delivery.sent_at, delivery.item_count = now, len(items)
        delivery.save(update_fields=["sent_at", "item_count"])
    return sent


def queue_handler(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def register(func: Callable[[], int]) -> Callable[[], int]:
        QUEUE_HANDLERS[name] = func
        return func

    return register


def drain[T](claim: Callable[[], T | None], work: Callable[[T], object], *, limit: int) -> int:
    """A queue handler's loop: claims one item and works on it, up to `limit` items, until
    `claim` finds none; stops at a checkpoint() before each claim when the worker is asked to stop
    (nothing is claimed then). Returns how many items were worked on."""
    done = 0
    while done < limit:
        checkpoint()
        item = claim()
        if item is None:
            break
        work(item)
        done += 1
    return done


def run_queues() -> dict[str, int]:
    results: dict[str, int] = {}
    for name, func in QUEUE_HANDLERS.items():
        if STOP.is_set():
            break
        with translation.override(settings.LANGUAGE_CODE):
            done = func()
        if done:
            results[name] = done
    return results


def run_once(*, now: dt.datetime | None = None) -> dict[str, Result | int]:
    """One cycle of the worker: the day's jobs, the queues, the digests; what each did."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    results: dict[str, Result | int] = {**run_daily_jobs(today=today)}
    results.update(run_queues())
    results["digests"] = 0 if STOP.is_set() else send_digests(now=now)
    return results
