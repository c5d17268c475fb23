"""A task's page (plans:task_detail): who sees it, its history in words, its periods."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core import audit
from plans.models import Obstacle, TaskStatus

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_detail_shows_timeline_of_changes(login, org, task):
    client = login(org.officer)
    client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 60, "text": "Đã trình ký"})
    response = client.get(reverse("plans:task_detail", args=[task.pk]))
    body = response.content.decode()
    assert "Đã trình ký" in body
    history = list(response.context["history"])
    assert history[0].action == "task.progress" and history[0].changes["progress"] == [0, 60]


def test_officer_of_another_unit_does_not_see_the_task(login, org, task):
    client = login(org.other_officer)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 404
    response = client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 10, "text": "x"})
    assert response.status_code == 404
    assert task.title not in client.get(reverse("plans:task_list")).content.decode()


def test_coordinating_unit_reads_and_reports_its_part_only(login, org, make_task):
    task = make_task(coordinating_units=[org.unit_b])
    client = login(org.other_officer)
    page = client.get(reverse("plans:task_detail", args=[task.pk]))
    assert page.status_code == 200
    assert page.context["contribution_form"] is not None and 'id="progress-form"' not in page.content.decode()
    response = client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 10, "text": "Phối hợp"})
    assert response.status_code == 403  # the overall progress is the lead unit's (D10)
    task.refresh_from_db()
    assert task.progress == 0


def test_outsider_gets_404_everywhere(login, org, task):
    client = login(org.outsider)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 404
    assert client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 1, "text": "x"}).status_code == 404


def test_auditor_reads_but_cannot_comment(login, org, task):
    client = login(org.auditor)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 200
    assert client.post(reverse("plans:add_comment", args=[task.pk]), {"text": "x"}).status_code == 403


def test_new_file_version_shows_on_the_task_timeline(login, org, task):
    client = login(org.officer)
    client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "BC", "file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    document = task.evidence_links.get().document
    client.post(
        reverse("evidence_detail", args=[document.pk]),
        {"file": SimpleUploadedFile("bc-v2.pdf", b"%PDF-1.4\n% v2\n%%EOF\n")},
    )
    assert document.versions.count() == 2
    actions = [h.action for h in client.get(reverse("plans:task_detail", args=[task.pk])).context["history"]]
    assert "evidence.version_added" in actions
    assert (
        login(org.other_officer)
        .post(reverse("evidence_detail", args=[document.pk]), {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")})
        .status_code
        == 404  # evidence of a task that unit does not see
    )


def test_the_history_reads_in_words(login, org, task):
    login(org.officer).post(reverse("plans:post_progress", args=[task.pk]), {"progress": 60, "text": "Đã trình"})
    body = login(org.officer).get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    with translation.override("vi"):
        action, status = audit.action_label("task.progress"), str(TaskStatus.IN_PROGRESS.label)
        field = audit.field_label("task.progress", "progress")
    assert action != "task.progress" and field != "progress"
    assert f"· {action}</div>" in body and f"<strong>{field}</strong>" in body and f"<ins>{status}</ins>" in body
    assert "task.progress" not in body and "<ins>in_progress</ins>" not in body


def test_a_period_past_its_due_date_shows_as_overdue(login, org, make_task, today):
    task = make_task(recurrence="monthly", recurrence_day=1, deadline=None, start_date=dt.date(2026, 1, 1))
    assert task.occurrences.filter(due_date__lt=today, done_on__isnull=True).exists()
    body = login(org.officer).get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert 'class="badge-status fl-overdue"' in body


def test_the_auditor_sees_no_action_form_or_link(login, org, make_task):
    task = make_task(coordinating_units=[org.unit_b])
    task.completion_requested_at = task.created_at
    task.save()
    Obstacle.objects.create(task=task, reported_by=org.head, text="Thiếu kinh phí")
    body = login(org.auditor).get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert 'method="post"' not in body.split("<main")[1].split("</main>")[0]
    assert reverse("plans:edit_task", args=[task.pk]) not in body
    # the Office, by contrast, gets its forms on the same page
    office = login(org.office).get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert reverse("plans:edit_task", args=[task.pk]) in office and 'method="post"' in office
