"""D11: a task that needs evidence reaches 100 % or is approved only with evidence linked, unless
the approver records why (plans:post_progress, plans:approve, services)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from plans import services
from plans.models import TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once

REQUIRED = "Quyết định công bố danh mục TTHC"


def test_an_officer_cannot_report_100_without_evidence_and_keeps_the_text(login, org, make_task, said):
    task = make_task(evidence_required=REQUIRED)
    url = reverse("plans:post_progress", args=[task.pk])
    response = login(org.officer).post(url, {"progress": 100, "text": "Đã hoàn thành toàn bộ"})
    assert response.status_code == 400
    errors = response.context["progress_form"].non_field_errors()
    assert errors == [services.evidence_refusal(task)] and REQUIRED in errors[0]
    assert "Đã hoàn thành toàn bộ" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0 and task.completion_requested_at is None


def test_with_evidence_100_goes_to_approval(login, org, make_task, evidenced, said):
    task = evidenced(make_task(evidence_required=REQUIRED))
    response = login(org.officer).post(
        reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"}
    )
    assert response.status_code == 302 and said(response) == [_("Progress saved.")]
    task.refresh_from_db()
    assert task.completion_requested_at is not None


def test_a_task_that_needs_no_evidence_reaches_100(login, org, make_task):
    task = make_task(needs_evidence=False)
    login(org.officer).post(reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"})
    task.refresh_from_db()
    assert task.completion_requested_at is not None


def test_the_service_refuses_too(org, make_task, today, cal):
    task = make_task()
    with pytest.raises(services.WorkflowError):
        services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    with pytest.raises(services.WorkflowError):  # an approver without the reason
        services.post_progress(
            actor=org.head, task=task, progress=100, text="Xong", today=today, cal=cal, can_approve=True
        )
    task.refresh_from_db()
    assert task.progress == 0


def test_an_approver_completes_without_evidence_only_saying_why(login, org, make_task, said):
    task = make_task()
    url = reverse("plans:post_progress", args=[task.pk])
    client = login(org.head)
    refused = client.post(url, {"progress": 100, "text": "Xong"})
    assert refused.status_code == 400 and "no_evidence_reason" in refused.context["progress_form"].errors
    why = "Kết quả đã đăng trên Cổng thông tin điện tử của Ban"
    client.post(url, {"progress": 100, "text": "Xong", "no_evidence_reason": why})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.evidence_waiver == why
    entry = AuditEntry.objects.get(action="task.approved", object_id=str(task.pk))
    assert entry.changes["evidence_waiver"][1] == why and entry.note == why


def test_the_approval_warns_and_asks_the_reason(login, org, make_task, said):
    task = make_task(evidence_required=REQUIRED)
    task.completion_requested_at = task.created_at  # reported complete before D11
    task.save()
    client = login(org.head)
    page = client.get(reverse("plans:task_detail", args=[task.pk]))
    body = page.content.decode()
    assert _("No evidence document is linked to this task.") in body and REQUIRED in body
    assert 'name="no_evidence_reason"' in body
    refused = client.post(reverse("plans:approve", args=[task.pk]), {"no_evidence_reason": ""})
    assert refused.status_code == 302 and said(refused) == [services.evidence_refusal(task, approver=True)]
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    why = "Đã kiểm tra trực tiếp, văn bản đang chờ số hóa"
    done = client.post(reverse("plans:approve", args=[task.pk]), {"no_evidence_reason": why})
    assert said(done)[-1] == _("Completion approved.")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.evidence_waiver == why
    assert AuditEntry.objects.get(action="task.approved", object_id=str(task.pk)).changes["evidence_waiver"][1] == why


def test_approval_with_evidence_needs_no_reason_and_shows_no_warning(login, org, make_task, evidenced):
    task = evidenced(make_task())
    task.completion_requested_at = task.created_at
    task.save()
    client = login(org.head)
    body = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert _("No evidence document is linked to this task.") not in body
    client.post(reverse("plans:approve", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.evidence_waiver == ""


def test_needs_evidence_is_on_the_task_form_and_audited(login, org, task):
    client = login(org.office)
    form = client.get(reverse("plans:edit_task", args=[task.pk])).context["form"]
    assert form.initial["needs_evidence"] is True
    data = {"title": task.title, "lead_unit": org.unit_a.pk, "deadline": task.deadline.strftime("%d/%m/%Y")}
    assert (
        client.post(reverse("plans:edit_task", args=[task.pk]), {**data, "expected_product": "BC"}).status_code == 302
    )
    task.refresh_from_db()
    assert task.needs_evidence is False  # the box left unticked
    entry = AuditEntry.objects.get(action="task.updated", object_id=str(task.pk))
    assert entry.changes["needs_evidence"] == [True, False]


def test_an_approval_with_evidence_leaves_no_earlier_waiver_on_the_task(org, make_task, evidenced, today, cal):
    """A reason recorded at an earlier approval without evidence does not stay on a task approved
    later with its evidence linked."""
    task = evidenced(make_task(evidence_required=REQUIRED))
    services.post_progress(actor=org.officer, task=task, progress=100, text="Xong", today=today, cal=cal)
    task.refresh_from_db()
    task.evidence_waiver = "Lý do của lần phê duyệt trước"
    task.save(update_fields=["evidence_waiver"])
    services.approve_completion(actor=org.head, task=task, today=today, cal=cal)
    task.refresh_from_db()
    assert task.status in (TaskStatus.DONE, TaskStatus.DONE_LATE) and task.evidence_waiver == ""
