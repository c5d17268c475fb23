"""The sample plan (surveys.sampling): the quota n = N / (1 + N e²) shared by unit and field."""

import datetime as dt

from procedures import services as tthc
from surveys import sampling
from surveys.models import Campaign, Response
from surveys.tests.helpers import make


def test_sample_plan_shares_the_quota_by_unit_and_field(org, procedure, cal):
    campaign = Campaign.objects.create(
        agency=org.agency, name="Đợt", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    for n in range(150):
        d = tthc.receive(
            actor=org.office,
            agency=org.agency,
            procedure=procedure,
            cal=cal,
            received_at=dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC),
            unit=org.unit_a if n < 100 else org.unit_b,
        )
        tthc.finish(dossier=d, actor=org.office, outcome="finished", at=dt.datetime(2026, 2, 5, 9, tzinfo=dt.UTC))
    for _n in range(7):
        make(org, 4, unit=org.unit_a)
    Response.objects.update(campaign=campaign, procedure=procedure)
    plan = sampling.plan(campaign)
    assert (plan.population, plan.target) == (150, 110)  # sipas.md §8 table
    strata = {s.unit: s for s in plan.strata}
    assert (strata[org.unit_a.name].quota, strata[org.unit_b.name].quota) == (73, 37)
    assert strata[org.unit_a.name].responses == 7 and strata[org.unit_a.name].progress == 10
