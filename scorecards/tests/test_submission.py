"""Submitting the self-assessment: evidence or an explanation for every point, the Office sends it,
the leader approves it; people are told when it is their turn."""

import datetime as dt
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import AuditEntry, Notification
from core.services import create_document
from scorecards import appraisal, selectors, services
from scorecards.models import Scorecard
from scorecards.tests.helpers import assigned_task, pdf, post_row, score_of, submit


def test_submission_needs_evidence_or_explanation_and_the_leader(par, org, login, today):
    round_, card = par
    office = login(org.office)
    post_row(office, card, "1.1.1", {"value": "true"})
    office.post(reverse("scorecards:card_send", args=[card.pk]))
    card.refresh_from_db()
    assert card.status == "draft"
    doc = create_document(
        actor=org.office, agency=org.agency, unit=None, fileobj=pdf(), filename="kh.pdf", abstract="KH"
    )
    row = score_of(card, "1.1.1")
    office.post(reverse("scorecards:evidence_link", args=[card.pk, row.pk]), {"document": doc.pk})
    assert row.evidence.count() == 1
    office.post(reverse("scorecards:card_send", args=[card.pk]))
    card.refresh_from_db()
    assert card.status == "awaiting_approval"
    # the Office cannot approve; the leader can
    office.post(reverse("scorecards:card_approve", args=[card.pk]))
    card.refresh_from_db()
    assert card.status == "awaiting_approval"
    login(org.leader).post(reverse("scorecards:card_approve", args=[card.pk]))
    card.refresh_from_db()
    assert card.status == "submitted" and card.submitted_by == org.leader


def test_submitted_self_assessment_keeps_its_figures_and_only_submitted_cards_rank(par, org, make_task, today):
    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    submit(card, org, today)
    make_task(deadline=today - dt.timedelta(days=3), status="done", plan=org.agency.plans.get())
    assigned_task(org, today)
    assert services.refresh_metrics(actor=None, scorecard=card, today=today) == 0
    assert score_of(card, "1.5").declared is None and score_of(card, "1.1.2").declared is None
    rows = selectors.ranking(round_, "self")
    assert [(r["agency"], r["rank"]) for r in rows] == [(org.agency, 1), (org.other, None)]


def test_leader_appraisers_and_the_office_are_told_when_it_is_their_turn(par, org, today):

    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    services.send_for_approval(actor=org.office, scorecard=card, today=today)
    assert Notification.objects.filter(user=org.leader, kind="par").count() == 1
    services.approve_and_submit(actor=org.leader, scorecard=card, today=today)
    assert Notification.objects.filter(user=org.appraiser, kind="par").count() == 1
    services.advance_phase(actor=org.appraiser, round_=round_)
    appraisal.appraise(
        actor=org.appraiser,
        score=score_of(card, "1.1.1"),
        column="a1",
        points=Decimal(0),
        reason="Trễ",
        request_explanation=True,
        today=today,
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    assert Notification.objects.filter(user=org.office, kind="par").count() == 1
    assert not Notification.objects.filter(user=org.outsider).exists()


def said(response) -> str:
    """The last message for the user (messages not shown yet pile up in the session)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_card_steps_are_one_url_each(par, org, login, today):
    round_, card = par
    url = {
        step: reverse(f"scorecards:card_{step}", args=[card.pk])
        for step in ("refresh_figures", "send", "approve", "return", "explanations")
    }
    office, leader = login(org.office), login(org.leader)
    page = office.get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert f'action="{url["send"]}"' in page and f'action="{url["refresh_figures"]}"' in page
    assert said(office.post(url["refresh_figures"])) == "Đã cập nhật số liệu hệ thống: 0 số liệu thay đổi."
    assert office.post(url["approve"]).status_code == 403  # the leader approves
    assert said(office.post(url["send"])) == "Đã trình lãnh đạo phê duyệt."
    card.refresh_from_db()
    assert card.status == Scorecard.Status.AWAITING_APPROVAL
    response = leader.post(url["return"], {"reason": ""})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.AWAITING_APPROVAL  # a reason is needed
    assert said(response) == "Vui lòng nêu lý do trả lại kết quả tự đánh giá."
    leader.post(url["return"], {"reason": "Bổ sung tài liệu"})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    assert AuditEntry.objects.filter(action="scorecard.returned", note="Bổ sung tài liệu").exists()
    # explanations are submitted in the explanation phase only, by the Office
    assert login(org.officer).post(url["explanations"]).status_code == 403
    office.post(url["explanations"])
    card.refresh_from_db()
    assert card.explanation_submitted_at is None
    # outside self-scoring the figures are not refreshed
    submit(card, org, today)
    services.advance_phase(actor=org.appraiser, round_=round_)
    response = office.post(url["refresh_figures"])
    assert response.status_code == 302 and "“Tự chấm điểm”" in said(response)
