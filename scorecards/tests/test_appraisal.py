"""The appraisers' side: appraisal 1 with reasons and explanation requests, the agency's
explanations, appraisal 2, the council's survey results, publication."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry
from core.services import create_document
from scorecards import appraisal, selectors, services
from scorecards.errors import ScoreError
from scorecards.models import NodeScore, Phase, Scorecard
from scorecards.tests.helpers import alert, pdf, post_row, posts_to, row_html, row_url, score_of, submit


def test_full_round_appraisal_explanation_council_publication(par, org, login, today):
    round_, card = par
    office = login(org.office)
    post_row(office, card, "1.1.1", {"value": "true"})
    post_row(office, card, "1.2", {"violations": "0", "note": "Đủ 4 báo cáo quý"})
    score_of(card, "1.1.1").note = "x"
    NodeScore.objects.filter(pk=score_of(card, "1.1.1").pk).update(note="Kế hoạch số 12")
    submit(card, org, today)
    other = Scorecard.objects.get(round=round_, agency=org.other)
    services.save_declared(actor=org.admin, score=score_of(other, "1.1.1"), raw=True, note="kh", today=today)
    submit(other, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)  # -> appraisal 1

    appraiser = login(org.appraiser)
    row = score_of(card, "1.2")
    url = row_url("appraise", card, row, "a1")
    response = appraiser.post(url, {"points": "1.5", "reason": ""}, HTTP_HX_REQUEST="true")
    assert "Nêu lý do chấm 1,50 điểm thay vì 2,00 điểm" in alert(response)  # Vietnamese numbers (D22)
    too_many = appraiser.post(url, {"points": "2.5", "reason": "x"}, HTTP_HX_REQUEST="true")
    assert _("Points must be between 0 and %(max)s.") % {"max": "2,00"} in alert(too_many)
    assert score_of(card, "1.2").a1_points is None
    appraiser.post(url, {"points": "1.5", "reason": "Thiếu báo cáo quý II", "explain": "1"}, HTTP_HX_REQUEST="true")
    row.refresh_from_db()
    assert row.a1_points == Decimal("1.50") and row.explanation_requested
    card.refresh_from_db()
    assert card.results["a1"]["total"] == "2.50" and card.results["self"]["total"] == "3.00"
    # an agency member cannot appraise
    assert office.post(url, {"points": "2", "reason": "x"}).status_code == 403

    services.advance_phase(actor=org.appraiser, round_=round_)  # -> explanation
    explanation = {"explanation": "Báo cáo quý II gửi ngày 15/6"}
    office.post(row_url("explain", card, row), explanation, HTTP_HX_REQUEST="true")
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="bc.pdf", abstract="BC"
    )
    office.post(reverse("scorecards:evidence_link", args=[card.pk, row.pk]), {"document": doc.pk})
    assert row.evidence_links.get().stage == "supplementary"
    # only criteria asked to explain take supplementary evidence
    other_row = score_of(card, "1.1.1")
    office.post(reverse("scorecards:evidence_link", args=[card.pk, other_row.pk]), {"document": doc.pk})
    assert not other_row.evidence_links.filter(document=doc).exists()
    office.post(reverse("scorecards:card_explanations", args=[card.pk]))
    card.refresh_from_db()
    assert card.explanation_submitted_at

    services.advance_phase(actor=org.appraiser, round_=round_)  # -> appraisal 2
    # the appraiser sees the supplementary evidence file of the agency
    assert login(org.appraiser).get(reverse("evidence_detail", args=[doc.pk])).status_code == 200
    appraiser.post(
        row_url("appraise", card, row, "a2"), {"points": "2", "reason": "Đã giải trình đủ"}, HTTP_HX_REQUEST="true"
    )
    unflagged = score_of(card, "1.1.1")
    response = appraiser.post(
        row_url("appraise", card, unflagged, "a2"), {"points": "0", "reason": "x"}, HTTP_HX_REQUEST="true"
    )
    assert "yêu cầu giải trình" in alert(response)
    assert score_of(card, "1.1.1").a2_points is None
    services.advance_phase(actor=org.appraiser, round_=round_)  # -> council
    sipas = score_of(card, "8.2")
    page = appraiser.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert posts_to(row_html(page, sipas)) == ["survey"]
    appraiser.post(row_url("survey", card, sipas), {"percent": "80"}, HTTP_HX_REQUEST="true")
    card.refresh_from_db()
    assert card.results["a2"]["total"] == "3.00"
    assert Decimal(card.results["final"]["total"]) == Decimal("3.00") + Decimal("12.00")  # 8.2: 15 x 80%
    appraiser.post(
        reverse("scorecards:round_publish", args=[round_.pk]),
        {"decision_number": "123/QĐ-UBND", "decision_date": "15/03/2027", "confirm": "1"},
    )
    round_.refresh_from_db()
    assert round_.phase == Phase.PUBLISHED
    card.refresh_from_db()
    assert card.published_results["total"] == "15.00"

    # published results are immutable
    with pytest.raises(ScoreError):
        appraisal.appraise(actor=org.appraiser, score=row, column="final", points=Decimal(0), reason="x", today=today)
    with pytest.raises(ScoreError):
        services.reopen_phase(actor=org.appraiser, round_=round_, phase="council", closes_on=None, reason="x")

    # the ranking shows both agencies, visible to the other participant too
    ranking = selectors.ranking(round_, "final")
    assert [r["agency"] for r in ranking] == [org.agency, org.other]
    assert ranking[0]["rank"] == 1
    page = login(org.outsider).get(reverse("scorecards:round_detail", args=[round_.pk])).content.decode()
    assert org.agency.name in page and "15,00" in page
    # ...but not the other agency's scorecard
    assert login(org.outsider).get(reverse("scorecards:scorecard", args=[card.pk])).status_code == 404

    results = office.get(reverse("scorecards:results", args=[card.pk])).content.decode()
    assert "15,00" in results
    assert AuditEntry.objects.filter(action="score.a1", object_id=str(row.pk)).get().note == "Thiếu báo cáo quý II"


def test_rejecting_a_not_applicable_needs_a_reason(par, org, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "2.1"), raw="na", note="Không được giao", today=today)
    submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    with pytest.raises(ScoreError):
        appraisal.appraise(
            actor=org.appraiser, score=score_of(card, "2.1"), column="a1", points=Decimal(0), reason="", today=today
        )
    appraisal.appraise(
        actor=org.appraiser,
        score=score_of(card, "2.1"),
        column="a1",
        points=Decimal(0),
        reason="Có giao 2 văn bản",
        today=today,
    )
    card.refresh_from_db()
    assert Decimal(card.results["a1"]["max"]) == Decimal(card.results["self"]["max"]) + 3


def test_reopening_the_explanation_phase_lets_the_unit_explain_again(par, org, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    appraisal.appraise(
        actor=org.appraiser,
        score=score_of(card, "1.1.1"),
        column="a1",
        points=Decimal(0),
        reason="Trễ hạn",
        request_explanation=True,
        today=today,
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    appraisal.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Đúng hạn", today=today)
    appraisal.submit_explanations(actor=org.office, scorecard=card, today=today)
    with pytest.raises(ScoreError):
        appraisal.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Bổ sung", today=today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    services.reopen_phase(actor=org.appraiser, round_=round_, phase="explanation", closes_on=None, reason="Bổ sung")
    appraisal.explain(actor=org.office, score=score_of(card, "1.1.1"), text="Bổ sung", today=today)
    assert score_of(card, "1.1.1").explanation == "Bổ sung"


@pytest.fixture
def appraising(par, org, today):
    """The round in appraisal 1, the agency's self-assessment submitted with 1.1.1 achieved."""
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    return round_, card


def test_appraise_is_one_url_per_column(appraising, org, login):
    round_, card = appraising
    row = score_of(card, "1.1.1")
    appraiser = login(org.appraiser)
    page = appraiser.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert posts_to(row_html(page, row)) == ["a1"]
    assert appraiser.post(row_url("appraise", card, row, "a4"), {"points": "0"}).status_code == 404
    response = post_row(appraiser, card, "1.1.1", {"points": "abc"}, step="appraise", column="a1")
    assert alert(response) == "“abc” không phải là số." and score_of(card, "1.1.1").a1_points is None
    response = post_row(appraiser, card, "1.1.1", {"points": "0", "reason": "x"}, step="appraise", column="a2")
    assert alert(response) and score_of(card, "1.1.1").a2_points is None  # not the phase of appraisal 2
    post_row(appraiser, card, "1.1.1", {"points": "0,5", "reason": "Trễ"}, step="appraise", column="a1")
    assert score_of(card, "1.1.1").a1_points == Decimal("0.50")
    assert login(org.office).post(row_url("appraise", card, row, "a1"), {"points": "1"}).status_code == 403


def test_explain_url_takes_the_explanation(appraising, org, login, today):
    round_, card = appraising
    row = score_of(card, "1.1.1")
    appraisal.appraise(
        actor=org.appraiser,
        score=row,
        column="a1",
        points=Decimal(0),
        reason="Trễ",
        request_explanation=True,
        today=today,
    )
    services.advance_phase(actor=org.appraiser, round_=round_)  # -> explanation
    office = login(org.office)
    page = office.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert posts_to(row_html(page, row)) == ["explain"]
    response = post_row(office, card, "1.1.1", {"explanation": " Ban hành ngày 10/01 "}, step="explain")
    assert not alert(response) and score_of(card, "1.1.1").explanation == "Ban hành ngày 10/01"
    # 1.2 was not asked to explain
    response = post_row(office, card, "1.2", {"explanation": "x"}, step="explain")
    assert alert(response) and score_of(card, "1.2").explanation == ""
    assert login(org.appraiser).post(row_url("explain", card, row), {"explanation": "y"}).status_code == 403


def test_survey_url_takes_only_survey_criteria_at_the_council(appraising, org, login):
    round_, card = appraising
    for _phase in ("explanation", "appraisal2", "council"):
        services.advance_phase(actor=org.appraiser, round_=round_)
    appraiser = login(org.appraiser)
    response = post_row(appraiser, card, "1.2", {"violations": "0"}, step="survey")
    assert alert(response) == "Chỉ tiêu chí điều tra xã hội học mới nhập kết quả điều tra."
    assert score_of(card, "1.2").declared is None
    response = post_row(appraiser, card, "8.2", {"percent": "120"}, step="survey")
    assert "100" in alert(response) and score_of(card, "8.2").declared is None
    post_row(appraiser, card, "8.2", {"percent": "90"}, step="survey")
    assert score_of(card, "8.2").declared == {"percent": "90"}
    assert login(org.office).post(row_url("survey", card, score_of(card, "8.2")), {"percent": "1"}).status_code == 403
