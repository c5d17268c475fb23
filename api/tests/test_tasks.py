"""JSON API, plans and tasks: the same access rules as the pages (invisible -> 404, read-only ->
403), progress reports with their validation (422) and workflow refusals (409)."""

from api.tests.helpers import auth


def post_progress(client, task, body, token):
    return client.post(f"/api/v1/tasks/{task.pk}/progress", body, content_type="application/json", **auth(token))


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
    response = post_progress(client, task, {"progress": 45, "text": "Qua API"}, token_for(org.officer))
    assert response.status_code == 201
    assert response.json()["task_status"] == "in_progress"
    task.refresh_from_db()
    assert task.progress == 45


def test_read_only_role_gets_403(client, org, task, token_for):
    response = post_progress(client, task, {"progress": 45, "text": "x"}, token_for(org.auditor))
    assert response.status_code == 403


def test_bad_progress_is_422_with_the_field(client, org, task, token_for):
    response = post_progress(client, task, {"progress": 101, "text": ""}, token_for(org.officer))
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("body", "payload", "progress") in fields


def test_progress_on_a_recurring_task_is_409(client, org, make_task, token_for):
    task = make_task(recurrence="quarterly", recurrence_day=20, deadline=None)
    response = post_progress(client, task, {"progress": 50, "text": "x"}, token_for(org.officer))
    assert response.status_code == 409
