"""Results that drive the plan: the scoring screen and its export, points lost with their tasks,
improvement tasks, the forecast, and the API's results and ranking."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from scorecards import selectors, services
from scorecards.models import Round, TaskLink
from scorecards.tests.helpers import score_of, submit


def test_scoring_screen_renders_every_column_for_each_role(par, org, login):
    round_, card = par
    for user in (org.office, org.officer, org.leader, org.auditor):
        response = login(user).get(reverse("scorecards:scorecard", args=[card.pk]))
        assert response.status_code == 200
        assert "1.1.1" in response.content.decode()
    assert login(org.outsider).get(reverse("scorecards:scorecard", args=[card.pk])).status_code == 404
    # the Sở Nội vụ sees a draft only once it is submitted
    url = reverse("scorecards:scorecard", args=[card.pk])
    assert login(org.appraiser).get(url).status_code == 404
    submit(card, org, timezone.localdate())
    assert login(org.appraiser).get(url).status_code == 200
    # read-only roles get no inputs
    html = login(org.auditor).get(reverse("scorecards:scorecard", args=[card.pk])).content.decode()
    assert "hx-post" not in html
    assert Round.objects.count() == 1


def test_scoring_table_exports_to_excel(par, org, login, today):
    from openpyxl import load_workbook

    round_, card = par
    services.save_declared(
        actor=org.office, score=score_of(card, "1.2"), raw={"violations": 1}, note="Thiếu 1", today=today
    )
    response = login(org.office).get(reverse("scorecards:scorecard", args=[card.pk]) + "?export=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="PAR-2026-{org.agency.code}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.getvalue())).active  # a file download (FileResponse)
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["1.2"][3].startswith("1 (")
    assert rows["1.2"][4] == 1.5 and rows["1.2"][8] == "Thiếu 1"
    assert rows["1"][2] == 12


def test_points_lost_lists_linked_tasks_and_creates_an_improvement_task(par, org, login, task, today):
    round_, card = par
    TaskLink.objects.create(task=task, set_code=round_.criteria_set.code, code="1.2")
    rows = selectors.points_lost(card, "self")
    assert rows[0].lost >= rows[-1].lost
    lost_12 = next(r for r in rows if r.code == "1.2")
    assert task in lost_12.tasks
    client = login(org.office)
    page = client.get(reverse("scorecards:points_lost", args=[card.pk])).content.decode()
    assert task.code in page
    response = client.post(
        reverse("scorecards:improvement_task", args=[card.pk, "3.3"]),
        {"plan": task.plan.pk, "lead_unit": org.unit_b.pk, "deadline": (today + dt.timedelta(days=60)).isoformat()},
    )
    assert response.status_code == 302
    created = TaskLink.objects.get(code="3.3").task
    assert created.lead_unit == org.unit_b and "3.3" in created.title
    assert login(org.officer).post(reverse("scorecards:improvement_task", args=[card.pk, "3.4"]), {}).status_code == 403


def test_forecast_counts_points_of_criteria_with_late_tasks(par, org, login, make_task, today, cal):
    round_, card = par
    late = make_task(deadline=today - dt.timedelta(days=5))
    fine = make_task(start_date=today, deadline=today + dt.timedelta(days=60))
    TaskLink.objects.create(task=late, set_code=round_.criteria_set.code, code="1.3")
    TaskLink.objects.create(task=fine, set_code=round_.criteria_set.code, code="1.4")
    TaskLink.objects.create(task=fine, set_code=round_.criteria_set.code, code="1.6")
    TaskLink.objects.create(task=late, set_code=round_.criteria_set.code, code="1.6")
    data = selectors.forecast(agency=org.agency, criteria_set=round_.criteria_set, scorecard=card, today=today, cal=cal)
    # 1.3 (2 points) hangs on the late task alone; 1.6 (1 point) on it and a task on track
    assert [(r.code, r.at_risk) for r in data["rows"]] == [("1.3", Decimal("2.00")), ("1.6", Decimal("0.50"))]
    assert data["points_at_risk"] == Decimal("2.50")
    assert data["forecast"].total == data["if_delivered"].total - Decimal("2.50")
    page = login(org.office).get(reverse("scorecards:forecast")).content.decode()
    assert late.code in page


def test_api_gives_results_and_ranking_with_the_same_access(par, org, client, today):
    from io import StringIO

    from django.core.management import call_command

    round_, card = par
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)

    def token(user):
        out = StringIO()
        call_command("create_api_token", user.username, stdout=out)
        return {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}

    data = client.get(f"/api/v1/par/scorecards/{card.pk}", **token(org.officer)).json()
    assert data["columns"]["self"]["nodes"]["1.1.1"] == {
        "name": "Ban hành kế hoạch đúng thời hạn",
        "points": "1.00",
        "max": "1.00",
        "nominal_max": "1.00",
        "status": "scored",
    }
    assert client.get(f"/api/v1/par/scorecards/{card.pk}", **token(org.outsider)).status_code == 404
    ranking = client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=self", **token(org.outsider)).json()
    assert [r["agency"] for r in ranking] == [org.other.code]  # before publication: its own row only
    ranking = client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=self", **token(org.appraiser)).json()
    assert {r["agency"] for r in ranking} == {org.agency.code, org.other.code}
    assert client.get(f"/api/v1/par/rounds/{round_.pk}/ranking?column=x", **token(org.appraiser)).status_code == 422
