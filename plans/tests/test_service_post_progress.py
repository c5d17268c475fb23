"""services.post_progress: progress, the request to approve a completion and who is asked."""

import pytest

from core.models import AuditEntry
from plans import services
from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_progress_update_moves_status_and_is_audited(task, org, today, cal):
    services.post_progress(actor=org.officer, task=task, progress=40, text="Đã xây dựng dự thảo", today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 40
    entry = AuditEntry.objects.get(object_type="plans.task", object_id=str(task.pk), action="task.progress")
    assert entry.actor == org.officer
    assert entry.changes["progress"] == [0, 40]
    assert entry.changes["status"] == ["not_started", "in_progress"]


def test_full_progress_waits_for_the_unit_head(task, org, today, cal, evidenced):
    evidenced(task)
    from core.models import Notification

    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.completion_requested_at is not None
    assert list(Notification.objects.filter(kind="approval").values_list("user", flat=True)) == [org.head.pk]
    services.approve_completion(actor=org.head, task=task, today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_on == today


def test_closed_task_refuses_progress(task, org, today, cal):
    services.cancel_task(actor=org.office, task=task, reason="Trùng nhiệm vụ", today=today, cal=cal)
    with pytest.raises(ValueError):
        services.post_progress(actor=org.officer, task=task, progress=10, text="x", today=today, cal=cal)


def test_lower_progress_withdraws_a_completion_request(task, org, today, cal, evidenced):
    evidenced(task)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.post_progress(actor=org.officer, task=task, progress=40, text="Còn thiếu", today=today, cal=cal)
    task.refresh_from_db()
    assert task.completion_requested_at is None and task.progress == 40


def test_recurring_tasks_take_no_progress_figure(make_task, org, today, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None)
    with pytest.raises(services.WorkflowError):
        services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)


def test_without_a_unit_head_the_leader_is_asked_to_approve(make_task, org, today, cal):
    from core.models import Membership, Notification

    Membership.objects.filter(unit=org.unit_a, role="unit_head").delete()
    task = make_task(needs_evidence=False)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    assert list(Notification.objects.filter(kind="approval").values_list("user", flat=True)) == [org.leader.pk]


def test_a_head_who_left_is_not_asked_a_leader_is(make_task, org, today, cal):
    from core.models import Notification

    org.head.is_active = False
    org.head.save(update_fields=["is_active"])
    task = make_task(needs_evidence=False)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    approval = Notification.objects.get(kind="approval")
    assert approval.user == org.leader and approval.url.endswith(f"/tasks/{task.pk}/")
