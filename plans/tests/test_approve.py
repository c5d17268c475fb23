"""Approving a completion (plans:approve)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_unit_head_approves_what_the_officer_completed(login, org, task, client, evidenced):
    evidenced(task)
    login(org.officer).post(reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    login(org.head).post(reverse("plans:approve", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_officer_cannot_approve(login, org, task):
    task.completion_requested_at = task.created_at
    task.save()
    assert login(org.officer).post(reverse("plans:approve", args=[task.pk])).status_code == 403


def test_nothing_to_approve_is_said(login, org, task, said):
    response = login(org.head).post(reverse("plans:approve", args=[task.pk]))
    assert response.status_code == 302 and said(response) == [_("There is no completion to approve.")]
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
