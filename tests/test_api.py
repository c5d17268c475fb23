"""JSON API: token authentication, the same access rules as the pages, OpenAPI schema."""

import pytest
from django.core.management import call_command

from core.models import ApiToken


@pytest.fixture
def token_for(org):
    def make(user):
        from io import StringIO

        out = StringIO()
        call_command("create_api_token", user.username, "--scope", "read_write", stdout=out)
        return out.getvalue().strip()

    return make


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tasks/{task_id}/progress" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_token_is_stored_hashed(org, token_for):
    token = token_for(org.officer)
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert ApiToken.objects.get(user=org.officer).token_hash != token


def test_list_and_read_tasks_of_own_agency(client, org, task, token_for):
    headers = auth(token_for(org.officer))
    listed = client.get("/api/v1/tasks", **headers).json()
    assert [t["code"] for t in listed] == [task.code]
    one = client.get(f"/api/v1/tasks/{task.pk}", **headers).json()
    assert one["lead_unit"] == "QLDN" and one["status"] == "not_started"
    plans = client.get("/api/v1/plans", **headers).json()
    assert plans[0]["agency"] == "BQLKKTCK"


def test_outsider_sees_nothing(client, org, task, token_for):
    headers = auth(token_for(org.outsider))
    assert client.get("/api/v1/tasks", **headers).json() == []
    assert client.get(f"/api/v1/tasks/{task.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/plans/{task.plan_id}", **headers).status_code == 404


def test_post_progress(client, org, task, token_for):
    response = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"progress": 45, "text": "Qua API"},
        content_type="application/json",
        **auth(token_for(org.officer)),
    )
    assert response.status_code == 201
    assert response.json()["task_status"] == "in_progress"
    task.refresh_from_db()
    assert task.progress == 45


def test_read_only_role_gets_403(client, org, task, token_for):
    response = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"progress": 45, "text": "x"},
        content_type="application/json",
        **auth(token_for(org.auditor)),
    )
    assert response.status_code == 403


def test_bad_progress_is_422_with_the_field(client, org, task, token_for):
    response = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"progress": 101, "text": ""},
        content_type="application/json",
        **auth(token_for(org.officer)),
    )
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("body", "payload", "progress") in fields


def test_no_or_wrong_token_is_401(client, task):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", **auth("nope")).status_code == 401


def test_session_auth_works_for_logged_in_users(login, org, task):
    assert login(org.office).get("/api/v1/tasks").status_code == 200


def test_progress_on_a_recurring_task_is_409(client, org, make_task, token_for):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None)
    response = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"progress": 50, "text": "x"},
        content_type="application/json",
        **auth(token_for(org.officer)),
    )
    assert response.status_code == 409
