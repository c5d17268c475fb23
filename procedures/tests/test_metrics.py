"""The register's figures for the PAR scorecard (core.metrics)."""

from core.metrics import compute_metric
from procedures.tests.helpers import D


def test_register_metrics_feed_the_scorecard(org, quarter):
    value = compute_metric("dossier_on_time_rate", agency=org.agency, year=2026, today=D(2026, 3, 31))
    assert value.data == {"numerator": 3, "denominator": 4}
    assert compute_metric("online_rate", agency=org.other, year=2026, today=D(2026, 3, 31)) is None
