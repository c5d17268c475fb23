"""Reporting an obstacle and giving the direction on it (plans:add_obstacle, plans:resolve_obstacle)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_obstacle_reaches_the_leaders_and_gets_a_direction(login, org, task):
    login(org.head).post(reverse("plans:add_obstacle", args=[task.pk]), {"text": "Thiếu nhân lực"})
    obstacle = task.obstacles.get()
    response = login(org.leader).get(reverse("plans:dashboard"))
    assert "Thiếu nhân lực" in response.content.decode()
    login(org.leader).post(reverse("plans:resolve_obstacle", args=[obstacle.pk]), {"response": "Điều động thêm"})
    obstacle.refresh_from_db()
    assert obstacle.status == "resolved" and obstacle.resolved_by == org.leader
