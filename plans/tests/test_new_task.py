"""Adding a task to a plan (plans:new_task)."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from plans.models import Task

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_office_adds_a_task_to_the_plan(login, org, plan):
    client = login(org.office)
    url = reverse("plans:new_task", args=[plan.pk])
    data = {
        "code": "PL9.01",
        "section": plan.sections.get(code="II.1.a").pk,
        "title": "Nhiệm vụ bổ sung",
        "lead_unit": org.unit_a.pk,
        "coordinating_units": [org.unit_b.pk],
        "deadline": "2026-12-20",
        "expected_product": "Báo cáo",
        "recurrence": "",
    }
    response = client.post(url, data)
    task = Task.objects.get(code="PL9.01")
    assert response.status_code == 302 and task.lead_unit == org.unit_a
    assert AuditEntry.objects.filter(action="task.created", object_id=str(task.pk), actor=org.office).exists()
    again = client.post(url, data)
    assert again.status_code == 400 and "code" in again.context["form"].errors
    assert login(org.officer).get(url).status_code == 403
