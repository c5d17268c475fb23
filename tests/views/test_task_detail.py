import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from plans.models import Task, TaskStatus


def test_detail_shows_timeline_of_changes(login, org, task):
    client = login(org.officer)
    client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 60, "text": "Đã trình ký"})
    response = client.get(reverse("plans:task_detail", args=[task.pk]))
    body = response.content.decode()
    assert "Đã trình ký" in body
    history = list(response.context["history"])
    assert history[0].action == "task.progress" and history[0].changes["progress"] == [0, 60]


def test_progress_htmx_error_returns_the_partial_with_the_message(login, org, task):
    response = login(org.officer).post(
        reverse("plans:post_progress", args=[task.pk]), {"progress": 150, "text": ""}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="progress-form"' in body and "<html" not in body
    assert "is-invalid" in body
    task.refresh_from_db()
    assert task.progress == 0


def test_progress_htmx_success_redirects_the_page(login, org, task):
    response = login(org.officer).post(
        reverse("plans:post_progress", args=[task.pk]), {"progress": 20, "text": "Bắt đầu"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"].endswith(f"/tasks/{task.pk}/")


def test_unit_head_approves_what_the_officer_completed(login, org, task, client):
    login(org.officer).post(reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    login(org.head).post(reverse("plans:approve", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_officer_cannot_approve(login, org, task):
    task.completion_requested_at = task.created_at
    task.save()
    assert login(org.officer).post(reverse("plans:approve", args=[task.pk])).status_code == 403


def test_officer_of_another_unit_does_not_see_the_task(login, org, task):
    client = login(org.other_officer)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 404
    response = client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 10, "text": "x"})
    assert response.status_code == 404
    assert task.title not in client.get(reverse("plans:task_list")).content.decode()


def test_coordinating_unit_reads_and_reports(login, org, make_task):
    task = make_task(coordinating_units=[org.unit_b])
    client = login(org.other_officer)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 200
    response = client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 10, "text": "Phối hợp"})
    assert response.status_code == 302


def test_outsider_gets_404_everywhere(login, org, task):
    client = login(org.outsider)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 404
    assert client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 1, "text": "x"}).status_code == 404


def test_auditor_reads_but_cannot_comment(login, org, task):
    client = login(org.auditor)
    assert client.get(reverse("plans:task_detail", args=[task.pk])).status_code == 200
    assert client.post(reverse("plans:add_comment", args=[task.pk]), {"text": "x"}).status_code == 403


def test_upload_evidence_links_it_and_wrong_type_is_explained(login, org, task):
    client = login(org.officer)
    url = reverse("plans:upload_evidence", args=[task.pk])
    bad = client.post(url, {"abstract": "Ảnh", "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, follow=True)
    assert "PDF, DOCX, XLSX, JPEG" in bad.content.decode()
    good = client.post(
        url,
        {
            "abstract": "Báo cáo quý",
            "doc_number": "12/BC-VP",
            "file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert good.status_code == 302
    task.refresh_from_db()
    assert task.evidence_count == 1
    assert AuditEntry.objects.filter(action="task.evidence_linked", object_id=str(task.pk)).exists()


def test_evidence_over_the_size_limit_is_refused(login, org, task, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client = login(org.officer)
    response = client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "Lớn", "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096)},
        follow=True,
    )
    assert "limit" in response.content.decode() or "giới hạn" in response.content.decode()
    task.refresh_from_db()
    assert task.evidence_count == 0


def test_evidence_file_is_served_only_after_an_access_check(login, org, task):
    client = login(org.officer)
    client.post(
        reverse("plans:upload_evidence", args=[task.pk]),
        {"abstract": "BC", "file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    version = task.evidence_links.get().document.versions.get()
    ok = client.get(reverse("evidence_file", args=[version.pk]))
    assert ok.status_code == 200 and ok["Content-Disposition"].startswith("attachment")
    assert b"".join(ok.streaming_content).startswith(b"%PDF")
    assert login(org.outsider).get(reverse("evidence_file", args=[version.pk])).status_code == 404


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


def test_obstacle_reaches_the_leaders_and_gets_a_direction(login, org, task):
    login(org.head).post(reverse("plans:add_obstacle", args=[task.pk]), {"text": "Thiếu nhân lực"})
    obstacle = task.obstacles.get()
    response = login(org.leader).get(reverse("plans:dashboard"))
    assert "Thiếu nhân lực" in response.content.decode()
    login(org.leader).post(reverse("plans:resolve_obstacle", args=[obstacle.pk]), {"response": "Điều động thêm"})
    obstacle.refresh_from_db()
    assert obstacle.status == "resolved" and obstacle.resolved_by == org.leader


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


def test_a_step_no_longer_allowed_is_refused_with_a_message(login, org, task):
    client = login(org.officer)
    client.post(reverse("plans:post_progress", args=[task.pk]), {"progress": 100, "text": "Xong"})
    head = login(org.head)
    head.post(reverse("plans:return", args=[task.pk]), {"reason": "Thiếu"})
    url = reverse("plans:task_detail", args=[task.pk])
    response = head.post(reverse("plans:return", args=[task.pk]), {"reason": "Lần nữa"}, HTTP_REFERER=url, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert response.status_code == 200
