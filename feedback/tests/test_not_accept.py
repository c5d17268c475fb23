"""Not accepting an item (feedback.services.not_accept, POST /pakn/<pk>/not_accept/): a reason,
and only while the item is new or waits for information."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services


def test_not_accepted_needs_a_reason_and_only_while_new(item, org):
    with pytest.raises(services.FeedbackError):
        services.not_accept(item=item, actor=org.office, reason=" ", now=timezone.now())
    services.not_accept(item=item, actor=org.office, reason="Thiếu địa chỉ người gửi", now=timezone.now())
    item.refresh_from_db()
    assert item.status == "not_accepted"
    with pytest.raises(services.FeedbackError, match="Không thể thực hiện"):
        services.submit_answer(item=item, actor=org.officer, answer="x")


def test_the_page_step(client, org, item):
    url = reverse("feedback:not_accept", args=[item.pk])
    assert url == f"/pakn/{item.pk}/not_accept/"
    client.force_login(org.office)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Nêu lý do" in refused.content.decode()
    response = client.post(url, {"reason": "Thiếu địa chỉ người gửi"})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:item", args=[item.pk])
    item.refresh_from_db()
    assert (item.status, item.reason) == ("not_accepted", "Thiếu địa chỉ người gửi")
    assert item.not_accepted_at is not None
