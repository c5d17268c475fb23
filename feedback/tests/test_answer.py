"""The answer's way (feedback.services classify, submit_answer, return_answer, approve, publish,
rate): drafted, returned by the leader, approved, published redacted and rated once by the
sender, every step logged with its before and after."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from feedback import services
from feedback.models import Note

T = dt.datetime


def test_answer_approved_published_and_rated_once(item, org, cal):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    assert item.status == "processing"
    services.submit_answer(item=item, actor=org.officer, answer="Ông Nguyễn Văn Bình: giấy tờ đó không bắt buộc.")
    services.return_answer(item=item, actor=org.leader, reason="Nêu căn cứ pháp lý")
    assert Note.objects.filter(feedback=item, text__contains="Nêu căn cứ").exists()
    services.submit_answer(
        item=item, actor=org.officer, answer="Ông Nguyễn Văn Bình: theo Nghị định 118/2025, không bắt buộc."
    )
    approved_at = T(2026, 9, 10, 3, 0, tzinfo=dt.UTC)
    services.approve(item=item, actor=org.leader, cal=cal, now=approved_at)
    item.refresh_from_db()
    assert (item.status, item.answered_at, item.due_publish) == (
        "awaiting_publication",
        approved_at,
        dt.date(2026, 9, 14),
    )
    assert "Nguyễn Văn Bình" not in item.public_answer and "Nghị định 118/2025" in item.public_answer
    now = timezone.now()
    with pytest.raises(services.FeedbackError):
        services.rate(item=item, key=item.key, satisfied=True, now=now)  # not published yet
    services.publish(item=item, actor=org.office, summary="Hỏi về giấy tờ, gọi 0912345678", now=now)
    item.refresh_from_db()
    assert item.status == "published" and "0912345678" not in item.summary and item.published_at == now
    with pytest.raises(services.FeedbackError):
        services.rate(item=item, key="someone-else", satisfied=False, now=now)
    services.rate(item=item, key=item.key, satisfied=False, now=now)
    with pytest.raises(services.FeedbackError):
        services.rate(item=item, key=item.key, satisfied=True, now=now)
    item.refresh_from_db()
    assert item.rated_unsatisfied is True and item.rated_at == now
    actions = list(
        AuditEntry.objects.filter(object_type="feedback.feedback", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "feedback.received",
        "feedback.classified",
        "feedback.answer_submitted",
        "feedback.answer_returned",
        "feedback.answer_submitted",
        "feedback.approved",
        "feedback.published",
        "feedback.rated",
    ]
    status_change = AuditEntry.objects.get(object_id=str(item.pk), action="feedback.published").changes["status"]
    assert status_change == ["awaiting_publication", "published"]


def test_each_step_wants_its_text_and_its_status(item, org, cal):
    with pytest.raises(services.FeedbackError, match="Không thể thực hiện"):
        services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())  # nothing to approve
    services.classify(item=item, actor=org.office, category="conduct", within_competence=True)
    with pytest.raises(services.FeedbackError):
        services.submit_answer(item=item, actor=org.officer, answer="  ")
    services.submit_answer(item=item, actor=org.officer, answer="Trả lời")
    with pytest.raises(services.FeedbackError):
        services.return_answer(item=item, actor=org.leader, reason="")
    with pytest.raises(services.FeedbackError, match="Không thể thực hiện"):
        services.submit_answer(item=item, actor=org.officer, answer="Lần nữa")  # waits for the leader
    item.refresh_from_db()
    assert (item.status, item.category, item.drafted_by) == ("awaiting_approval", "conduct", org.officer)
