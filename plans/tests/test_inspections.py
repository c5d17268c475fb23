"""The inspections page (plans:inspections): the list with its resolution, and recording one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from plans import services
from plans.models import Inspection

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_the_office_records_an_inspection(login, org, today):
    data = {"title": "Kiểm tra CCHC", "inspected_unit": org.unit_a.pk, "inspected_on": today.isoformat()}
    response = login(org.office).post(reverse("plans:inspections"), data)
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("plans:inspection_detail", args=[inspection.pk])
    assert inspection.agency == org.agency and inspection.created_by == org.office
    assert AuditEntry.objects.filter(action="inspection.created", object_id=str(inspection.pk)).exists()


def test_only_managers_record_inspections(login, org, today):
    data = {"title": "Kiểm tra", "inspected_unit": org.unit_a.pk, "inspected_on": today.isoformat()}
    assert login(org.head).post(reverse("plans:inspections"), data).status_code == 403
    page = login(org.head).get(reverse("plans:inspections"))
    assert page.status_code == 200 and not page.context["can_manage"]
    assert not Inspection.objects.exists()


def test_the_list_shows_how_many_findings_are_resolved(login, org, plan, today, cal):
    inspection = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra", inspected_unit=org.unit_a, inspected_on=today
    )
    for text in ("Tồn tại 1", "Tồn tại 2"):
        finding = services.add_finding(
            actor=org.office,
            inspection=inspection,
            text=text,
            deadline=today + dt.timedelta(days=9),
            today=today,
            cal=cal,
        )
    services.post_progress(
        actor=org.head,
        task=finding.remediation_task,
        progress=100,
        text="Xong",
        today=today,
        cal=cal,
        can_approve=True,
        no_evidence_reason="Đã kiểm tra trực tiếp",
    )
    items = login(org.office).get(reverse("plans:inspections")).context["items"]
    assert [(i.resolved, i.total) for i in items] == [(1, 2)]


def test_recording_an_inspection_says_so_and_the_date_is_typed_dd_mm_yyyy(login, org, said):
    client = login(org.office)
    body = client.get(reverse("plans:inspections")).content.decode()
    assert 'type="date"' not in body and 'data-datepicker="date"' in body
    data = {"title": "Kiểm tra CCHC quý III", "inspected_unit": org.unit_a.pk, "inspected_on": "15/09/2026"}
    response = client.post(reverse("plans:inspections"), data)
    inspection = Inspection.objects.get(title="Kiểm tra CCHC quý III")
    assert response.status_code == 302 and inspection.inspected_on == dt.date(2026, 9, 15)
    assert said(response) == [_("Inspection recorded: now add its findings.")]
    bad = client.post(reverse("plans:inspections"), {**data, "inspected_on": "31/02/2026"})
    assert bad.status_code == 400 and 'value="31/02/2026"' in bad.content.decode()
