"""The plan page (plans:plan_detail)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_plan_page_lists_tasks_without_a_section(login, org, plan, make_task):
    make_task(title="Nhiệm vụ chưa xếp mục", section=None)
    body = login(org.office).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Nhiệm vụ chưa xếp mục" in body
