"""The pages of the register of tasks assigned by the province: the register and its on-time
figures, entry by hand, changes, the steps, and the Excel import (preview, then confirm)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry
from plans.models import AssignedTask
from plans.tests.conftest import PDF

D = dt.date


@pytest.fixture
def task(org):
    return AssignedTask.objects.create(
        agency=org.agency,
        code="1234/UBND-KT",
        document_number="1234/UBND-KT",
        document_date=D(2026, 3, 2),
        content="Triển khai nền tảng số cửa khẩu",
        due_date=D(2026, 4, 15),
        lead_unit=org.unit_a,
    )


def test_the_register_shows_the_tasks_and_the_on_time_figures(login, org, task, django_assert_max_num_queries):
    client = login(org.office)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("plans:assigned_list"), {"year": 2026, "period": "quarter"})
    html = page.content.decode()
    assert page.status_code == 200 and "1234/UBND-KT" in html and "Q2/2026" in html
    filtered = client.get(reverse("plans:assigned_list"), {"status": "done"})
    assert "1234/UBND-KT" not in filtered.content.decode()
    by_due = client.get(reverse("plans:assigned_list"), {"due_from": "01/05/2026"})
    assert "1234/UBND-KT" not in by_due.content.decode()


def test_entry_by_hand(login, org, said):
    client = login(org.office)
    form = {
        "code": "567/UBND-KT",
        "document_number": "567/UBND-KT",
        "document_date": "04/05/2026",
        "issuer": "vice_chairman",
        "content": "Báo cáo giải ngân vốn đầu tư công",
        "due_date": "30/06/2026",
        "lead_unit": org.unit_b.pk,
    }
    bad = client.post(reverse("plans:assigned_new"), form | {"due_date": "01/05/2026"})
    assert bad.status_code == 400 and "Báo cáo giải ngân" in bad.content.decode()  # what was typed is kept
    assert not AssignedTask.objects.exists()
    response = client.post(reverse("plans:assigned_new"), form)
    created = AssignedTask.objects.get()
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.source == "manual" and created.issuer == "vice_chairman"
    assert AuditEntry.objects.filter(action="assigned.created", object_id=str(created.pk)).exists()


def test_moving_the_due_date_needs_a_reason(login, org, task):
    client = login(org.leader)
    form = {
        "document_number": task.document_number,
        "document_date": "02/03/2026",
        "issuer": "province",
        "content": task.content,
        "due_date": "30/04/2026",
        "lead_unit": org.unit_a.pk,
    }
    url = reverse("plans:assigned_edit", args=[task.pk])
    assert client.post(url, form).status_code == 400
    assert client.post(url, form | {"reason": "Văn bản gia hạn 99/UBND-KT"}).status_code == 302
    task.refresh_from_db()
    entry = AuditEntry.objects.get(action="assigned.updated")
    assert task.due_date == D(2026, 4, 30) and entry.note == "Văn bản gia hạn 99/UBND-KT"


def test_reporting_done_with_the_report_uploaded_as_evidence(login, org, task):
    client = login(org.officer)
    url = reverse("plans:assigned_complete", args=[task.pk])
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert client.post(url, {"completed_on": ""}).status_code == 400
    refused = client.post(url, {"completed_on": future}, follow=True)
    assert AssignedTask.objects.get(pk=task.pk).status == "open" and refused.status_code == 200
    upload = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
    form = {"completed_on": "14/04/2026", "report_number": "215/BC-BQLKKTCK", "report_date": "14/04/2026"}
    assert client.post(url, form | {"file": upload}).status_code == 302
    task.refresh_from_db()
    [document] = task.evidence.all()
    assert task.on_time is True and document.doc_number == "215/BC-BQLKKTCK"
    detail = client.get(task.get_absolute_url()).content.decode()
    assert "215/BC-BQLKKTCK" in detail


def test_reopen_and_withdraw_need_a_reason(login, org, task):
    client = login(org.office)
    assert client.post(reverse("plans:assigned_withdraw", args=[task.pk]), {"reason": ""}).status_code == 400
    assert client.post(reverse("plans:assigned_withdraw", args=[task.pk]), {"reason": "Thu hồi"}).status_code == 302
    assert AssignedTask.objects.get(pk=task.pk).status == "withdrawn"
    assert client.post(reverse("plans:assigned_reopen", args=[task.pk]), {"reason": "Giao lại"}).status_code == 302
    assert AssignedTask.objects.get(pk=task.pk).status == "open"


def test_import_preview_then_confirm(login, org):
    client = login(org.office)
    template = client.get(reverse("plans:assigned_template"))
    wb = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    ws = wb.worksheets[0]
    ws.append(
        [2, "", "1502/UBND-KT", D(2026, 11, 2), "", "UBND tỉnh", "Phân luồng phương tiện", D(2026, 12, 15), "TTQLCK"]
    )
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("nv.xlsx", out.getvalue())
    preview = client.post(reverse("plans:assigned_import"), {"file": upload})
    assert preview.status_code == 200 and "1502/UBND-KT" in preview.content.decode()
    assert not AssignedTask.objects.exists()  # nothing before the confirmation
    confirmed = client.post(reverse("plans:assigned_import"), {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert set(AssignedTask.objects.values_list("code", "source")) == {
        ("VD-01/UBND-KT", "import"),
        ("1502/UBND-KT", "import"),
    }


def test_a_refused_file_lists_its_problems_with_status_400(login, org):
    client = login(org.office)
    wb_bytes = io.BytesIO()
    wb = Workbook()
    wb.active.append(["Số ký hiệu văn bản", "Ngày văn bản", "Nội dung nhiệm vụ"])
    wb.active.append(["1/UBND", "hôm qua", "x"])
    wb.save(wb_bytes)
    response = client.post(
        reverse("plans:assigned_import"), {"file": SimpleUploadedFile("a.xlsx", wb_bytes.getvalue())}
    )
    assert response.status_code == 400 and "hôm qua" in response.content.decode()
    assert not AssignedTask.objects.exists()


def test_a_change_the_register_refuses_keeps_what_was_typed(client, org):
    """Found by the independent review: a document date after the completion passed the form,
    the service refused it and the page redirected, losing the typed change."""
    from plans import assigned as service

    task = service.create_assigned(
        actor=org.office,
        agency=org.agency,
        data={
            "code": "77/UBND-KT",
            "document_number": "77/UBND-KT",
            "document_date": dt.date(2026, 3, 2),
            "content": "Báo cáo tình hình",
            "due_date": dt.date(2026, 4, 15),
            "status": "done",
            "completed_on": dt.date(2026, 4, 1),
            "report_number": "9/BC",
        },
        today=dt.date(2026, 5, 1),
    )
    client.force_login(org.office)
    typed = {
        "code": task.code,
        "document_number": task.document_number,
        "document_date": "10/04/2026",  # after the completion on 01/04
        "issuer": "province",
        "content": "Nội dung đã sửa, không được mất",
        "due_date": "15/04/2026",
    }
    page = client.post(reverse("plans:assigned_edit", args=[task.pk]), typed)
    assert page.status_code == 400
    assert "Nội dung đã sửa, không được mất" in page.content.decode()
    task.refresh_from_db()
    assert task.document_date == dt.date(2026, 3, 2)
