"""API tokens (reviews/2026-12/security.md L3): an expiry, a scope (read or read-write) enforced for
every route in one place, a last-used time written at most once a minute, and a token list on the
person's account where they make (shown once) and revoke their own tokens, audited."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.api import api
from core.models import ApiToken, AuditEntry
from procedures.models import Dossier, Procedure

WRITES = {"post", "put", "patch", "delete"}


def make(user, *args):
    out = StringIO()
    call_command("create_api_token", user.username, *args, stdout=out)
    return out.getvalue().strip()


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def write_routes():
    """Every write operation of the API, its path parameters filled in with 1."""
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in WRITES:
                yield method, path.replace("{task_id}", "1")


def test_there_are_write_routes():
    assert {("post", "/api/v1/dossiers"), ("post", "/api/v1/tasks/1/progress")} <= set(write_routes())


def test_a_read_token_gets_403_on_every_write_route(client, org, task):
    token = make(org.office)  # read is the default scope
    assert ApiToken.objects.get().scope == "read"
    for method, url in write_routes():
        response = getattr(client, method)(url, "{}", content_type="application/json", **bearer(token))
        assert response.status_code == 403, (method, url, response.content[:200])
    # and on methods no route has
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/dossiers", "{}", content_type="application/json", **bearer(token))
        assert response.status_code in (403, 405), method
    assert client.get("/api/v1/tasks", **bearer(token)).status_code == 200


def test_a_read_write_token_writes(client, org, task):
    Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp phép", limit=5)
    token = make(org.officer, "--scope", "read_write")
    body = {
        "agency": "BQLKKTCK",
        "dossier_code": "RW-1",
        "unit": "QLDN",
        "procedure_code": "1.001",
        "received_at": "2026-03-09T09:00",
        "status": "processing",
    }
    response = client.post("/api/v1/dossiers", json.dumps(body), content_type="application/json", **bearer(token))
    assert response.status_code == 201 and Dossier.objects.filter(code="RW-1").exists()


def test_expired_and_revoked_tokens_answer_401(client, org):
    token = make(org.office, "--days", "30")
    record = ApiToken.objects.get()
    assert dt.timedelta(days=29) < record.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert client.get("/api/v1/plans", **bearer(token)).status_code == 200
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/plans", **bearer(token)).status_code == 401
    other = make(org.office)
    ApiToken.objects.filter(pk=ApiToken.objects.exclude(pk=record.pk).get().pk).update(revoked_at=timezone.now())
    assert client.get("/api/v1/plans", **bearer(other)).status_code == 401


def test_default_expiry_is_the_setting(org, settings):
    settings.API_TOKEN_DAYS = 365
    make(org.office)
    left = ApiToken.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=364) < left <= dt.timedelta(days=365)
    with pytest.raises(CommandError):
        make(org.office, "--days", "0")


def test_last_use_is_written_at_most_once_a_minute(client, org):
    token = make(org.office)
    record = ApiToken.objects.get()
    assert record.last_used_at is None
    client.get("/api/v1/calendar/due-date?received=2026-03-09T09:00&limit=5", **bearer(token))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/calendar/due-date?received=2026-03-09T09:00&limit=5", **bearer(token))
    assert ApiToken.objects.get().last_used_at == first  # within the minute: not written again
    earlier = timezone.now() - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=earlier)
    client.get("/api/v1/calendar/due-date?received=2026-03-09T09:00&limit=5", **bearer(token))
    assert ApiToken.objects.get().last_used_at > earlier


def test_account_page_lists_makes_and_revokes_own_tokens(client, org):
    make(org.officer, "--name", "other person's")
    client.force_login(org.office)
    assert reverse("api_tokens") in client.get(reverse("account_security")).content.decode()
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200 and list(page.context["tokens"]) == []
    made = client.post(reverse("api_tokens"), {"name": "Báo cáo tỉnh", "scope": "read", "days": 90})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    token = made.context["made"]
    assert token and token in made.content.decode()
    record = ApiToken.objects.get(user=org.office)
    assert (record.name, record.scope) == ("Báo cáo tỉnh", "read") and record.token_hash != token
    assert dt.timedelta(days=89) < record.expires_at - timezone.now() <= dt.timedelta(days=90)
    created = AuditEntry.objects.get(action="api_token.created", object_id=str(record.pk))
    assert created.actor == org.office and created.changes["scope"] == [None, "read"]
    again = client.get(reverse("api_tokens")).content.decode()
    assert token not in again and "Báo cáo tỉnh" in again  # shown once
    program = Client()  # the program using the token, without the person's session
    assert program.get("/api/v1/plans", **bearer(token)).status_code == 200
    revoked = client.post(reverse("api_tokens"), {"action": "revoke", "token": record.pk})
    assert revoked.status_code == 302
    assert program.get("/api/v1/plans", **bearer(token)).status_code == 401
    entry = AuditEntry.objects.get(action="api_token.revoked", object_id=str(record.pk))
    assert entry.actor == org.office


def test_a_person_cannot_revoke_anothers_token(client, org):
    token = make(org.officer)
    theirs = ApiToken.objects.get(user=org.officer)
    client.force_login(org.office)
    assert client.post(reverse("api_tokens"), {"action": "revoke", "token": theirs.pk}).status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert Client().get("/api/v1/plans", **bearer(token)).status_code == 200


def test_bad_token_form_input_is_refused(client, org, settings):
    settings.API_TOKEN_DAYS = 365
    client.force_login(org.office)
    for data in (
        {"name": "x", "scope": "admin", "days": 30},
        {"name": "x", "scope": "read", "days": 366},
        {"name": "", "scope": "read", "days": 30},
    ):
        response = client.post(reverse("api_tokens"), data)
        assert response.status_code == 200 and response.context["form"].errors and response.context["made"] is None
    assert not ApiToken.objects.exists()
