"""Reminders and digests: idempotent across restarts and across two concurrent workers."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core import jobs
from core.models import DigestDelivery, Notification, WorkerRun
from plans.models import Task

MONDAY = dt.date(2026, 11, 16)
MORNING = timezone.make_aware(dt.datetime(2026, 11, 16, 8, 0))


@pytest.fixture
def due_tasks(make_task, org):
    overdue = make_task(start_date=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 10))  # 4 working days late
    soon = make_task(start_date=dt.date(2026, 10, 1), deadline=dt.date(2026, 11, 19), progress=90)  # due in 3
    soon.assignees.set([org.officer])
    return overdue, soon


def test_reminders_reach_the_right_people_and_escalate(due_tasks, org, cal):
    overdue, soon = due_tasks
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    mine = Notification.objects.filter(user=org.officer)
    assert mine.filter(kind="due_in_3", url__endswith=f"/{soon.pk}/").exists()
    assert mine.filter(kind="overdue", url__endswith=f"/{overdue.pk}/").exists()
    assert Notification.objects.filter(user=org.head, kind="overdue").exists()  # escalated to the unit head
    assert Notification.objects.filter(user=org.office, kind="overdue").exists()  # and to the Office
    assert not Notification.objects.filter(user=org.outsider).exists()
    assert not Notification.objects.filter(user=org.other_officer).exists()  # another unit


def test_restarting_the_worker_sends_nothing_twice(due_tasks, org, cal):
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    sent = jobs.send_digests(now=MORNING)
    count = Notification.objects.count()
    WorkerRun.objects.all().delete()  # even if the run record is lost, keys prevent repeats
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    assert jobs.send_digests(now=MORNING) == 0
    assert Notification.objects.count() == count
    assert sent == len(mail.outbox) > 0
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients))  # one digest per person per day


def test_digest_lists_every_reminder_of_the_day(due_tasks, org, cal):
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    jobs.send_digests(now=MORNING)
    message = next(m for m in mail.outbox if m.to == [org.officer.email])
    # overdue task, task due in 3 working days, and that task's missing updates since 01/10
    kinds = sorted(Notification.objects.filter(user=org.officer).values_list("kind", flat=True))
    assert kinds == ["due_in_3", "overdue", "stale"]
    assert message.body.count("/plans/tasks/") == 3


def test_closed_tasks_are_not_reminded(due_tasks, org, cal):
    Task.objects.update(status="done")
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(due_tasks, org, cal):
    errors = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            jobs.run_daily_jobs(today=MONDAY)
            jobs.send_digests(now=MORNING)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = list(Notification.objects.values_list("user_id", "key"))
    assert len(keys) == len(set(keys)) > 0
    assert DigestDelivery.objects.count() == len(mail.outbox) == len({m.to[0] for m in mail.outbox})
    assert WorkerRun.objects.filter(job="plans.monitoring", day=MONDAY).count() == 1


def test_no_digest_before_the_digest_hour(due_tasks, cal):
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    dawn = timezone.make_aware(dt.datetime(2026, 11, 16, 0, 5))
    assert jobs.send_digests(now=dawn) == 0 and mail.outbox == []


def test_later_notifications_wait_for_the_next_digest(due_tasks, org, cal):
    jobs.run_daily_jobs(today=MONDAY, cal=cal)
    jobs.send_digests(now=MORNING)
    assert org.office.email in {m.to[0] for m in mail.outbox}  # escalations this morning
    before = len(mail.outbox)
    from plans import services

    services.report_obstacle(actor=org.head, task=due_tasks[0], text="Vướng mắc mới")
    noon = timezone.make_aware(dt.datetime(2026, 11, 16, 12, 0))
    jobs.send_digests(now=noon)
    # the leader had no digest today and gets one; the Office already had today's
    assert [m.to for m in mail.outbox[before:]] == [[org.leader.email]]
    tomorrow = timezone.make_aware(dt.datetime(2026, 11, 17, 8, 0))
    jobs.send_digests(now=tomorrow)
    office_mail = [m for m in mail.outbox[before:] if m.to == [org.office.email]]
    assert len(office_mail) == 1 and "Vướng mắc mới" in office_mail[0].body


def test_a_failed_send_is_retried_later(due_tasks, org, cal, monkeypatch):
    jobs.run_daily_jobs(today=MONDAY, cal=cal)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(jobs, "send_mail", broken)
    assert jobs.send_digests(now=MORNING) == 0
    monkeypatch.undo()
    soon = MORNING + dt.timedelta(minutes=5)
    assert jobs.send_digests(now=soon) == 0  # the claim is still fresh
    later = MORNING + jobs.STALE_CLAIM + dt.timedelta(minutes=1)
    assert jobs.send_digests(now=later) > 0
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
