"""The dossier's steps on its page (issue 20): typed values kept on any error (D4), ending
processing only by an explicit choice and a confirmation (D25), the supplement request listing the
missing documents (Mẫu 02), the refusal's reason kept for Mẫu 03."""

import io

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext
from docx import Document as read_docx

from procedures import services
from procedures.models import Dossier, SupplementRequest
from procedures.tests.helpers import D, at, content


def url(name, dossier):
    return reverse(f"procedures:{name}", args=[dossier.pk])


def errors(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_the_apology_keeps_the_reason_on_a_date_that_is_no_date(client, org, dossier):
    client.force_login(org.officer)
    reason = "Chờ ý kiến phối hợp của Sở Lao động - Thương binh và Xã hội"
    response = client.post(url("apology", dossier), {"reason": reason, "new_date": "31/02/2026"})
    assert response.status_code == 400 and "new_date" in response.context["apology_form"].errors
    page = response.content.decode()
    assert reason in page and 'value="31/02/2026"' in page  # both kept, on the dossier's page
    dossier.refresh_from_db()
    assert dossier.apology_date is None


def test_the_apology_keeps_the_reason_when_the_date_is_refused(client, org, dossier):
    client.force_login(org.officer)
    response = client.post(url("apology", dossier), {"reason": "Chờ ý kiến", "new_date": "20/03/2026"})
    assert response.status_code == 400  # before the due date 23/03/2026
    assert len(errors(response)) == 1 and "23/03/2026" in errors(response)[0]
    assert "Chờ ý kiến" in response.content.decode() and 'value="20/03/2026"' in response.content.decode()
    done = client.post(url("apology", dossier), {"reason": "Chờ ý kiến", "new_date": "27/03/2026"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.apology_date == D(2026, 3, 27)


def test_ending_processing_takes_an_explicit_outcome_and_a_confirmation(client, org, dossier):
    client.force_login(org.officer)
    page = client.get(url("dossier", dossier))
    assert page.context["finish_form"]["outcome"].value() in (None, "")  # no outcome chosen for the user
    no_choice = client.post(url("finish", dossier), {"confirm": "on"})
    assert no_choice.status_code == 400 and "outcome" in no_choice.context["finish_form"].errors
    unconfirmed = client.post(url("finish", dossier), {"outcome": "finished", "note": "Đã ký"})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["finish_form"].errors
    assert 'value="finished" selected' in unconfirmed.content.decode() and "Đã ký" in unconfirmed.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "received" and dossier.finished_at is None
    done = client.post(url("finish", dossier), {"outcome": "finished", "confirm": "on"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "finished"
    success = [str(m) for m in get_messages(done.wsgi_request) if m.level_tag == "success"]
    assert success == [gettext("Processing ended: result issued. Return it to the applicant when they collect it.")]


def test_a_refusal_needs_its_reason_which_is_kept_for_the_applicant(client, org, dossier):
    client.force_login(org.officer)
    missing = client.post(url("finish", dossier), {"outcome": "rejected", "confirm": "on"})
    assert missing.status_code == 400 and "note" in missing.context["finish_form"].errors
    reason = "Dự án không thuộc ngành, nghề ưu đãi đầu tư"
    client.post(url("finish", dossier), {"outcome": "rejected", "note": reason, "confirm": "on"})
    dossier.refresh_from_db()
    assert (dossier.status, dossier.end_reason) == ("rejected", reason)
    papers = client.get(url("dossier", dossier)).context["papers"]
    assert "Mẫu 03" in [p["form"] for p in papers]


def test_the_supplement_form_starts_from_the_documents_missing_at_reception(client, org, receive):
    dossier = receive(
        at(2026, 3, 9, 9),
        applicant_name="Nguyễn Văn Bình",
        checklist=[{"name": "Đơn đề nghị", "received": True}, {"name": "Bản sao điều lệ", "received": False}],
    )
    client.force_login(org.officer)
    page = client.get(url("dossier", dossier))
    assert page.context["supplement_form"]["missing"].value() == "Bản sao điều lệ"


def test_a_supplement_of_missing_documents_produces_its_slip(client, org, dossier):
    client.force_login(org.officer)
    nothing = client.post(url("supplement", dossier), {"missing": " ", "items": ""})
    assert nothing.status_code == 400 and not SupplementRequest.objects.exists()
    response = client.post(url("supplement", dossier), {"missing": "Bản sao điều lệ\n\nGiấy ủy quyền\n", "items": ""})
    assert response.status_code == 302
    request = SupplementRequest.objects.get()
    assert request.missing_documents() == ["Bản sao điều lệ", "Giấy ủy quyền"]
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    slip = client.get(reverse("procedures:supplement_docx", args=[dossier.pk, request.pk]))
    assert slip["Content-Disposition"] == f'attachment; filename="mau-02-{dossier.code}.docx"'
    doc = read_docx(io.BytesIO(content(slip)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Bản sao điều lệ" in cells and "Giấy ủy quyền" in cells
    assert "PHIẾU YÊU CẦU BỔ SUNG," in text and dossier.code in text
    assert "NGƯỜI HƯỚNG DẪN" in "\n".join(cells) and org.officer.display_name in "\n".join(cells)
    printed = client.get(reverse("procedures:print_supplement", args=[dossier.pk, request.pk]))
    assert printed.status_code == 200 and "Giấy ủy quyền" in printed.content.decode()


def test_a_state_refusal_is_still_a_message_on_the_dossier(client, org, dossier):
    services.finish(dossier=dossier, actor=org.office, outcome="rejected", note="Không đủ điều kiện")
    client.force_login(org.officer)
    response = client.post(url("apology", dossier), {"reason": "Chờ", "new_date": "27/03/2026"})
    assert response.status_code == 302 and response.url == url("dossier", dossier)
    assert len(errors(response)) == 1


def test_a_dossier_waiting_for_a_supplement_offers_only_the_ends_its_state_allows(client, org, dossier):
    """Waiting for the applicant's supplement, a dossier can be stopped or withdrawn, not given a
    result or refused: the end step offers only those, and says what to do first."""
    services.request_supplement(dossier=dossier, actor=org.office, missing="Bản sao giấy phép")
    client.force_login(org.officer)
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    offered = [value for value, _label in page.context["finish_form"].fields["outcome"].choices if value]
    assert offered == ["stopped", "withdrawn"]
    assert "trước hết hãy ghi nhận người nộp đã bổ sung hồ sơ" in page.content.decode()
    services.complete_supplement(dossier=dossier, actor=org.office)
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    offered = [value for value, _label in page.context["finish_form"].fields["outcome"].choices if value]
    assert offered == ["finished", "rejected", "stopped", "withdrawn"]
