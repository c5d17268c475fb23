"""feedback.metrics as computed measures: 5.2 on time, 5.3 satisfaction and the share of approved
answers published, against a hand-counted register, with the as-of bound and one pass."""

import datetime as dt

import pytest
from django.urls import reverse

from core.deadlines import LOCAL
from core.metrics import METRICS, batch, compute_metric, metric_link
from feedback.models import Feedback

D = dt.date
JUNE = D(2026, 6, 30)


def at(*args):
    return dt.datetime(*args, tzinfo=LOCAL)


def ratio(key, agency, today):
    found = compute_metric(key, agency=agency, year=2026, today=today)
    return None if found is None else (found.data["numerator"], found.data["denominator"])


@pytest.fixture
def register(org):
    def make(code, received, status, answered=None, published=None, agency=None, confirmed=True):
        return Feedback.objects.create(
            agency=agency or org.agency,
            code=code,
            channel="online",
            name="Nguyễn Văn Bình",
            content="Hồ sơ chậm",
            received_at=received,
            confirmed=confirmed,
            status=status,
            answered_at=answered,
            published_at=published,
            # the step deadlines are not what the 766 figures read (15 working days from day 0)
            **dict.fromkeys(("due_reject", "due_info", "due_forward", "due_answer"), received.date()),
        )

    # f1: answered within 15 working days (due 23/03) and published
    make("PA-1", at(2026, 3, 2, 9), "published", at(2026, 3, 5, 9), at(2026, 3, 6, 9))
    # f2: answered late (15/04), not published yet
    make("PA-2", at(2026, 3, 2, 9), "awaiting_publication", at(2026, 4, 15, 9))
    # f3: open; due 22/06 (15 working days after Mon 01/06): late at 30/06, not at 10/06
    make("PA-3", at(2026, 6, 1, 9), "processing")
    # f4: not accepted: outside 5.2 and the published share, received (satisfied) for 5.3
    make("PA-4", at(2026, 3, 10, 9), "not_accepted")
    # f5: answered on 25/06, published on 02/07
    make("PA-5", at(2026, 6, 20, 9), "published", at(2026, 6, 25, 9), at(2026, 7, 2, 9))
    make("PA-6", at(2026, 3, 3, 9), "received", confirmed=False)  # e-mail never confirmed: not counted
    make("PA-7", at(2026, 3, 3, 9), "published", at(2026, 3, 4, 9), at(2026, 3, 4, 10), agency=org.other)


def test_feedback_on_time_rate_is_the_766_rule(org, register):
    assert ratio("feedback_on_time_rate", org.agency, JUNE) == (2, 4)  # f1, f5 of f1, f2, f3, f5
    assert ratio("feedback_on_time_rate", org.agency, D(2026, 6, 10)) == (2, 3)  # f3 not due yet, f5 not received
    assert ratio("feedback_on_time_rate", org.other, JUNE) == (1, 1)
    assert ratio("feedback_on_time_rate", org.agency, D(2026, 3, 1)) is None


def test_feedback_satisfaction_rate_is_the_766_rule(org, register):
    # received by 30/06: f1..f5; f2 and f3 overdue
    assert ratio("feedback_satisfaction_rate", org.agency, JUNE) == (3, 5)


def test_feedback_published_rate(org, register):
    # answers approved by 30/06: f1, f2, f5; published by then: f1
    assert ratio("feedback_published_rate", org.agency, JUNE) == (1, 3)
    assert ratio("feedback_published_rate", org.agency, D(2026, 7, 31)) == (2, 3)
    assert ratio("feedback_published_rate", org.agency, D(2026, 3, 4)) is None  # no answer approved yet


def test_one_pass_for_the_three_figures_and_the_stats_link(org, register, django_assert_num_queries):
    with batch():
        with django_assert_num_queries(2):  # the register, the working-day calendar
            ratio("feedback_on_time_rate", org.agency, JUNE)
        with django_assert_num_queries(0):
            ratio("feedback_satisfaction_rate", org.agency, JUNE)
            ratio("feedback_published_rate", org.agency, JUNE)
    link = metric_link("feedback_published_rate", org.agency, 2026)
    assert link == reverse("feedback:stats") + "?from=01%2F01%2F2026&to=31%2F12%2F2026"
    assert all(METRICS[key].unit == "%" for key in ("feedback_on_time_rate", "feedback_published_rate"))
