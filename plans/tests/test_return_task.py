"""Returning a completed task for rework (plans:return)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_a_step_no_longer_allowed_is_refused_with_a_message(login, org, task, evidenced):
    evidenced(task)
    client = login(org.officer)
    client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"})
    head = login(org.head)
    head.post(reverse("plans:return", args=[task.pk]), {"reason": "Thiếu"})
    url = reverse("plans:task_detail", args=[task.pk])
    response = head.post(reverse("plans:return", args=[task.pk]), {"reason": "Lần nữa"}, HTTP_REFERER=url, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert response.status_code == 200


def test_the_head_returns_a_completion_with_a_reason(login, org, task, said, today, cal, evidenced):
    evidenced(task)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    response = login(org.head).post(reverse("plans:return", args=[task.pk]), {"reason": "Thiếu quyết định"})
    assert said(response) == [_("Returned to the unit for rework.")]
    task.refresh_from_db()
    assert task.completion_requested_at is None and task.comments.get().text == "Thiếu quyết định"


def test_no_reason_no_return(login, org, task, said, today, cal, evidenced):
    evidenced(task)
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    response = login(org.head).post(reverse("plans:return", args=[task.pk]), {"reason": ""})
    assert said(response) == [_("Give a reason to return the task.")]
    task.refresh_from_db()
    assert task.completion_requested_at is not None


def test_nothing_to_return_is_said(login, org, task, said):
    response = login(org.head).post(reverse("plans:return", args=[task.pk]), {"reason": "Thiếu"})
    assert response.status_code == 302 and said(response) == [_("There is no completion to return.")]
    assert not task.comments.exists()
