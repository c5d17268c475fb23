"""The plan's text (plan_text, plan_next_year; reports.plan_text)."""

import io

from django.urls import reverse
from docx import Document

from core.models import AuditEntry
from plans.models import Plan, Task
from reports.tests.helpers import D, produce


def test_the_office_edits_the_plan_text_and_drafts_next_years_plan(client, org, tasks, plan):
    plan.title = "Kế hoạch nâng cao Chỉ số CCHC năm 2026"
    plan.save()
    section = plan.sections.get(code="II.1.c")
    client.force_login(org.office)
    url = reverse("reports:plan_text", args=[plan.pk])
    data = {
        "number": "125/KH-BQLKKTCK",
        "title": plan.title,
        "issued_on": "2026-07-15",
        "signer_title": "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN",
        "signer": "Hoàng Việt Đông",
        "preamble": "Phát huy kết quả năm 2025, cơ quan xây dựng kế hoạch năm 2026 như sau:",
        "closing": "",
        "recipients": "Sở Nội vụ",
        "archive": "VT, VP",
        f"section_{section.pk}": "Số hóa 100% hồ sơ TTHC năm 2026.",
    }
    assert client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.text == "Số hóa 100% hồ sơ TTHC năm 2026."
    entry = AuditEntry.objects.get(action="plan.text_saved")
    assert entry.changes["sections"][1]["II.1.c"] == "Số hóa 100% hồ sơ TTHC năm 2026."
    # next year's plan from this one
    response = client.post(reverse("reports:plan_next_year", args=[plan.pk]))
    new = Plan.objects.get(agency=org.agency, year=2027)
    assert response["Location"] == reverse("reports:plan_text", args=[new.pk])
    assert (new.status, new.number, new.issued_on) == ("draft", "", None)
    assert new.title == "Kế hoạch nâng cao Chỉ số CCHC năm 2027"
    assert new.preamble == "Phát huy kết quả năm 2026, cơ quan xây dựng kế hoạch năm 2027 như sau:"
    assert new.sections.get(code="II.1.c").text == "Số hóa 100% hồ sơ TTHC năm 2027."
    copied = {t.code: t for t in Task.objects.filter(plan=new)}
    assert set(copied) == {"T1", "T2", "T3", "T4"}  # the cancelled T5 is left out
    assert copied["T2"].deadline == D(2027, 4, 30) and copied["T2"].status == "not_started"
    assert [u.pk for u in copied["T2"].coordinating_units.all()] == [org.unit_b.pk]
    assert copied["T3"].section.plan_id == new.pk and copied["T3"].completed_on is None
    # a second copy is refused; the auditor may read the text but not change it
    client.post(reverse("reports:plan_next_year", args=[plan.pk]))
    assert Plan.objects.filter(agency=org.agency, year=2027).count() == 1
    client.force_login(org.auditor)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403


def test_the_plans_audit_entry_lists_the_details_that_changed(client, org, plan):
    client.force_login(org.office)
    data = {"number": "130/KH-BQLKKTCK", "title": plan.title, "archive": "VT, VP", "signer": "Hoàng Việt Đông"}
    assert client.post(reverse("reports:plan_text", args=[plan.pk]), data).status_code == 302
    changes = AuditEntry.objects.get(action="plan.text_saved").changes
    assert changes["number"] == ["125/KH-BQLKKTCK", "130/KH-BQLKKTCK"]
    assert changes["signer"] == ["", "Hoàng Việt Đông"]


def test_a_second_plan_for_next_year_is_refused_with_a_message(client, org, plan):
    Plan.objects.create(agency=org.agency, year=2027, title="Kế hoạch 2027")
    client.force_login(org.office)
    response = client.post(reverse("reports:plan_next_year", args=[plan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:plan_text", args=[plan.pk])
    assert "Đã có kế hoạch năm 2027." in response.content.decode()
    client.force_login(org.auditor)
    assert client.post(reverse("reports:plan_next_year", args=[plan.pk])).status_code == 403


def test_the_office_registers_the_plans_number_and_date_and_the_document_prints_them(client, org, tasks, plan):
    plan.number, plan.issued_on = "/KH-BQLKKTCK", None  # as the seed leaves it until the văn thư registers it
    plan.save()
    _item, draft = produce(org, "plan_docx", plan=plan)
    assert "Số:     /KH-BQLKKTCK" in docx_text(draft)
    client.force_login(org.office)
    data = {"number": "131/KH-BQLKKTCK", "title": plan.title, "issued_on": "16/07/2026", "archive": "VT, VP"}
    assert client.post(reverse("reports:plan_text", args=[plan.pk]), data).status_code == 302
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on) == ("131/KH-BQLKKTCK", D(2026, 7, 16))
    _item, issued = produce(org, "plan_docx", plan=plan)
    text = docx_text(issued)
    assert "Số: 131/KH-BQLKKTCK" in text and "Lạng Sơn, ngày 16 tháng 7 năm 2026" in text
    assert f"(Kèm theo Kế hoạch số 131/KH-BQLKKTCK ngày 16 tháng 7 năm 2026 của {org.agency.name})" in text


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [p.text for table in doc.tables[:1] for row in table.rows for c in row.cells for p in c.paragraphs]
    return "\n".join(cells + [p.text for p in doc.paragraphs])
