"""Periodic metric series: entered by the owner unit with evidence, feeding criteria, reminded
when missing."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from core.models import Document, Notification
from core.services import create_document
from scorecards import metrics
from scorecards.models import MetricSeries
from scorecards.tests.helpers import pdf


def test_periodic_series_feeds_criteria_and_reminds_owner(org, login, today):
    from scorecards.models import MetricSeries
    from scorecards.reminders import metric_reminders

    series = MetricSeries.objects.create(
        agency=org.agency,
        key="disbursement_rate",
        name="Giải ngân",
        kind="percent",
        frequency="quarterly",
        owner_unit=org.unit_a,
    )
    day = dt.date(2026, 11, 28)
    metric_reminders(today=day, cal=None)
    titles = set(Notification.objects.filter(user=org.officer).values_list("title", flat=True))
    assert any("Quý 3/2026" in t for t in titles)
    client = login(org.officer)
    doc = create_document(
        actor=org.officer, agency=org.agency, unit=org.unit_a, fileobj=pdf(), filename="g.pdf", abstract="G"
    )
    client.post(
        reverse("scorecards:series_detail", args=[series.pk]),
        {"period_end": "2026-09-30", "value": "67", "document": doc.pk},
    )
    value = metrics.metric_for("disbursement_rate", agency=org.agency, year=2026, today=day)
    assert value.data == {"percent": "67.00"}
    assert series.entries.get().evidence.get() == doc
    assert (
        login(org.other_officer)
        .post(reverse("scorecards:series_detail", args=[series.pk]), {"period_end": "2026-06-30", "value": "5"})
        .status_code
        == 403
    )
    assert not Document.objects.filter(agency=org.other).exists()


def test_yearly_figure_is_asked_for_in_january(org):

    series = MetricSeries.objects.create(
        agency=org.agency, key="trained", name="Đào tạo", kind="count", frequency="yearly", owner_unit=org.unit_a
    )
    labels = [label for _start, _end, label in metrics.missing_periods(series, dt.date(2027, 1, 10))]
    assert labels == ["Năm 2026"]
    metrics.enter_metric(actor=None, series=series, period_end=dt.date(2026, 12, 31), value=Decimal(12))
    assert metrics.missing_periods(series, dt.date(2027, 1, 10)) == []
