"""An inspection's page (plans:inspection_detail): its findings and their remediation tasks."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from plans import services
from plans.models import Inspection

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_inspection_page_links_only_visible_remediation_tasks(login, org, plan, today, cal):

    inspection = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra", inspected_unit=org.unit_a, inspected_on=today
    )
    finding = services.add_finding(
        actor=org.office,
        inspection=inspection,
        plan=plan,
        text="Tồn tại",
        deadline=today + dt.timedelta(days=10),
        today=today,
        cal=cal,
    )
    link = reverse("plans:task_detail", args=[finding.remediation_task_id])
    url = reverse("plans:inspection_detail", args=[inspection.pk])
    assert link in login(org.officer).get(url).content.decode()
    assert link not in login(org.other_officer).get(url).content.decode()


def test_a_manager_adds_a_finding_that_becomes_a_task(login, org, plan, today):
    inspection = Inspection.objects.create(agency=org.agency, title="KT", inspected_unit=org.unit_a, inspected_on=today)
    url = reverse("plans:inspection_detail", args=[inspection.pk])
    deadline = (today + dt.timedelta(days=30)).isoformat()
    response = login(org.office).post(url, {"text": "Chưa niêm yết TTHC", "deadline": deadline})
    assert response.status_code == 302 and response["Location"] == url
    task = inspection.findings.get().remediation_task
    assert task.plan == plan and task.lead_unit == org.unit_a


def test_an_agency_without_a_plan_is_told_so(login, org, today):
    unit = org.other.units.first()
    inspection = Inspection.objects.create(agency=org.other, title="KT", inspected_unit=unit, inspected_on=today)
    client = login(org.people["vanphong.sct"])  # the focal point of an agency with no plan
    url = reverse("plans:inspection_detail", args=[inspection.pk])
    response = client.post(url, {"text": "Tồn tại", "deadline": (today + dt.timedelta(days=9)).isoformat()})
    assert response.status_code == 400  # the form again, with what was typed
    assert response.context["form"].non_field_errors() == [_("The agency has no plan to hold remediation tasks.")]
    assert not inspection.findings.exists()


def test_only_managers_add_findings(login, org, today):
    inspection = Inspection.objects.create(agency=org.agency, title="KT", inspected_unit=org.unit_a, inspected_on=today)
    url = reverse("plans:inspection_detail", args=[inspection.pk])
    assert login(org.head).get(url).status_code == 200
    assert login(org.head).post(url, {"text": "x", "deadline": today.isoformat()}).status_code == 403
    assert login(org.outsider).get(url).status_code == 404
