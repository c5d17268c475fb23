"""JSON API: token authentication (bearer tokens stored hashed, or the session), the OpenAPI
schema and its documentation page."""

from api.tests.helpers import auth
from core.models import ApiToken


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tasks/{task_id}/progress" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_token_is_stored_hashed(org, token_for):
    token = token_for(org.officer)
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert ApiToken.objects.get(user=org.officer).token_hash != token


def test_no_or_wrong_token_is_401(client, task):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", **auth("nope")).status_code == 401


def test_session_auth_works_for_logged_in_users(login, org, task):
    assert login(org.office).get("/api/v1/tasks").status_code == 200
