"""Fixtures of the SIPAS tests: a procedure of the catalogue, a dossier received at unit QLDN (its
receipt carries the survey link), and a campaign with an open link running today."""

import datetime as dt

import pytest

from procedures import services as tthc
from procedures.models import Procedure
from surveys.models import Campaign


@pytest.fixture
def procedure(org):
    return Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5, field="Đầu tư")


@pytest.fixture
def dossier(org, procedure, cal):
    received = dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)
    return tthc.receive(
        actor=org.office, agency=org.agency, procedure=procedure, received_at=received, cal=cal, unit=org.unit_a
    )


@pytest.fixture
def campaign(org, today):
    return Campaign.objects.create(
        agency=org.agency,
        name="Đợt 1",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        open_link=True,
    )
