"""The sender's reminder (nhắc lại, POST /phan-anh/<code>/nhac-lai/, feedback.services.sender_reminder):
with the sender's key, once a day while the item is open, from 2 working days before the date the
sender waits for (never on day 0); who handles it is told in the app."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Notification
from feedback import services
from feedback.models import Feedback


def _late(receive, org):
    """An item received 30 days ago, classified to unit QLDN: its answer is overdue."""
    item = receive(at=timezone.now() - dt.timedelta(days=30))
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    return item


def test_the_sender_reminds_once_a_day_and_the_handlers_are_told(client, org, receive, cal):
    item = _late(receive, org)
    url = reverse("feedback_remind", args=[item.code])
    assert client.post(url, {"k": "wrong"}).status_code == 400
    response = client.post(url, {"k": item.key})
    assert response.status_code == 302 and "reminded=1" in response["Location"]
    told = set(Notification.objects.filter(kind="feedback_reminder").values_list("user__username", flat=True))
    assert told == {"chuyenvien.qldn", "truongphong.qldn"}  # the unit handling it
    again = client.post(url, {"k": item.key})
    assert again.status_code == 400 and "Hôm nay bạn đã nhắc lại" in again.content.decode()
    item.refresh_from_db()
    assert item.reminder_count == 1
    assert AuditEntry.objects.filter(action="feedback.sender_reminder", object_id=str(item.pk)).count() == 1
    # the next day, a second reminder
    services.sender_reminder(item=item, key=item.key, now=timezone.now() + dt.timedelta(days=1), cal=cal)
    item.refresh_from_db()
    assert item.reminder_count == 2
    assert Notification.objects.filter(kind="feedback_reminder").count() == 4


def test_no_reminder_on_day_0(client, receive, cal):
    item = receive()  # just sent: 15 working days to go
    page = client.get(reverse("feedback_status", args=[item.code]), {"k": item.key})
    remind = reverse("feedback_remind", args=[item.code])
    assert remind not in page.content.decode() and page.context["remind_later"]
    refused = client.post(remind, {"k": item.key})
    assert refused.status_code == 400 and not Notification.objects.exists()
    with pytest.raises(services.FeedbackError):
        services.sender_reminder(item=item, key=item.key, now=timezone.now(), cal=cal)
    item.refresh_from_db()
    assert item.reminder_count == 0


def test_the_reminder_opens_2_working_days_before_the_date(receive, cal):
    item = receive()
    today = timezone.localdate()
    Feedback.objects.filter(pk=item.pk).update(due_answer=cal.add_working_days(today, 3))
    item.refresh_from_db()
    assert not services.sender_may_remind(item, today, cal)
    Feedback.objects.filter(pk=item.pk).update(due_answer=cal.add_working_days(today, 2))
    item.refresh_from_db()
    assert services.sender_may_remind(item, today, cal)
    item.extended_to = cal.add_working_days(today, 10)  # an extension moves the date the sender waits for
    assert not services.sender_may_remind(item, today, cal)


def test_the_status_page_offers_the_reminder_only_with_the_key_while_open(client, org, receive, published, cal):
    item = _late(receive, org)
    page = reverse("feedback_status", args=[item.code])
    remind = reverse("feedback_remind", args=[item.code])
    assert remind not in client.get(page).content.decode()
    assert remind not in client.get(page, {"k": "not-the-key"}).content.decode()
    assert remind in client.get(page, {"k": item.key}).content.decode()
    services.submit_answer(item=item, actor=org.officer, answer="Đã giải quyết.")
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    services.publish(item=item, actor=org.office, now=timezone.now())
    assert remind not in client.get(page, {"k": item.key}).content.decode()
    with pytest.raises(services.FeedbackError):
        services.sender_reminder(item=item, key=item.key, now=timezone.now(), cal=cal)
