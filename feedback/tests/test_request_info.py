"""Asking the sender for information and going on once it is supplied
(feedback.services.request_info / info_supplied, POST /pakn/<pk>/request_info/ and
/pakn/<pk>/info_supplied/)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services


def test_information_requested_then_supplied(item, org):
    services.request_info(item=item, actor=org.office, text="Bổ sung bản chụp giấy hẹn", now=timezone.now())
    item.refresh_from_db()
    assert item.status == "info_requested" and item.reason == "Bổ sung bản chụp giấy hẹn"
    services.info_supplied(item=item, actor=org.office, text="Đã nhận qua thư điện tử")
    item.refresh_from_db()
    assert item.status == "processing"


def test_the_first_request_counts_for_the_deadline(item, org):
    first = timezone.now()
    services.request_info(item=item, actor=org.office, text="Giấy hẹn", now=first)
    with pytest.raises(services.FeedbackError):
        services.request_info(item=item, actor=org.office, text="Lần hai", now=timezone.now())  # waits for the sender
    services.info_supplied(item=item, actor=org.office, text="")
    services.request_info(item=item, actor=org.office, text="Lần hai", now=timezone.now())
    item.refresh_from_db()
    assert item.info_requested_at == first and item.notes.count() == 0  # an empty supply adds no note


def test_the_page_steps(client, org, item):
    client.force_login(org.officer)
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    ask = reverse("feedback:request_info", args=[item.pk])
    refused = client.post(ask, {"text": " "})
    assert refused.status_code == 400 and "Nêu thông tin cần bổ sung" in refused.content.decode()
    assert client.post(ask, {"text": "Bản chụp giấy hẹn"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "info_requested"
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    supplied = reverse("feedback:info_supplied", args=[item.pk])
    assert f'action="{supplied}"' in page
    assert client.post(supplied, {"text": "Đã gửi qua thư"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "processing" and item.notes.get().text.endswith("Đã gửi qua thư")
