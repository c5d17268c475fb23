"""Reporting an obstacle (plans:add_obstacle): unit heads of the task's units and the focal point."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_the_head_reports_an_obstacle(login, org, task, said):
    response = login(org.head).post(reverse("plans:add_obstacle", args=[task.pk]), {"text": "Thiếu nhân lực"})
    assert said(response) == [_("Obstacle reported to the leaders.")]
    assert task.obstacles.get().reported_by == org.head


def test_an_empty_obstacle_is_refused(login, org, task, said):
    response = login(org.head).post(reverse("plans:add_obstacle", args=[task.pk]), {"text": ""})
    assert said(response) == [_("Describe the obstacle.")]
    assert not task.obstacles.exists()


def test_an_officer_does_not_report_obstacles(login, org, task):
    assert login(org.officer).post(reverse("plans:add_obstacle", args=[task.pk]), {"text": "x"}).status_code == 403
    assert not task.obstacles.exists()
