"""Commenting on a task (plans:add_comment)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_a_comment_is_added_and_said(login, org, task, said):
    response = login(org.officer).post(reverse("plans:add_comment", args=[task.pk]), {"text": "Đã liên hệ Sở"})
    assert response.status_code == 302 and said(response) == [_("Comment added.")]
    comment = task.comments.get()
    assert comment.text == "Đã liên hệ Sở" and comment.author == org.officer


def test_an_empty_comment_is_refused(login, org, task, said):
    response = login(org.officer).post(reverse("plans:add_comment", args=[task.pk]), {"text": ""})
    assert response.status_code == 400 and said(response) == [_("The comment is empty.")]
    assert not task.comments.exists()


def test_a_too_long_comment_says_its_length_and_is_kept(login, org, task, said):
    """D2: 21,600 characters are not "empty": the page says the limit and the length, and keeps them."""
    text = ("Ý kiến dài. " * 1800)[:-1] + "!"  # 21.600 ký tự
    response = login(org.officer).post(reverse("plans:add_comment", args=[task.pk]), {"text": text})
    assert response.status_code == 400 and said(response) == []
    form = response.context["comment_form"]
    limit = _("%(label)s: at most %(limit)s characters (now %(count)s).")
    assert form.errors["text"] == [limit % {"label": _("Comment"), "limit": "4.000", "count": "21.600"}]
    body = response.content.decode()
    assert text in body  # the textarea holds the whole text again
    assert "maxlength" not in body.split('id="c-text"')[1].split(">")[0]
    assert not task.comments.exists()
