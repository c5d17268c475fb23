"""surveys.metrics: one measure per SIPAS element from the same shown result as the service index,
over the year's latest ended whole period, with the link to the SIPAS page."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.metrics import METRICS, batch, compute_metric, metric_link
from surveys.tests.helpers import FORM, make

NOVEMBER = dt.date(2026, 11, 28)
ACCESS = ("q15", "q16", "q17", "q18")


def percent(key, agency, today=NOVEMBER):
    found = compute_metric(key, agency=agency, year=2026, today=today)
    return None if found is None else found.data["percent"]


def answered(org):
    """Eight responses in April: six satisfied (4), two not (2); two of the satisfied ones rate
    every access item 1 (access: 4 of 8 satisfied on each item)."""
    for n in range(6):
        make(org, 4, day=dt.date(2026, 4, 1), **(dict.fromkeys(ACCESS, 1) if n < 2 else {}))
    for _n in range(2):
        make(org, 2, day=dt.date(2026, 4, 1))
    make(org, 1, day=dt.date(2026, 10, 15))  # after 30/09, the latest ended whole period on 28/11


def test_one_measure_per_element_of_the_questionnaire(db):
    codes = [element.code for element in FORM.questionnaire.elements]
    assert codes and all(f"sipas_element_{code}" in METRICS for code in codes)
    assert FORM.element_titles["access"] in METRICS["sipas_element_access"].label


def test_each_element_from_the_same_result_as_the_index(org):
    answered(org)
    assert percent("sipas_element_access", org.agency) == "50.00"
    for code in ("procedure", "civil_servant", "result", "feedback"):
        assert percent(f"sipas_element_{code}", org.agency) == "75.00"
    # the index: the mean of the five elements, (50 + 4 x 75) / 5
    assert percent("sipas_service_index", org.agency) == "70.00"
    found = compute_metric("sipas_element_access", agency=org.agency, year=2026, today=NOVEMBER)
    assert found.period == "01/01/2026 – 30/09/2026" and "8" in found.source
    assert found.until == dt.date(2026, 9, 30)  # what the targets show as the day it covers
    assert percent("sipas_element_access", org.other) is None


def test_as_of_a_day_before_the_answers_period_ended(org):
    answered(org)
    # on 15/05 the latest ended whole period of 2026 is the first quarter: no answer in it
    assert percent("sipas_element_access", org.agency, dt.date(2026, 5, 15)) is None
    assert percent("sipas_service_index", org.agency, dt.date(2026, 5, 15)) is None
    assert percent("sipas_element_access", org.agency, dt.date(2026, 7, 1)) == "50.00"  # six months


def test_elements_add_no_query_inside_a_batch_and_link_to_the_sipas_page(org):
    answered(org)
    with batch():
        percent("sipas_service_index", org.agency)
        with CaptureQueriesContext(connection) as captured:
            for element in FORM.questionnaire.elements:
                percent(f"sipas_element_{element.code}", org.agency)
        assert len(captured) == 0
    link = metric_link("sipas_element_result", org.agency, 2026)
    assert link == metric_link("sipas_service_index", org.agency, 2026)
    assert link == reverse("surveys:dashboard") + "?campaign=all&period=year&year=2026"
