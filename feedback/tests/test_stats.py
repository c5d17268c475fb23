"""The statistics page (GET /pakn/stats/, feedback.stats): on-time rates per deadline kind, by
category and by unit, over a period."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from feedback import services

T = dt.datetime


def test_statistics_per_deadline_category_and_unit(client, org, cal, phoned):
    def received(day):
        return phoned(T(2026, 6, day, 2, tzinfo=dt.UTC))

    answered = received(1)  # answer due 22/06
    services.classify(item=answered, actor=org.office, category="conduct", within_competence=True, unit=org.unit_a)
    services.submit_answer(item=answered, actor=org.officer, answer="Trả lời")
    services.approve(item=answered, actor=org.leader, cal=cal, now=T(2026, 6, 23, 3, tzinfo=dt.UTC))  # a day late
    services.publish(item=answered, actor=org.office, now=timezone.now())
    refused = received(2)
    services.not_accept(item=refused, actor=org.office, reason="Thiếu địa chỉ", now=timezone.now())
    received(3)
    client.force_login(org.leader)
    page = client.get(reverse("feedback:stats"), {"from": "2026-06-01", "to": "2026-06-30"})
    result = page.context["stats"]
    assert result.received == 3
    assert (result.steps["answer"].on_time, result.steps["answer"].total) == (0, 1)
    assert (result.steps["reject"].on_time, result.steps["reject"].total) == (0, 1)  # refused today, long after
    assert (result.steps["publish"].on_time, result.steps["publish"].total) == (0, 1)  # published today: late
    by_category = {g.label: g for g in result.by_category}
    assert by_category["Hành vi của cán bộ, công chức"].received == 1
    assert result.classified_share == Decimal("33.33")
    by_unit = {g.label: g for g in result.by_unit}
    assert by_unit[org.unit_a.name].answered.total == 1 and by_unit["—"].received == 2
