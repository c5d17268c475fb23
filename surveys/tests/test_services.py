"""surveys.services: the campaign a response joins, and the redaction of comments."""

import datetime as dt

import pytest

from surveys import services
from surveys.models import Campaign


def test_campaign_covers_its_units_and_procedures(org, procedure):
    wide = Campaign.objects.create(
        agency=org.agency, name="Cả Ban", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    narrow = Campaign.objects.create(
        agency=org.agency, name="QLDN", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31)
    )
    narrow.units.set([org.unit_a])
    find = services.campaign_for
    assert (
        find(agency_id=org.agency.pk, unit_id=org.unit_a.pk, procedure_id=procedure.pk, day=dt.date(2026, 3, 5))
        == narrow
    )
    assert find(agency_id=org.agency.pk, unit_id=org.unit_b.pk, procedure_id=None, day=dt.date(2026, 3, 5)) == wide
    assert find(agency_id=org.agency.pk, unit_id=None, procedure_id=None, day=dt.date(2027, 1, 1)) is None
    assert find(agency_id=org.other.pk, unit_id=None, procedure_id=None, day=dt.date(2026, 3, 5)) is None


@pytest.mark.parametrize(
    "text",
    ["Gọi 0912 345 678", "sđt 091.234.5678", "máy bàn 0205 3812 345", "+84 912 345 678", "ĐT 0912345678"],
)
def test_phone_numbers_are_redacted_in_any_grouping(text):
    assert services.redact(text).endswith("[số điện thoại]")


def test_amounts_and_periods_are_not_redacted():
    assert services.redact("hẹn 15 ngày, phí 100.000 đồng, năm 2026") == "hẹn 15 ngày, phí 100.000 đồng, năm 2026"
