"""Evidence of a criterion: linked from the library or uploaded, checked automatically (dated
outside the year, no number), required for a replaced system figure."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry, Document
from core.services import create_document
from scorecards import evidence, services
from scorecards.errors import ScoreError
from scorecards.models import NodeScore
from scorecards.tests.helpers import assigned_task, pdf, score_of


def test_replaced_system_figure_needs_a_document_and_evidence_is_checked(par, org, login, today):
    round_, card = par
    assigned_task(org, today)
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    services.override_metric(
        actor=org.office, score=row, raw={"percent": "100"}, reason="Số liệu của Văn phòng UBND tỉnh", today=today
    )
    with pytest.raises(ScoreError, match="1.5"):
        services.send_for_approval(actor=org.office, scorecard=card, today=today)
    old = create_document(
        actor=org.office,
        agency=org.agency,
        unit=None,
        fileobj=pdf(),
        filename="cu.pdf",
        abstract="Báo cáo cũ",
        issued_on=dt.date(2024, 5, 2),
    )
    evidence.link_evidence(actor=org.office, score=row, document=old, today=today)
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    page = login(org.office).get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert "Báo cáo cũ" in page and "2026" in page  # dated outside the year, and no number
    flags = login(org.office).get(reverse("scorecards:row_evidence", args=[card.pk, row.pk])).context["flags"]
    assert len(flags) == 2


def test_large_ids_are_not_written_with_thousand_separators(par, org, login, today):
    """Vietnamese formats 5000 as 5.000: ids in forms and element ids must stay plain."""
    round_, card = par
    Document.objects.create(pk=5000, agency=org.agency, abstract="Kế hoạch CCHC", created_by=org.office)
    row = score_of(card, "1.1.1")
    client = login(org.office)
    page = client.get(reverse("scorecards:row_evidence", args=[card.pk, row.pk])).content.decode()
    assert 'value="5000"' in page and "5.000" not in page
    client.post(reverse("scorecards:evidence_link", args=[card.pk, row.pk]), {"document": "5000"})
    assert row.evidence.get().pk == 5000
    # the scoring table's row ids and inputs too
    NodeScore.objects.filter(pk=row.pk).delete()
    row = NodeScore.objects.create(pk=7000, scorecard=card, code="1.1.1")
    page = client.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert 'id="row-7000"' in page and 'id="value-7000"' in page


def test_link_unlink_and_upload_are_one_url_each(par, org, login):
    round_, card = par
    row = score_of(card, "1.1.1")
    args = [card.pk, row.pk]
    link, upload = reverse("scorecards:evidence_link", args=args), reverse("scorecards:evidence_upload", args=args)
    office = login(org.office)
    page = office.get(reverse("scorecards:row_evidence", args=args)).content.decode()
    assert f'action="{link}"' in page and f'action="{upload}"' in page
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="kh.pdf", abstract="KH"
    )
    assert office.post(link, {"document": "999999"}).status_code == 404  # not a document the user sees
    assert office.post(link, {"document": doc.pk}).status_code == 302
    assert list(row.evidence.all()) == [doc]
    unlink = reverse("scorecards:evidence_unlink", args=[*args, doc.pk])
    assert unlink in office.get(reverse("scorecards:row_evidence", args=args)).content.decode()
    assert login(org.auditor).post(unlink).status_code == 403
    assert row.evidence.count() == 1
    assert office.post(unlink).status_code == 302 and not row.evidence.exists()
    assert office.post(unlink).status_code == 302  # already gone: nothing to do
    assert AuditEntry.objects.filter(action="score.evidence_unlinked").count() == 1
    # an upload without a file shows the form again with its error; with one, the document is linked
    response = office.post(upload, {"abstract": "Báo cáo"})
    assert response.status_code == 200 and response.context["form"].errors
    pdf_file = SimpleUploadedFile("bc.pdf", pdf().read(), content_type="application/pdf")
    response = office.post(upload, {"abstract": "Báo cáo quý", "file": pdf_file})
    assert response.status_code == 302
    assert [d.abstract for d in row.evidence.all()] == ["Báo cáo quý"]
    assert login(org.officer).post(upload, {"abstract": "x"}).status_code == 403  # not the officer's criterion


def test_no_file_is_stored_for_a_criterion_that_cannot_take_evidence(par, org, login, today):
    round_, card = par
    row = score_of(card, "1.1.1")
    services.save_declared(actor=org.office, score=row, raw=True, note="KH", today=today)
    services.send_for_approval(actor=org.office, scorecard=card, today=today)  # no longer a draft
    upload = reverse("scorecards:evidence_upload", args=[card.pk, row.pk])
    before = Document.objects.count()
    pdf_file = SimpleUploadedFile("bc.pdf", pdf().read(), content_type="application/pdf")
    response = login(org.office).post(upload, {"abstract": "Báo cáo", "file": pdf_file})
    assert response.status_code == 302 and Document.objects.count() == before


def test_linking_unlinking_and_uploading_evidence_say_what_was_done(par, org, login):
    round_, card = par
    row = score_of(card, "1.1.1")
    office = login(org.office)
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="kh.pdf", abstract="Kế hoạch CCHC"
    )
    args = [card.pk, row.pk]
    linked = office.post(reverse("scorecards:evidence_link", args=args), {"document": doc.pk}, follow=True)
    said = [str(m) for m in linked.context["messages"]]
    assert said == [
        _("Document linked to criterion %(code)s: %(document)s.") % {"code": "1.1.1", "document": "Kế hoạch CCHC"}
    ]
    unlinked = office.post(reverse("scorecards:evidence_unlink", args=[*args, doc.pk]), follow=True)
    assert [str(m) for m in unlinked.context["messages"]] == [
        _("Document removed from criterion %(code)s: %(document)s.") % {"code": "1.1.1", "document": "Kế hoạch CCHC"}
    ]
    upload = {"abstract": "Báo cáo quý", "file": SimpleUploadedFile("bc.pdf", pdf().getvalue())}
    uploaded = office.post(reverse("scorecards:evidence_upload", args=args), upload, follow=True)
    assert [str(m) for m in uploaded.context["messages"]] == [
        _("Document uploaded and linked to criterion %(code)s: %(document)s.")
        % {"code": "1.1.1", "document": "Báo cáo quý"}
    ]
