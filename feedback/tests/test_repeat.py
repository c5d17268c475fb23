"""Repeated feedback (feedback.services.repeat_candidates / mark_repeat, POST /pakn/<pk>/repeat/):
earlier items of the same sender or dossier among those the user sees; a repeat counts as not
satisfied in the 766 ratio 5.3."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from feedback import services
from feedback.metrics import figures_of
from feedback.models import Feedback


def test_repeat_candidates_and_marking_count_in_the_766_ratio(client, org, receive):
    first = receive(phone="0912.345.678", at=timezone.now() - dt.timedelta(days=40))
    other = receive(phone="0988 000 111", email="", at=timezone.now() - dt.timedelta(days=20))
    second = receive(phone="0912345678", email="")
    everything = Feedback.objects.all()
    assert [c.code for c in services.repeat_candidates(second, everything)] == [first.code]
    # only among the items the user may see
    hidden = Feedback.objects.exclude(pk=first.pk)
    assert services.repeat_candidates(second, hidden) == []
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(item=second, actor=org.officer, of_code=first.code, visible=hidden)
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(item=first, actor=org.officer, of_code=second.code, visible=everything)  # not earlier
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(item=second, actor=org.officer, of_code="PA-000000-XXXXXX", visible=everything)
    client.force_login(org.office)
    page = client.get(reverse("feedback:item", args=[second.pk])).content.decode()
    assert first.code in page and other.code not in page
    today = timezone.localdate()
    both = Feedback.objects.filter(pk__in=[second.pk, other.pk])
    period = (today - dt.timedelta(days=60), today)
    assert figures_of(both, *period)["feedback_satisfaction"].rate == 100
    client.post(reverse("feedback:repeat", args=[second.pk]), {"of": first.code.lower()})
    second.refresh_from_db()
    assert second.repeat_of == first
    assert figures_of(both, *period)["feedback_satisfaction"].rate == 50  # the repeat is not satisfied
    services.mark_repeat(item=second, actor=org.office, of_code="", visible=everything)
    second.refresh_from_db()
    assert second.repeat_of is None
    assert AuditEntry.objects.filter(action="feedback.repeat_marked", object_id=str(second.pk)).count() == 2
