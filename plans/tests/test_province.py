"""The province overview (plans:province): the appraisers of a Sở Nội vụ."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_province_overview_for_the_appraiser(login, org, make_task):
    make_task()
    response = login(org.appraiser).get(reverse("plans:province"))
    assert response.status_code == 200
    assert {r["agency"].code for r in response.context["rows"]} == {"BQLKKTCK"}
