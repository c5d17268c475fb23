"""Fuzzing the JSON API from its own OpenAPI schema (schemathesis): every operation gets requests
generated from its parameters and bodies, valid and not, with a real token; none may end in a
server error. At least 1,000 requests in all."""

from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api.api import api
from config.wsgi import application

pytestmark = pytest.mark.slow  # about three minutes on two cores: make test-all and CI run it

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
PER_OPERATION = 150


@pytest.fixture
def token(org, monkeypatch):
    for throttle in api.throttle:  # the fuzzer sends faster than any person would
        monkeypatch.setattr(throttle, "num_requests", 10**9)
    # the app is called directly (WSGI), inside the test's transaction: like Django's test client,
    # keep the end of a request from closing the connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    out = StringIO()
    call_command("create_api_token", org.office.username, "--scope", "read_write", stdout=out)
    yield out.getvalue().strip()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_generated_request_ends_in_a_server_error(token, task):
    """Each operation in turn, with hypothesis driving schemathesis' strategy for it (so the
    count does not depend on how the suite is spread over processes)."""
    from hypothesis import given

    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @settings(max_examples=PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def call(case):
            nonlocal sent
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            sent += 1
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text[:300])

        call()
    assert sent >= 1000, sent
