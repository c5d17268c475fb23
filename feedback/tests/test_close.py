"""Closing published items when their rating window ends (the daily job
feedback.reminders.close_after_rating_window, feedback.services.close_published)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from feedback import services
from feedback.models import Feedback
from feedback.reminders import close_after_rating_window


def test_published_items_close_when_the_rating_window_ends(cal, settings, receive, published):
    settings.FEEDBACK_RATING_DAYS = 30
    old = published(receive())
    recent = published(receive())
    Feedback.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=31))
    assert close_after_rating_window(today=timezone.localdate(), cal=cal) == {"closed": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "published")
    assert old.closed_at is not None
    with pytest.raises(services.FeedbackError):
        services.rate(item=old, key=old.key, satisfied=True, now=timezone.now())  # the window has ended
    services.rate(item=recent, key=recent.key, satisfied=True, now=timezone.now())
    assert AuditEntry.objects.filter(action="feedback.closed", object_id=str(old.pk)).exists()
