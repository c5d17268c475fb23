"""Extending the answer date (feedback.services.extend, POST /pakn/<pk>/extend/): a reason and a
later date; the 766 clock keeps the original deadline."""

import datetime as dt

import pytest
from django.urls import reverse

from feedback import services


def test_extension_needs_a_reason_and_a_later_date(item, org):
    with pytest.raises(services.FeedbackError):
        services.extend(item=item, actor=org.office, until=dt.date(2026, 10, 1), reason="")
    with pytest.raises(services.FeedbackError):
        services.extend(item=item, actor=org.office, until=dt.date(2026, 9, 22), reason="Chờ ý kiến Sở")
    services.extend(item=item, actor=org.office, until=dt.date(2026, 10, 1), reason="Chờ ý kiến Sở")
    item.refresh_from_db()
    assert item.answer_due == dt.date(2026, 10, 1) and item.due_answer == dt.date(2026, 9, 22)  # 766 keeps the original


def test_the_page_step_reads_the_date(client, org, item):
    client.force_login(org.office)
    url = reverse("feedback:extend", args=[item.pk])
    no_date = client.post(url, {"until": "mai", "reason": "Chờ ý kiến Sở"})
    assert no_date.status_code == 400 and "Nhập ngày mới" in no_date.content.decode()
    assert client.post(url, {"until": "2026-10-01", "reason": "Chờ ý kiến Sở"}).status_code == 302
    assert client.post(url, {"until": "05/10/2026", "reason": "Chờ ý kiến Bộ"}).status_code == 302
    item.refresh_from_db()
    assert (item.extended_to, item.extension_reason) == (dt.date(2026, 10, 5), "Chờ ý kiến Bộ")
