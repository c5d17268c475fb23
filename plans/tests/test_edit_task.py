"""Editing a task (plans:edit_task)."""

import datetime as dt

import pytest
from django.urls import reverse

from plans.models import Task

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_manager_edits_deadline_with_reason(login, org, task):
    client = login(org.office)
    url = reverse("plans:edit_task", args=[task.pk])
    data = {
        "title": task.title,
        "lead_unit": org.unit_a.pk,
        "deadline": "2026-12-31",
        "expected_product": "BC",
        "start_date": "",
        "recurrence": "",
        "reason": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    data["reason"] = "Theo chỉ đạo của Lãnh đạo Ban"
    assert client.post(url, data).status_code == 302
    assert Task.objects.get(pk=task.pk).deadline == dt.date(2026, 12, 31)
