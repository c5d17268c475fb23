"""API tokens for the personas (the personas are in the root conftest.py), and a PAR round with
two submitted scorecards."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Agency
from scorecards import services as par
from scorecards.loader import DEMO_SET, load_criteria_file
from scorecards.models import Scorecard


@pytest.fixture
def token_for(org):
    def make(user):
        out = StringIO()
        call_command("create_api_token", user.username, "--scope", "read_write", stdout=out)
        return out.getvalue().strip()

    return make


@pytest.fixture
def par_round(org, today):
    """A round of the Sở Nội vụ over the agency (index 80) and the other agency (index 90), both
    self-assessments submitted and their results stored (the final ones as published)."""
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency, org.other],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    for agency, index in ((org.agency, "80.00"), (org.other, "90.00")):
        data = {"index": index, "total": index, "max": "100.00", "classification": ""}
        Scorecard.objects.filter(round=round_, agency=agency).update(
            status=Scorecard.Status.SUBMITTED, results={"self": data, "final": data}, published_results=data
        )
    return round_
