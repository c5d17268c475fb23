"""Service tests: progress, approval, audit trail, evidence, obstacles, inspections."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import FileRejected
from core.models import AuditEntry, DocumentVersion
from core.services import add_document_version, create_document, history_for
from plans import services
from plans.models import TaskStatus

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_progress_update_moves_status_and_is_audited(task, org, today, cal):
    services.post_progress(actor=org.officer, task=task, progress=40, text="Đã xây dựng dự thảo", today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 40
    entry = AuditEntry.objects.get(object_type="plans.task", object_id=str(task.pk), action="task.progress")
    assert entry.actor == org.officer
    assert entry.changes["progress"] == [0, 40]
    assert entry.changes["status"] == ["not_started", "in_progress"]


def test_full_progress_waits_for_the_unit_head(task, org, today, cal):
    from core.models import Notification

    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.completion_requested_at is not None
    assert list(Notification.objects.filter(kind="approval").values_list("user", flat=True)) == [org.head.pk]
    services.approve_completion(actor=org.head, task=task, today=today, cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_on == today


def test_approval_after_the_deadline_is_done_late(make_task, org, today, cal):
    task = make_task(deadline=today - dt.timedelta(days=3), start_date=today - dt.timedelta(days=40))
    services.post_progress(actor=org.head, task=task, progress=100, text="Xong", today=today, cal=cal, can_approve=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_LATE


def test_return_for_rework_clears_the_request(task, org, today, cal):
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.return_for_rework(actor=org.head, task=task, reason="Thiếu quyết định", today=today, cal=cal)
    task.refresh_from_db()
    assert task.completion_requested_at is None and task.progress == 90
    assert task.comments.get().text == "Thiếu quyết định"


def test_closed_task_refuses_progress(task, org, today, cal):
    services.cancel_task(actor=org.office, task=task, reason="Trùng nhiệm vụ", today=today, cal=cal)
    with pytest.raises(ValueError):
        services.post_progress(actor=org.officer, task=task, progress=10, text="x", today=today, cal=cal)


def test_deadline_change_needs_a_reason_and_is_recorded(task, org, today, cal):
    new = task.deadline + dt.timedelta(days=10)
    with pytest.raises(ValueError):
        services.update_task(actor=org.office, task=task, data={"deadline": new}, today=today, cal=cal)
    services.update_task(
        actor=org.office, task=task, data={"deadline": new}, today=today, cal=cal, reason="UBND tỉnh lùi thời hạn"
    )
    entry = history_for(task).first()
    assert entry.changes["deadline"] == [str(task.deadline - dt.timedelta(days=10)), str(new)]
    assert entry.note == "UBND tỉnh lùi thời hạn"


def test_evidence_has_hash_versions_and_counts_on_the_task(task, org, today, cal):
    doc = create_document(
        actor=org.officer,
        agency=org.agency,
        unit=org.unit_a,
        fileobj=pdf(),
        filename="bc.pdf",
        abstract="Báo cáo kết quả",
        doc_number="05/BC-BQLKKTCK",
        issuer="BQL",
    )
    v1 = doc.versions.get()
    import hashlib

    assert v1.sha256 == hashlib.sha256(PDF).hexdigest() and v1.size == len(PDF) and v1.version == 1
    add_document_version(actor=org.officer, document=doc, fileobj=pdf(data=PDF + b"%v2"), filename="bc2.pdf")
    assert list(doc.versions.values_list("version", flat=True)) == [2, 1]
    services.link_evidence(actor=org.officer, task=task, document=doc, today=today, cal=cal)
    task.refresh_from_db()
    assert task.evidence_count == 1
    assert history_for(task).filter(action="task.evidence_linked").exists()


def test_one_document_evidences_several_tasks(make_task, org, today, cal):
    a, b = make_task(), make_task()
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="x.pdf", abstract="Kế hoạch kiểm tra"
    )
    for t in (a, b):
        services.link_evidence(actor=org.office, task=t, document=doc, today=today, cal=cal)
    assert doc.task_links.count() == 2


def test_rejected_file_leaves_nothing(org):
    with pytest.raises(FileRejected):
        create_document(
            actor=org.officer,
            agency=org.agency,
            unit=None,
            fileobj=io.BytesIO(b"MZ" * 100),
            filename="virus.pdf",
            abstract="x",
        )
    assert not DocumentVersion.objects.exists()
    from core.models import Document

    assert not Document.objects.exists()


def test_evidence_of_another_agency_cannot_be_linked(task, org, today, cal):
    doc = create_document(
        actor=org.outsider, agency=org.other, unit=None, fileobj=pdf(), filename="x.pdf", abstract="SCT"
    )
    with pytest.raises(ValueError):
        services.link_evidence(actor=org.office, task=task, document=doc, today=today, cal=cal)


def test_inspection_findings_become_tasks_and_resolution_is_tracked(plan, org, today, cal):
    from plans.models import Inspection

    insp = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra CCHC 2026", inspected_unit=org.unit_a, inspected_on=today
    )
    f1 = services.add_finding(
        actor=org.office,
        inspection=insp,
        text="Chưa niêm yết TTHC",
        plan=plan,
        deadline=today + dt.timedelta(days=20),
        today=today,
        cal=cal,
    )
    services.add_finding(
        actor=org.office,
        inspection=insp,
        text="Sổ theo dõi chưa đầy đủ",
        plan=plan,
        deadline=today + dt.timedelta(days=20),
        today=today,
        cal=cal,
    )
    assert f1.remediation_task.lead_unit == org.unit_a
    assert services.inspection_resolution([insp.pk]) == {insp.pk: (0, 2)}
    services.post_progress(
        actor=org.head,
        task=f1.remediation_task,
        progress=100,
        text="Đã niêm yết",
        today=today,
        cal=cal,
        can_approve=True,
    )
    assert services.inspection_resolution([insp.pk]) == {insp.pk: (1, 2)}


def test_recurring_task_progress_follows_its_periods(make_task, org, today, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 15))
    occurrences = list(task.occurrences.all())
    assert [o.period_label for o in occurrences] == ["Q3/2026", "Q4/2026"]
    assert task.next_due == dt.date(2026, 9, 20)
    services.complete_occurrence(actor=org.officer, occurrence=occurrences[0], today=dt.date(2026, 9, 18), cal=cal)
    task.refresh_from_db()
    assert task.progress == 50 and task.next_due == dt.date(2026, 12, 20)
    services.complete_occurrence(actor=org.officer, occurrence=occurrences[1], today=dt.date(2026, 12, 21), cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_LATE and task.progress == 100


def test_refresh_open_tasks_matches_the_pure_rules(make_task, org, today, cal):
    stale = make_task(start_date=today - dt.timedelta(days=60), deadline=today + dt.timedelta(days=60))
    fine = make_task(start_date=today, deadline=today + dt.timedelta(days=90))
    from plans.models import Task

    Task.objects.update(at_risk=False, risk_reasons="")
    changed = services.refresh_open_tasks(today=today, cal=cal)
    stale.refresh_from_db()
    fine.refresh_from_db()
    assert changed >= 1
    assert stale.at_risk and "stale" in stale.risk_reasons
    assert not fine.at_risk


def test_obstacle_notifies_the_leaders_and_the_office(task, org):
    from core.models import Notification

    services.report_obstacle(actor=org.head, task=task, text="Chưa có kinh phí")
    notified = set(Notification.objects.filter(kind="obstacle").values_list("user__username", flat=True))
    assert notified == {"lanhdao", "vanphong"}


def test_an_officer_with_two_units_reports_on_both(make_task, org, today, cal):
    from plans.access import can

    person = org.people["chuyenvien.vp"]  # officer of the Office and of the border-gate centre
    office_task = make_task(lead_unit=org.units["VP"])
    centre_task = make_task(lead_unit=org.units["TTQLCK"])
    other_task = make_task(lead_unit=org.units["QHXD"])
    assert can(person, "report", office_task) and can(person, "report", centre_task)
    assert not can(person, "report", other_task)


def test_changing_the_recurrence_replaces_open_periods_and_keeps_done_ones(make_task, org, cal):
    task = make_task(recurrence="monthly", recurrence_day=25, deadline=None, start_date=dt.date(2026, 7, 1))
    july = task.occurrences.get(period_label="07/2026")
    services.complete_occurrence(actor=org.officer, occurrence=july, today=dt.date(2026, 7, 24), cal=cal)
    services.update_task(
        actor=org.office,
        task=task,
        data={"recurrence": "quarterly", "recurrence_day": 20},
        today=dt.date(2026, 8, 1),
        cal=cal,
    )
    labels = list(task.occurrences.order_by("due_date").values_list("period_label", flat=True))
    assert labels == ["07/2026", "Q3/2026", "Q4/2026"]
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 9, 20)
    services.update_task(
        actor=org.office,
        task=task,
        data={"recurrence": "", "deadline": dt.date(2026, 12, 1)},
        today=dt.date(2026, 8, 1),
        cal=cal,
    )
    assert list(task.occurrences.values_list("period_label", flat=True)) == ["07/2026"]
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 12, 1)


def test_lower_progress_withdraws_a_completion_request(task, org, today, cal):
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.post_progress(actor=org.officer, task=task, progress=40, text="Còn thiếu", today=today, cal=cal)
    task.refresh_from_db()
    assert task.completion_requested_at is None and task.progress == 40


def test_done_on_time_when_reported_before_the_deadline_even_if_approved_after(make_task, org, cal):
    from django.utils import timezone

    task = make_task(start_date=dt.date(2026, 9, 1), deadline=dt.date(2026, 9, 30))
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=dt.date(2026, 9, 29), cal=cal)
    from plans.models import Task

    Task.objects.filter(pk=task.pk).update(completion_requested_at=timezone.make_aware(dt.datetime(2026, 9, 29, 16, 0)))
    services.approve_completion(actor=org.head, task=task, today=dt.date(2026, 10, 2), cal=cal)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_on == dt.date(2026, 9, 29)


def test_audit_names_units_and_people(task, org, today, cal):
    services.update_task(
        actor=org.office, task=task, data={"lead_unit": org.unit_b, "assignees": [org.officer]}, today=today, cal=cal
    )
    changes = history_for(task).first().changes
    assert changes["lead_unit"] == ["Phòng Quản lý Doanh nghiệp", "Phòng Kế hoạch - Tổng hợp"]
    assert changes["assignees"] == ["", "Vũ Quang Huy"]


def test_daily_refresh_does_not_overwrite_a_concurrent_change(make_task, org, today, cal, monkeypatch):
    from plans import monitoring
    from plans.models import Task

    task = make_task(start_date=today - dt.timedelta(days=60), deadline=today + dt.timedelta(days=60))
    Task.objects.filter(pk=task.pk).update(at_risk=False, risk_reasons="")
    real_assess = monitoring.assess

    def assess_while_a_request_writes(*args, **kwargs):
        # a request posts progress and refreshes the task between the worker's read and write
        Task.objects.filter(pk=task.pk).update(progress=80, risk_reasons="fresh")
        return real_assess(*args, **kwargs)

    monkeypatch.setattr(monitoring, "assess", assess_while_a_request_writes)
    assert services.refresh_open_tasks(today=today, cal=cal) == 0
    task.refresh_from_db()
    assert task.risk_reasons == "fresh" and task.progress == 80


def test_moving_the_due_day_keeps_done_periods_once(make_task, org, cal):
    task = make_task(recurrence="monthly", recurrence_day=10, deadline=None, start_date=dt.date(2026, 1, 1))
    for occurrence in task.occurrences.order_by("due_date")[:3]:
        services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=occurrence.due_date, cal=cal)
    services.update_task(actor=org.office, task=task, data={"recurrence_day": 20}, today=dt.date(2026, 4, 1), cal=cal)
    labels = list(task.occurrences.values_list("period_label", flat=True))
    assert len(labels) == len(set(labels)) == 12
    task.refresh_from_db()
    assert task.next_due == dt.date(2026, 4, 20) and task.progress == 25


def test_steps_are_checked_again_under_the_lock(task, org, today, cal):
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    services.return_for_rework(actor=org.head, task=task, reason="Thiếu", today=today, cal=cal)
    with pytest.raises(services.WorkflowError):
        services.approve_completion(actor=org.leader, task=task, today=today, cal=cal)
    with pytest.raises(services.WorkflowError):
        services.return_for_rework(actor=org.head, task=task, reason="Lần nữa", today=today, cal=cal)


def test_a_period_cannot_be_done_twice(make_task, org, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 1))
    occurrence = task.occurrences.first()
    services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=dt.date(2026, 9, 1), cal=cal)
    with pytest.raises(services.WorkflowError):
        services.complete_occurrence(actor=org.officer, occurrence=occurrence, today=dt.date(2026, 9, 2), cal=cal)
    assert task.updates.count() == 1


def test_recurring_tasks_take_no_progress_figure(make_task, org, today, cal):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None)
    with pytest.raises(services.WorkflowError):
        services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)


def test_without_a_unit_head_the_leader_is_asked_to_approve(make_task, org, today, cal):
    from core.models import Membership, Notification

    Membership.objects.filter(unit=org.unit_a, role="unit_head").delete()
    task = make_task()
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    assert list(Notification.objects.filter(kind="approval").values_list("user", flat=True)) == [org.leader.pk]
