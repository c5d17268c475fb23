"""Fixtures of the PAR INDEX tests: a round in self-scoring for the demo agency and another one,
and a separate browser per person (several people act in one test)."""

import datetime as dt

import pytest
from django.test import Client

from core.models import Agency
from scorecards import services
from scorecards.loader import DEMO_SET, load_criteria_file
from scorecards.models import Scorecard


@pytest.fixture
def par(org, today):
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = services.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency, org.other],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    services.advance_phase(actor=org.appraiser, round_=round_)
    round_.refresh_from_db()
    card = Scorecard.objects.get(round=round_, agency=org.agency)
    return round_, card


@pytest.fixture
def login(db):
    """A separate browser per person (several people act in one test)."""

    def as_user(user):
        client = Client()
        client.force_login(user)
        return client

    return as_user
