"""Cancelling a task (plans:cancel): managers only, with a reason, never twice."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from plans import services
from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_the_office_cancels_a_task_with_a_reason(login, org, task, said):
    response = login(org.office).post(reverse("plans:cancel", args=[task.pk]), {"reason": "Trùng nhiệm vụ"})
    assert response.status_code == 302 and response["Location"] == reverse("plans:task_detail", args=[task.pk])
    assert said(response) == [_("Task cancelled.")]
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_no_reason_no_cancellation(login, org, task, said):
    response = login(org.office).post(reverse("plans:cancel", args=[task.pk]), {"reason": ""})
    assert said(response) == [_("Give a reason to cancel the task.")]
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_a_closed_task_is_not_cancelled_again(login, org, task, said, today, cal):
    services.cancel_task(actor=org.leader, task=task, reason="Trùng", today=today, cal=cal)
    again = login(org.office).post(reverse("plans:cancel", args=[task.pk]), {"reason": "Lần nữa"})
    assert again.status_code == 302 and said(again) == [_("This task is closed.")]
    assert AuditEntry.objects.filter(action="task.cancelled", object_id=str(task.pk)).count() == 1


def test_only_managers_cancel(login, org, task):
    assert login(org.head).post(reverse("plans:cancel", args=[task.pk]), {"reason": "x"}).status_code == 403
    assert login(org.outsider).post(reverse("plans:cancel", args=[task.pk]), {"reason": "x"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_a_too_long_reason_is_kept_on_the_page(login, org, task):
    reason = "Trùng với nhiệm vụ PL1.02. " * 100  # more than 2.000 characters
    response = login(org.office).post(reverse("plans:cancel", args=[task.pk]), {"reason": reason})
    assert response.status_code == 400 and "reason" in response.context["cancel_form"].errors
    assert reason.strip() in response.content.decode()
    task.refresh_from_db()
    assert task.status != "cancelled"
