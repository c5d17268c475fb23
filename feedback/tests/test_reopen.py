"""Reopening an item (feedback.services.reopen, POST /pakn/<pk>/reopen/): the leader's, with a
reason; the old answer leaves the portal and the sender may rate the new one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from feedback import services


def test_reopen_needs_a_reason_and_takes_the_answer_off_the_portal(client, org, cal, receive, published):
    item = published(receive())
    assert item.code in client.get(reverse("feedback_published")).content.decode()
    with pytest.raises(services.FeedbackError):
        services.reopen(item=item, actor=org.leader, reason=" ")
    client.force_login(org.officer)
    client.post(reverse("feedback:reopen", args=[item.pk]), {"reason": "Công dân chưa hài lòng"})
    item.refresh_from_db()
    assert item.status == "published"  # an officer may not reopen
    client.force_login(org.leader)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert reverse("feedback:reopen", args=[item.pk]) in page
    services.rate(item=item, key=item.key, satisfied=False, now=timezone.now())
    client.post(reverse("feedback:reopen", args=[item.pk]), {"reason": "Công dân chưa hài lòng"})
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == ("processing", 1)
    # the old answer's approval, publication and rating are cleared; the draft stays
    assert (item.answered_at, item.published_at, item.rated_at, item.public_answer) == (None, None, None, "")
    assert item.answer == "Đã giải quyết."
    assert item.code not in client.get(reverse("feedback_published")).content.decode()
    status_page = client.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "<dt>Đã công khai</dt>" not in status_page and "Đang xử lý" in status_page
    change = AuditEntry.objects.get(action="feedback.reopened", object_id=str(item.pk))
    assert change.changes["status"] == ["published", "processing"] and change.actor == org.leader
    assert item.notes.filter(text__contains="Công dân chưa hài lòng").exists()
    # answered and published again: the sender rates the new answer
    services.submit_answer(item=item, actor=org.officer, answer="Trả lời bổ sung.")
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    services.publish(item=item, actor=org.office, now=timezone.now())
    item.refresh_from_db()
    services.rate(item=item, key=item.key, satisfied=True, now=timezone.now())
    item.refresh_from_db()
    assert item.rated_unsatisfied is False
