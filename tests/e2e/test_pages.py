"""Every page of the foundation opened in Chromium by the role that uses it, with a screenshot
(var/screenshots/pages-*.png) and a check that it rendered in Vietnamese without an error."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Document
from plans.models import Inspection, Plan, Task

pytestmark = pytest.mark.e2e


def test_every_page_renders_for_its_role(page, live_server, demo, log_in, shot):
    plan = Plan.objects.get(source_key="plan_2026_bqlkktck")
    task = Task.objects.get(code="PL1.09")
    pages = {
        "vanphong": [
            ("dashboard", "/plans/"),
            ("plan", f"/plans/plans/{plan.pk}/"),
            ("import", f"/plans/plans/{plan.pk}/import/"),
            ("new-task", f"/plans/plans/{plan.pk}/tasks/new/"),
            ("edit-task", f"/plans/tasks/{Task.objects.get(code='PL1.14').pk}/edit/"),
            ("tasks-overdue", "/plans/tasks/?flag=overdue"),
            ("obstacles", "/plans/obstacles/"),
            ("inspections", "/plans/inspections/"),
            ("inspection", f"/plans/inspections/{Inspection.objects.get().pk}/"),
            ("year-end", "/plans/year-end/"),
            ("evidence-library", "/evidence/"),
            ("evidence", f"/evidence/{Document.objects.first().pk}/"),
            ("evidence-upload", "/evidence/new/"),
            ("notifications", "/notifications/"),
            ("password", "/password/"),
            ("account", "/account/security/"),
        ],
        "truongphong.khth": [("approval", f"/plans/tasks/{task.pk}/"), ("my-tasks", "/plans/my/")],
        "thamdinh": [("province", "/plans/province/")],
    }
    for username, visits in pages.items():
        log_in(username)
        for name, path in visits:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path, response.status)
            expect(page.locator("h1").first).to_be_visible()
            assert page.locator("html").get_attribute("lang") == "vi"
            shot(f"pages-{name}")


def test_unit_head_approves_in_the_browser(page, live_server, demo, log_in):
    task = Task.objects.get(code="PL1.09")  # reported complete by the KHTH officer in the demo
    log_in("truongphong.khth")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    page.get_by_role("button", name=re.compile("Phê duyệt hoàn thành")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    task.refresh_from_db()
    assert task.status in {"done", "done_late"}


ENGLISH_UI = re.compile(
    r"\b(Points lost|Points at risk|Criteria sets?|Periodic figures|Assignments|Results|Ranking|Scorecard|"
    r"Evidence|Declared value|Self-scoring|Appraisal|Load a criteria set|New round|Not declared)\b"
)


def test_every_par_index_page_renders_in_vietnamese(page, live_server, demo, log_in, shot):
    from scorecards.models import CriteriaSet, MetricSeries, Round, Scorecard

    round_ = Round.objects.get()
    card = Scorecard.objects.get(round=round_, agency__code="BQLKKTCK")
    score = card.scores.get(code="1.1.1")
    pages = {
        "vanphong": [
            ("par-home", "/par/"),
            ("par-scorecard", f"/par/cards/{card.pk}/"),
            ("par-assignments", f"/par/cards/{card.pk}/assignments/"),
            ("par-row-evidence", f"/par/cards/{card.pk}/rows/{score.pk}/evidence/"),
            ("par-results", f"/par/cards/{card.pk}/results/"),
            ("par-points-lost", f"/par/cards/{card.pk}/lost/"),
            ("par-forecast", "/par/forecast/"),
            ("par-series", "/par/metrics/"),
            ("par-series-detail", f"/par/metrics/{MetricSeries.objects.get(key='disbursement_rate').pk}/"),
            ("par-criteria", "/par/criteria/"),
            ("par-criteria-detail", f"/par/criteria/{CriteriaSet.objects.get().pk}/"),
        ],
        "thamdinh": [
            ("par-round", f"/par/rounds/{round_.pk}/"),
            ("par-round-new", "/par/rounds/new/"),
            ("par-criteria-upload", "/par/criteria/upload/"),
        ],
    }
    for username, visits in pages.items():
        log_in(username)
        for name, path in visits:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path, response.status)
            expect(page.locator("h1").first).to_be_visible()
            assert page.locator("html").get_attribute("lang") == "vi"
            visible = page.locator("main").inner_text()
            assert not ENGLISH_UI.search(visible), (path, ENGLISH_UI.search(visible).group(0))
            shot(f"pages-{name}")


def test_the_briefly_unavailable_page(page, live_server, demo, log_in, shot, monkeypatch):
    """While the database is away, the browser gets the 503 page in Vietnamese, with Retry-After."""
    from django.db import OperationalError

    import core.views

    log_in("vanphong")

    def away(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(core.views, "documents_visible_to", away)
    response = page.goto(f"{live_server.url}/evidence/")
    assert response.status == 503 and response.headers["retry-after"].isdigit()
    expect(page.locator("h1")).to_have_text("Hệ thống tạm gián đoạn")
    expect(page.get_by_text("gửi lại sau vài giây")).to_be_visible()
    shot("pages-unavailable")
