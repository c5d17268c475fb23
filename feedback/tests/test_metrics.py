"""The feedback group of the 766 dashboard (feedback.metrics): 5.2 on time and 5.3 satisfaction
over the items the user sees."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from feedback import services

T = dt.datetime


def test_the_766_dashboard_shows_the_feedback_group(client, org, cal, phoned):
    def received(day, hour=9):
        item = phoned(T(2026, 6, day, hour - 7, tzinfo=dt.UTC))
        services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
        return item

    on_time, late = received(1), received(2)  # due 22/06 and 23/06
    for item, when in ((on_time, T(2026, 6, 10, 3, tzinfo=dt.UTC)), (late, T(2026, 6, 29, 3, tzinfo=dt.UTC))):
        services.submit_answer(item=item, actor=org.officer, answer="Trả lời")
        services.approve(item=item, actor=org.leader, cal=cal, now=when)
    received(25)  # open, due in July
    client.force_login(org.leader)
    page = client.get(reverse("procedures:quality"), {"period": "quarter", "n": 2, "year": 2026})
    rows = {r["key"]: r for r in page.context["rows"]}
    assert (rows["feedback_on_time_rate"]["figure"].numerator, rows["feedback_on_time_rate"]["figure"].denominator) == (
        2,
        3,
    )
    assert rows["feedback_satisfaction"]["rate"] == Decimal("66.67")
    assert "5.2" in page.content.decode()
    client.force_login(org.other_officer)  # KHTH sees none of QLDN's feedback
    rows = {
        r["key"]: r
        for r in client.get(reverse("procedures:quality"), {"period": "quarter", "n": 2, "year": 2026}).context["rows"]
    }
    assert rows["feedback_on_time_rate"]["figure"].denominator == 0
