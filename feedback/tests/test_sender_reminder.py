"""The sender's reminder (nhắc lại, POST /phan-anh/<code>/nhac-lai/, feedback.services.sender_reminder):
with the sender's key, once a day while the item is open; who handles it is told in the app."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Notification
from feedback import services


def test_the_sender_reminds_once_a_day_and_the_handlers_are_told(client, org, receive):
    item = receive()
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
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
    services.sender_reminder(item=item, key=item.key, now=timezone.now() + dt.timedelta(days=1))
    item.refresh_from_db()
    assert item.reminder_count == 2
    assert Notification.objects.filter(kind="feedback_reminder").count() == 4


def test_the_status_page_offers_the_reminder_only_with_the_key_while_open(client, receive, published):
    item = receive()
    page = reverse("feedback_status", args=[item.code])
    remind = reverse("feedback_remind", args=[item.code])
    assert remind not in client.get(page).content.decode()
    assert remind not in client.get(page, {"k": "not-the-key"}).content.decode()
    assert remind in client.get(page, {"k": item.key}).content.decode()
    published(item)
    assert remind not in client.get(page, {"k": item.key}).content.decode()
    with pytest.raises(services.FeedbackError):
        services.sender_reminder(item=item, key=item.key, now=timezone.now())
