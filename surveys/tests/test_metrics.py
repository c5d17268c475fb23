"""surveys.metrics: the index fed to the PAR survey criterion, over a whole period."""

import datetime as dt

from core.metrics import compute_metric
from surveys.tests.helpers import make


def test_the_index_feeds_the_par_survey_criterion(org):
    for value in (5, 5, 2, 4, 5, 5, 2, 4):
        make(org, value, day=dt.date(2026, 4, 1))
    make(org, 1, day=dt.date(2026, 4, 1), source="open")  # open-link answers are reported apart
    value = compute_metric("sipas_service_index", agency=org.agency, year=2026, today=dt.date(2026, 11, 28))
    assert value.data == {"percent": "75.00"} and "8" in value.source
    assert value.period == "01/01/2026 – 30/09/2026"  # the latest ended whole period: 9 months
    assert compute_metric("sipas_service_index", agency=org.other, year=2026, today=dt.date(2026, 11, 28)) is None
