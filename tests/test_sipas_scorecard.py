"""SIPAS feeds the PAR scorecard (surveys.metrics -> scorecards): the survey criterion shows the
agency's index as an estimate, and the forecast uses it. Here, not in surveys/tests: it crosses
from surveys up to scorecards, which a lower app's tests may not import (the layers contract)."""

import datetime as dt
from decimal import Decimal

from core.models import Agency, AuditEntry
from scorecards import selectors as par_read
from scorecards import services as par
from scorecards.loader import DEMO_SET, load_criteria_file
from scorecards.models import NodeScore
from surveys.tests.helpers import make


def test_the_scorecard_shows_the_estimate_and_the_forecast_uses_it(org, today, cal):
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par.create_round(
        actor=None, organizer=snv, criteria_set=stored, agencies=[org.agency], name="R", year=2026, today=today
    )
    card = round_.scorecards.get()
    before = par_read.forecast(agency=org.agency, criteria_set=stored, scorecard=card, today=today, cal=cal)
    assert before["forecast"].nodes["8.2"].status == "absent"  # no survey yet: left out and rescaled
    for value in (5, 4, 4, 2, 5, 4, 4, 2):
        make(org, value, day=dt.date(2026, 4, 1))
    par.refresh_metrics(actor=None, scorecard=card, today=today)
    row = NodeScore.objects.get(scorecard=card, code="8.2", block="")
    assert row.metric["data"] == {"percent": "75.00"} and row.declared is None  # an estimate, not the result
    assert AuditEntry.objects.filter(action="score.metric", object_id=str(row.pk)).exists()
    after = par_read.forecast(agency=org.agency, criteria_set=stored, scorecard=card, today=today, cal=cal)
    assert after["forecast"].nodes["8.2"].points == Decimal("11.25")  # 15 x 75 %
