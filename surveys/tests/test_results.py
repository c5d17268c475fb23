"""surveys.results: breakdowns hide small cells (and what would give them back) and flag small
samples."""

import datetime as dt

from surveys import disclosure, selectors
from surveys.tests.helpers import FORM, make


def test_breakdown_hides_small_cells_and_flags_small_samples(org):
    for n in range(6):
        make(org, 5 if n < 3 else 3, unit=org.unit_a, profile={"gender": "female"})
    for _n in range(5):
        make(org, 4, unit=org.unit_b, profile={"gender": "male"})
    for _n in range(3):
        make(org, 4, unit=org.units["QHXD"], profile={"gender": "male"})
    results = selectors.agency_results(org.agency.pk, FORM, today=dt.date(2026, 12, 7))
    q1 = disclosure.period("quarter", 2026, 1)
    groups = {g.label: g for g in results.breakdown(q1, "unit")}
    assert groups[org.unit_a.name].overall == 50 and groups[org.unit_a.name].low_precision
    assert groups[org.units["QHXD"].name].suppressed and groups[org.units["QHXD"].name].n is None
    # the total minus the shown units would give the 3 hidden: the next smallest unit is hidden too
    assert groups[org.unit_b.name].suppressed and not results.result(q1).suppressed
    by_gender = {g.label: g for g in results.breakdown(q1, "profile:gender")}
    assert by_gender["Nữ"].n == 6 and by_gender["Nam"].n == 8
    march = results.result(disclosure.period("month", 2026, 3))
    assert march.as_data() | {"period": "", "period_label": ""} == results.result(q1).as_data() | {
        "period": "",
        "period_label": "",
    }
