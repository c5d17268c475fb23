"""The SIPAS API (surveys.api): the index of the agency only, over whole periods."""

from surveys.tests.helpers import FORM, make


def test_api_gives_the_index_of_the_agency_only(client, org):
    for value in (5, 4, 2, 1, 4, 5):
        make(org, value, unit=org.unit_a)
    client.force_login(org.leader)
    query = {"agency": "BQLKKTCK", "from": "2026-01-01", "to": "2026-06-30"}  # a whole period: 6 months
    data = client.get("/api/v1/sipas/index", query).json()
    assert data["responses"] == 6 and data["items"]["q15"]["rate"] == "66.67" and data["overall"] == "66.67"
    assert client.get("/api/v1/sipas/index", {**query, "unit": "KHTH"}).json()["overall"] is None
    make(org, 4, unit=org.unit_b)
    assert client.get("/api/v1/sipas/index", {**query, "unit": "KHTH"}).json() == {
        "agency": "BQLKKTCK",
        "from": "2026-01-01",
        "to": "2026-06-30",
        "questionnaire": FORM.code,
        "ended": True,
        "period": "2026-half-1",
        "period_label": "6 tháng đầu năm 2026",
        "min_cell": 5,
        "responses": None,
        "suppressed": True,
    }
    by_period = {"agency": "BQLKKTCK", "year": 2026, "period": "half"}
    assert client.get("/api/v1/sipas/index", by_period).json()["responses"] == 7
    assert client.get("/api/v1/sipas/index", {**query, "to": "2025-01-01"}).status_code == 422
    client.force_login(org.outsider)
    assert client.get("/api/v1/sipas/index", query).status_code == 404
