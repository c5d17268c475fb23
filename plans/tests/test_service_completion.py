"""services.approve_completion and services.return_for_rework: the day a task is done, and the
checks made again under the row lock."""

import datetime as dt

import pytest

from plans import services
from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_approval_after_the_deadline_is_done_late(make_task, org, today, cal, evidenced):
    task = evidenced(make_task(deadline=today - dt.timedelta(days=3), start_date=today - dt.timedelta(days=40)))
    services.post_progress(actor=org.head, task=task, progress=100, text="Xong", today=today, cal=cal, can_approve=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_LATE


def test_done_on_time_when_reported_before_the_deadline_even_if_approved_after(make_task, org, cal, evidenced):
    from django.utils import timezone

    task = evidenced(make_task(start_date=dt.date(2026, 9, 1), deadline=dt.date(2026, 9, 30)))
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=dt.date(2026, 9, 29), cal=cal)
    from plans.models import Task

    Task.objects.filter(pk=task.pk).update(completion_requested_at=timezone.make_aware(dt.datetime(2026, 9, 29, 16, 0)))
    services.approve_completion(actor=org.head, task=task, today=dt.date(2026, 10, 2), cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_on == dt.date(2026, 9, 29)


def test_return_for_rework_clears_the_request(task, org, today, cal, evidenced):
    evidenced(task)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.return_for_rework(actor=org.head, task=task, reason="Thiếu quyết định", today=today, cal=cal)
    task.refresh_from_db()
    assert task.completion_requested_at is None and task.progress == 90
    assert task.comments.get().text == "Thiếu quyết định"


def test_steps_are_checked_again_under_the_lock(task, org, today, cal, evidenced):
    evidenced(task)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.return_for_rework(actor=org.head, task=task, reason="Thiếu", today=today, cal=cal)
    with pytest.raises(services.WorkflowError):
        services.approve_completion(actor=org.leader, task=task, today=today, cal=cal)
    with pytest.raises(services.WorkflowError):
        services.return_for_rework(actor=org.head, task=task, reason="Lần nữa", today=today, cal=cal)
