"""Marking a period of a recurring task done (plans:occurrence_done)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


@pytest.fixture
def quarterly(make_task):
    return make_task(recurrence="quarterly", recurrence_day=20, deadline=None, start_date=dt.date(2026, 7, 1))


def test_the_officer_marks_a_period_done(login, org, quarterly, said):
    period = quarterly.occurrences.order_by("due_date").first()
    url = reverse("plans:occurrence_done", args=[period.pk])
    response = login(org.officer).post(url, {"note": "Đã gửi báo cáo quý"})
    assert response["Location"] == reverse("plans:task_detail", args=[quarterly.pk])
    assert said(response) == [_("Period marked as done.")]
    period.refresh_from_db()
    assert period.done_by == org.officer and quarterly.updates.get().text == "Đã gửi báo cáo quý"


def test_a_period_done_twice_says_so(login, org, quarterly, said, today, cal):
    period = quarterly.occurrences.first()
    services.complete_occurrence(actor=org.head, occurrence=period, today=today, cal=cal)
    again = login(org.officer).post(reverse("plans:occurrence_done", args=[period.pk]))
    assert again.status_code == 302 and said(again) == [_("This period is already done.")]
    assert quarterly.updates.count() == 1


def test_a_cancelled_task_takes_no_period(login, org, quarterly, said, today, cal):
    services.cancel_task(actor=org.office, task=quarterly, reason="Trùng", today=today, cal=cal)
    period = quarterly.occurrences.first()
    response = login(org.officer).post(reverse("plans:occurrence_done", args=[period.pk]))
    assert said(response) == [_("This task is closed.")]
    period.refresh_from_db()
    assert period.done_on is None


def test_who_may_not_report_may_not_mark(login, org, quarterly):
    period = quarterly.occurrences.first()
    assert login(org.auditor).post(reverse("plans:occurrence_done", args=[period.pk])).status_code == 403
    assert login(org.other_officer).post(reverse("plans:occurrence_done", args=[period.pk])).status_code == 404
