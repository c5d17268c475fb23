"""GET /api/v1/targets and /api/v1/targets/{id}: the agency's targets with their actual value and
status (decimals as strings), the same access as the pages (another agency: 404)."""

import datetime as dt
from decimal import Decimal

import pytest

from api.tests.helpers import auth
from targets import services
from targets.models import Target
from targets.tests.conftest import DAY

FIELDS = {
    "code", "name", "source_text", "section", "unit", "direction", "baseline", "target", "actual", "status",
    "as_of", "measure", "measure_key", "tasks", "period", "source", "link", "to_be_confirmed", "parent",
}  # fmt: skip


@pytest.fixture
def headers(org, token_for):
    return auth(token_for(org.leader))


def listed(client, headers, query="agency=BQLKKTCK&year=2026&as_of=2026-07-15"):
    response = client.get(f"/api/v1/targets?{query}", **headers)
    assert response.status_code == 200, response.content
    return {item["code"]: item for item in response.json()}


def test_list_shape(client, headers, targets_of_each_kind, province_target):
    Target.objects.filter(pk=targets_of_each_kind.series.pk).update(
        baseline=Decimal("35.5"), parent=province_target, to_be_confirmed=True, source_text="Nâng tỷ lệ giải ngân"
    )
    items = listed(client, headers)
    assert len(items) == 4 and "T01" not in items  # the province's own target is the Sở Nội vụ's
    series = items[targets_of_each_kind.series.code]
    assert set(series) >= FIELDS
    assert series["actual"] == "60.00" and series["target"] == "95.00" and series["baseline"] == "35.50"
    assert (series["numerator"], series["denominator"]) == ("60.00", "100.00")
    assert (series["as_of"], series["period"], series["measure"]) == ("2026-06-30", "Quý 2/2026", "series")
    assert (series["parent"], series["to_be_confirmed"], series["source_text"]) == ("T01", True, "Nâng tỷ lệ giải ngân")
    assert series["status"] == "off_track" and series["link"].startswith("/")
    linked = items[targets_of_each_kind.linked.code]
    assert linked["tasks"] == ["PL1.01", "PL1.02"] and linked["actual"] == "50.00"
    assert linked["link"] == f"/targets/{targets_of_each_kind.linked.pk}/" == linked["url"]
    manual = items[targets_of_each_kind.manual.code]
    assert (manual["actual"], manual["status"], manual["target"], manual["parent"]) == (None, "no_data", None, None)


def test_as_of_reads_the_past(client, headers, targets_of_each_kind):
    items = listed(client, headers, "agency=BQLKKTCK&year=2026&as_of=2026-04-30")
    assert items[targets_of_each_kind.linked.code]["actual"] == "100.00"
    assert items[targets_of_each_kind.series.code]["as_of"] == "2026-03-31"


def test_other_year_is_empty(client, headers, targets_of_each_kind):
    assert listed(client, headers, "agency=BQLKKTCK&year=2025") == {}


def test_another_agency_is_404(client, org, token_for, targets_of_each_kind):
    outsider = auth(token_for(org.outsider))
    assert client.get("/api/v1/targets?agency=BQLKKTCK&year=2026", **outsider).status_code == 404
    assert client.get(f"/api/v1/targets/{targets_of_each_kind.series.pk}", **outsider).status_code == 404
    unknown = client.get("/api/v1/targets?agency=NO-SUCH&year=2026", **auth(token_for(org.leader)))
    assert unknown.status_code == 404


def test_province_appraiser_sees_the_province_agencies(client, org, token_for, targets_of_each_kind):
    items = listed(client, auth(token_for(org.appraiser)))
    assert len(items) == 4


def test_no_token_is_401(client, targets_of_each_kind):
    assert client.get("/api/v1/targets?agency=BQLKKTCK&year=2026").status_code == 401


def test_bad_parameters_are_422(client, headers):
    assert client.get("/api/v1/targets?agency=BQLKKTCK&year=20260", **headers).status_code == 422
    assert client.get("/api/v1/targets?agency=BQLKKTCK&as_of=0001-01-01", **headers).status_code == 422
    assert client.get("/api/v1/targets?year=2026", **headers).status_code == 422


def test_one_target_with_its_history(client, headers, org, targets_of_each_kind):
    target = targets_of_each_kind.series
    services.take_snapshots(today=dt.date(2026, 8, 1))
    snapshot = target.snapshots.get(period_end=dt.date(2026, 5, 31))
    services.correct_snapshot(actor=org.office, snapshot=snapshot, value=Decimal(45), reason="Báo cáo lại")
    response = client.get(f"/api/v1/targets/{target.pk}?as_of={DAY.isoformat()}", **headers)
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == target.code and data["actual"] == "60.00"
    history = data["history"]
    assert [h["period_end"] for h in history] == [
        f"2026-{m:02d}-{d}" for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))
    ]
    assert history[3] == {
        "period_end": "2026-04-30",
        "period": "04/2026",
        "value": "40.00",
        "status": "off_track",
        "corrected": False,
    }
    assert (history[4]["value"], history[4]["corrected"]) == ("45.00", True)
    assert history[0]["value"] is None and history[0]["status"] == "no_data"
