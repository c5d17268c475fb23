"""The worker's machinery (core.jobs): daily jobs claimed once per day, stale claims taken over,
queues drained until empty or until the worker is asked to stop, notifications de-duplicated,
heartbeats. The reminders the domain jobs send are in test_worker.py."""

import datetime as dt
import logging

import pytest
from django.utils import timezone, translation

from core import jobs
from core.models import Notification, WorkerRun

DAY = dt.date(2026, 11, 16)


@pytest.fixture
def only_job(monkeypatch):
    """The registry holding just the given daily jobs (the apps' own jobs do not run)."""

    def install(**registered):
        monkeypatch.setattr(jobs, "DAILY_JOBS", dict(registered))

    return install


class Recorder:
    """A daily job that records each call and the language it ran in."""

    def __init__(self, result=None):
        self.calls = []
        self.result = result if result is not None else {"done": 1}

    def __call__(self, *, today, cal):
        self.calls.append((today, translation.get_language()))
        return self.result


# --- daily jobs ----------------------------------------------------------------------------------


def test_a_daily_job_runs_once_a_day_and_keeps_its_result(db, cal, only_job):
    job = Recorder({"sent": 3})
    only_job(**{"test.job": job})
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {"test.job": {"sent": 3}}
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {}  # claimed already: not again
    assert [day for day, _language in job.calls] == [DAY]
    run = WorkerRun.objects.get(job="test.job", day=DAY)
    assert run.finished_at is not None and run.result == {"sent": 3}
    jobs.run_daily_jobs(today=DAY + dt.timedelta(days=1), cal=cal)  # the next day is a new claim
    assert len(job.calls) == 2


def test_a_daily_job_runs_in_the_site_language(db, cal, only_job, settings):
    job = Recorder()
    only_job(**{"test.job": job})
    with translation.override("en"):
        jobs.run_daily_jobs(today=DAY, cal=cal)
    assert job.calls == [(DAY, settings.LANGUAGE_CODE)]


def test_an_unfinished_claim_is_taken_over_only_once_it_is_stale(db, cal, only_job):
    job = Recorder()
    only_job(**{"test.job": job})
    WorkerRun.objects.create(job="test.job", day=DAY)  # another worker is running it now
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {} and job.calls == []
    dead = timezone.now() - jobs.STALE_CLAIM - dt.timedelta(minutes=1)
    WorkerRun.objects.filter(job="test.job").update(started_at=dead)  # that worker died
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {"test.job": {"done": 1}}
    run = WorkerRun.objects.get(job="test.job", day=DAY)
    assert run.started_at > dead and run.finished_at is not None
    assert WorkerRun.objects.count() == 1


def test_a_finished_run_is_never_taken_over(db, cal, only_job):
    job = Recorder()
    only_job(**{"test.job": job})
    long_ago = timezone.now() - 10 * jobs.STALE_CLAIM
    WorkerRun.objects.create(job="test.job", day=DAY, finished_at=long_ago)
    WorkerRun.objects.filter(job="test.job").update(started_at=long_ago)
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {} and job.calls == []


def test_a_stale_claim_taken_by_another_worker_meanwhile_is_left_to_it(db, only_job):
    """The take-over is a conditional update on the claim's start: of two workers seeing the same
    stale claim, only the first gets it."""
    dead = timezone.now() - jobs.STALE_CLAIM - dt.timedelta(minutes=1)
    WorkerRun.objects.create(job="test.job", day=DAY)
    WorkerRun.objects.filter(job="test.job").update(started_at=dead)
    first = jobs._claim("test.job", DAY)
    assert first is not None and first.started_at > dead
    assert jobs._claim("test.job", DAY) is None  # the claim is fresh again


def test_no_daily_job_is_claimed_once_the_worker_is_asked_to_stop(db, cal, only_job):
    job = Recorder()
    only_job(**{"test.job": job})
    jobs.request_stop()
    assert jobs.run_daily_jobs(today=DAY, cal=cal) == {}
    assert job.calls == [] and not WorkerRun.objects.exists()


def test_daily_job_registers_under_its_name(monkeypatch):
    monkeypatch.setattr(jobs, "DAILY_JOBS", {})

    @jobs.daily_job("test.registered")
    def job(*, today, cal):
        return {}

    registered = jobs.DAILY_JOBS
    assert registered == {"test.registered": job}


# --- queues --------------------------------------------------------------------------------------


def test_drain_works_on_items_until_none_is_left():
    waiting, worked = [1, 2, 3], []
    assert jobs.drain(lambda: waiting.pop(0) if waiting else None, worked.append, limit=10) == 3
    assert worked == [1, 2, 3]


def test_drain_stops_at_its_limit_and_leaves_the_rest_unclaimed():
    waiting, worked = [1, 2, 3], []
    assert jobs.drain(lambda: waiting.pop(0) if waiting else None, worked.append, limit=2) == 2
    assert worked == [1, 2] and waiting == [3]


def test_drain_claims_nothing_once_the_worker_is_asked_to_stop():
    claims = []

    def claim():
        claims.append(1)
        return "item"

    jobs.request_stop()
    with pytest.raises(jobs.WorkerStopping):
        jobs.drain(claim, lambda item: None, limit=5)
    assert claims == []


def test_drain_stops_between_items_when_asked_during_one():
    waiting, worked = [1, 2, 3], []

    def work(item):
        worked.append(item)
        jobs.request_stop()  # SIGTERM while the first item is worked on

    with pytest.raises(jobs.WorkerStopping):
        jobs.drain(lambda: waiting.pop(0) if waiting else None, work, limit=10)
    assert worked == [1] and waiting == [2, 3]  # the next items stay queued for another worker


def test_run_queues_reports_the_queues_that_did_something(monkeypatch, settings):
    languages = []

    def busy():
        languages.append(translation.get_language())
        return 2

    monkeypatch.setattr(jobs, "QUEUE_HANDLERS", {"test.busy": busy, "test.idle": lambda: 0})
    with translation.override("en"):
        assert jobs.run_queues() == {"test.busy": 2}
    assert languages == [settings.LANGUAGE_CODE]


def test_run_queues_starts_no_queue_once_the_worker_is_asked_to_stop(monkeypatch):
    called = []
    monkeypatch.setattr(jobs, "QUEUE_HANDLERS", {"test.q": lambda: called.append(1) or 1})
    jobs.request_stop()
    assert jobs.run_queues() == {} and called == []


def test_queue_handler_registers_under_its_name(monkeypatch):
    monkeypatch.setattr(jobs, "QUEUE_HANDLERS", {})

    @jobs.queue_handler("test.registered")
    def handler():
        return 0

    registered = jobs.QUEUE_HANDLERS
    assert registered == {"test.registered": handler}


def test_run_once_runs_the_jobs_the_queues_and_the_digests(db, monkeypatch, only_job):
    only_job(**{"test.job": Recorder({"n": 1})})
    monkeypatch.setattr(jobs, "QUEUE_HANDLERS", {"test.q": lambda: 4})
    dawn = timezone.make_aware(dt.datetime(2026, 11, 16, 0, 5))  # before the digest hour
    assert jobs.run_once(now=dawn) == {"test.job": {"n": 1}, "test.q": 4, "digests": 0}
    assert WorkerRun.objects.get().day == DAY  # the local day of `now`


def test_run_once_sends_no_digest_once_the_worker_is_asked_to_stop(db, monkeypatch, only_job):
    only_job()
    monkeypatch.setattr(jobs, "QUEUE_HANDLERS", {})
    sent = []
    monkeypatch.setattr(jobs, "send_digests", lambda *, now: sent.append(now) or 1)
    noon = timezone.make_aware(dt.datetime(2026, 11, 16, 12, 0))
    assert jobs.run_once(now=noon)["digests"] == 1
    jobs.request_stop()
    assert jobs.run_once(now=noon) == {"digests": 0} and len(sent) == 1


# --- stopping and heartbeats ---------------------------------------------------------------------


def test_checkpoint_raises_only_after_a_stop_request():
    jobs.checkpoint()  # nothing asked yet
    jobs.request_stop()
    with pytest.raises(jobs.WorkerStopping):
        jobs.checkpoint()


def test_worker_stopping_is_not_caught_as_an_error():
    """A job's `except Exception` (e.g. around one row) must not swallow the stop."""
    assert not issubclass(jobs.WorkerStopping, Exception)
    jobs.request_stop()
    with pytest.raises(jobs.WorkerStopping):
        try:
            jobs.checkpoint()
        except Exception:  # pragma: no cover  (the point: never reached)
            pytest.fail("WorkerStopping was caught as an Exception")


def test_stale_before_is_the_stale_window_before_now(settings):
    settings.WORKER_STALE_SECONDS = 90
    now = timezone.make_aware(dt.datetime(2026, 11, 16, 8, 0))
    assert jobs.stale_before(now) == now - dt.timedelta(seconds=90)


@pytest.fixture
def clock(fake_time):
    return fake_time(jobs)


def test_a_heartbeat_beats_at_most_every_interval(clock):
    start, beats = clock.now, []
    heartbeat = jobs.Heartbeat(lambda: beats.append(clock.now - start), every=20)
    heartbeat()
    clock.now += 19
    heartbeat()
    assert beats == []  # not yet 20 s since the start
    clock.now += 1
    heartbeat()
    clock.now += 5
    heartbeat()
    assert beats == [20]
    clock.now += 20
    heartbeat()
    assert beats == [20, 45]


def test_a_heartbeat_takes_its_interval_from_the_settings(settings, clock):
    settings.WORKER_HEARTBEAT_SECONDS = 7
    beats = []
    heartbeat = jobs.Heartbeat(lambda: beats.append(1))
    assert heartbeat.every == 7
    clock.now += 7
    heartbeat()
    assert beats == [1]


def test_a_heartbeat_checks_for_a_stop_before_beating(clock):
    beats = []
    heartbeat = jobs.Heartbeat(lambda: beats.append(1), every=0)
    jobs.request_stop()
    with pytest.raises(jobs.WorkerStopping):
        heartbeat()
    assert beats == []


def test_a_failed_beat_is_logged_and_the_job_goes_on(clock, caplog):
    def broken():
        raise RuntimeError("database away")

    heartbeat = jobs.Heartbeat(broken, every=0)
    with caplog.at_level(logging.WARNING, logger="core.jobs"):
        heartbeat()
    assert "heartbeat failed" in caplog.text


# --- notifications -------------------------------------------------------------------------------


def test_notify_counts_only_the_new_ones(org):
    old = jobs.notification(org.officer.pk, key="task:1:overdue", kind="overdue", title="Quá hạn", day=DAY)
    jobs.notify([old])
    Notification.objects.create(user=org.head, key="other", kind="overdue", title="Khác", for_date=DAY)
    again = jobs.notification(org.officer.pk, key="task:1:overdue", kind="overdue", title="Lần hai", day=DAY)
    new = jobs.notification(org.officer.pk, key="task:2:overdue", kind="overdue", title="Mới", day=DAY)
    head = jobs.notification(org.head.pk, key="task:1:overdue", kind="overdue", title="Quá hạn", day=DAY)
    assert jobs.notify([again, new, head]) == 2  # the officer's task 1 was there already
    assert jobs.notify([]) == 0
    mine = Notification.objects.filter(user=org.officer).order_by("key")
    assert [(n.key, n.title) for n in mine] == [("task:1:overdue", "Quá hạn"), ("task:2:overdue", "Mới")]


def test_a_notification_keeps_its_key_within_the_column(org):
    item = jobs.notification(org.officer.pk, key="k" * 250, kind="overdue", title="T", url="/x/", day=DAY)
    assert (len(item.key), item.url, item.for_date, item.pk) == (200, "/x/", DAY, None)
