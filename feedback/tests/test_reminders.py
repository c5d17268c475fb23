"""The daily deadline reminders (feedback.reminders.deadline_reminders): who is told before and
after a step's date, the escalation to the leader, the Office for publication."""

import datetime as dt

from core.models import Notification
from feedback import services
from feedback.reminders import deadline_reminders

T = dt.datetime


def test_reminders_before_and_after_the_deadline_with_escalation(org, cal, item):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    # answer due Tue 22/09/2026: two working days before, the unit is reminded once
    deadline_reminders(today=dt.date(2026, 9, 18), cal=cal)
    deadline_reminders(today=dt.date(2026, 9, 18), cal=cal)
    unit_people = set(Notification.objects.filter(kind="feedback_due").values_list("user__username", flat=True))
    assert unit_people == {"chuyenvien.qldn", "truongphong.qldn"}
    assert Notification.objects.filter(kind="feedback_due").count() == 2
    # the day after: overdue, the Office too; three working days late, the leader as well
    deadline_reminders(today=dt.date(2026, 9, 23), cal=cal)
    late = set(Notification.objects.filter(kind="feedback_overdue").values_list("user__username", flat=True))
    assert late == {"chuyenvien.qldn", "truongphong.qldn", "vanphong"}
    deadline_reminders(today=dt.date(2026, 9, 25), cal=cal)
    escalated = Notification.objects.filter(kind="feedback_overdue", for_date=dt.date(2026, 9, 25))
    assert "lanhdao" in set(escalated.values_list("user__username", flat=True))
    # answered: nothing more
    services.submit_answer(item=item, actor=org.officer, answer="Trả lời")
    services.approve(item=item, actor=org.leader, cal=cal, now=T(2026, 9, 28, 3, tzinfo=dt.UTC))
    before = Notification.objects.filter(kind="feedback_overdue").count()
    deadline_reminders(today=dt.date(2026, 9, 29), cal=cal)  # publication due 30/09: the Office
    assert Notification.objects.filter(kind="feedback_overdue").count() == before
    assert set(
        Notification.objects.filter(kind="feedback_due", title__contains="công khai").values_list(
            "user__username", flat=True
        )
    ) == {"vanphong"}
