"""The plan page (plans:plan_detail)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_plan_page_lists_tasks_without_a_section(login, org, plan, make_task):
    make_task(title="Nhiệm vụ chưa xếp mục", section=None)
    body = login(org.office).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Nhiệm vụ chưa xếp mục" in body


def test_a_heading_with_only_sub_sections_does_not_say_it_has_no_task(login, org, plan, make_task):
    make_task(title="Nhiệm vụ mục II.1.c")  # in II.1.c, a sub-section of II.1; II.1.a stays empty
    response = login(org.office).get(reverse("plans:plan_detail", args=[plan.pk]))
    empty = {section.code for section, tasks in response.context["tree"] if not tasks and not section.has_children}
    assert empty == {"II.1.a"}
    assert response.content.decode().count(_("No task in this section.")) == 1
