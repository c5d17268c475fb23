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


def test_the_assignee_picker_lists_only_who_may_be_given_work(login, org, plan):
    """D32: no auditor, no administrator who only administers."""
    form = login(org.office).get(reverse("plans:new_task", args=[plan.pk])).context["form"]
    people = set(form.fields["assignees"].queryset)
    assert {org.officer, org.head, org.office, org.leader} <= people
    assert org.auditor not in people and org.admin not in people and org.outsider not in people


def test_task_dates_are_typed_as_dd_mm_yyyy(login, org, plan):
    client = login(org.office)
    body = client.get(reverse("plans:new_task", args=[plan.pk])).content.decode()
    assert 'type="date"' not in body and body.count('data-datepicker="date"') == 2
    data = {
        "code": "PL9.02",
        "title": "Nhiệm vụ có ngày kiểu Việt Nam",
        "lead_unit": org.unit_a.pk,
        "start_date": "05/03/2026",
        "deadline": "30/09/2026",
        "expected_product": "Báo cáo",
        "needs_evidence": "on",
    }
    assert client.post(reverse("plans:new_task", args=[plan.pk]), data).status_code == 302
    task = Task.objects.get(code="PL9.02")
    assert (task.start_date.isoformat(), task.deadline.isoformat(), task.needs_evidence) == (
        "2026-03-05",
        "2026-09-30",
        True,
    )
