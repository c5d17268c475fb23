"""services.add_finding: every inspection finding becomes a remediation task."""

import datetime as dt

import pytest

from plans import services
from plans.selectors import inspection_resolution

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_inspection_findings_become_tasks_and_resolution_is_tracked(plan, org, today, cal):
    from plans.models import Inspection

    insp = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra CCHC 2026", inspected_unit=org.unit_a, inspected_on=today
    )
    f1, _f2 = (
        services.add_finding(
            actor=org.office,
            inspection=insp,
            text=text,
            plan=plan,
            deadline=today + dt.timedelta(days=20),
            today=today,
            cal=cal,
        )
        for text in ("Chưa niêm yết TTHC", "Sổ theo dõi chưa đầy đủ")
    )
    assert f1.remediation_task.lead_unit == org.unit_a
    assert inspection_resolution([insp.pk]) == {insp.pk: (0, 2)}
    services.post_progress(
        actor=org.head,
        task=f1.remediation_task,
        progress=100,
        text="Đã niêm yết",
        today=today,
        cal=cal,
        can_approve=True,
        no_evidence_reason="Đã kiểm tra trực tiếp tại Bộ phận một cửa",
    )
    assert inspection_resolution([insp.pk]) == {insp.pk: (1, 2)}


def test_findings_go_to_the_agencys_latest_plan_by_default(plan, org, today, cal):
    from plans.models import Inspection, Plan

    newer = Plan.objects.create(agency=org.agency, year=2027, number="1/KH", title="Kế hoạch 2027", status="draft")
    inspection = Inspection.objects.create(agency=org.agency, title="KT", inspected_unit=org.unit_a, inspected_on=today)
    deadline = today + dt.timedelta(days=20)
    finding = services.add_finding(
        actor=org.office, inspection=inspection, text="Tồn tại", deadline=deadline, today=today, cal=cal
    )
    assert finding.remediation_task.plan == newer and finding.remediation_task.code == f"KT{inspection.pk}.{finding.pk}"


def test_an_agency_without_a_plan_gets_no_finding(org, today, cal):
    from plans.models import Inspection

    unit = org.other.units.first()
    inspection = Inspection.objects.create(agency=org.other, title="KT", inspected_unit=unit, inspected_on=today)
    with pytest.raises(services.WorkflowError):
        services.add_finding(
            actor=org.office, inspection=inspection, text="Tồn tại", deadline=today, today=today, cal=cal
        )
    assert not inspection.findings.exists()
