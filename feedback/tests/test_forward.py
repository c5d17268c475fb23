"""Forwarding an item out of competence (feedback.services.forward, POST /pakn/<pk>/forward/)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services


def test_forwarded_out_of_competence(item, org):
    now = timezone.now()
    services.forward(item=item, actor=org.office, to="Sở Tư pháp tỉnh Lạng Sơn", now=now)
    item.refresh_from_db()
    assert (item.status, item.within_competence, item.forwarded_to) == ("forwarded", False, "Sở Tư pháp tỉnh Lạng Sơn")
    assert item.forwarded_at == now


def test_the_competent_body_is_named(item, org):
    with pytest.raises(services.FeedbackError):
        services.forward(item=item, actor=org.office, to="", now=timezone.now())


def test_the_page_step(client, org, item):
    client.force_login(org.office)
    url = reverse("feedback:forward", args=[item.pk])
    assert client.post(url, {"to": "UBND huyện Văn Lãng"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.forwarded_to) == ("forwarded", "UBND huyện Văn Lãng")
    again = client.post(url, {"to": "UBND tỉnh"})  # forwarded already
    assert again.status_code == 400 and "Không thể thực hiện" in again.content.decode()
