"""Commenting on a task (plans:add_comment)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_a_comment_is_added_without_a_message(login, org, task, said):
    response = login(org.officer).post(reverse("plans:add_comment", args=[task.pk]), {"text": "Đã liên hệ Sở"})
    assert response.status_code == 302 and said(response) == []
    comment = task.comments.get()
    assert comment.text == "Đã liên hệ Sở" and comment.author == org.officer


def test_an_empty_comment_is_refused(login, org, task, said):
    response = login(org.officer).post(reverse("plans:add_comment", args=[task.pk]), {"text": ""})
    assert said(response) == [_("The comment is empty.")]
    assert not task.comments.exists()
