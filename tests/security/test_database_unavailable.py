"""While the database restarts, a page or an API call gets a 503 with Retry-After (so that a
browser, a phone or a client sends it again), not an error page; other failures stay 500s."""

import sqlite3

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

import api.api
import core.views


@pytest.fixture
def browser(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.office)
    return client


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"), InterfaceError()])
def test_a_page_says_when_to_try_again(browser, monkeypatch, settings, error):
    settings.RETRY_AFTER_SECONDS = 7

    def down(*args, **kwargs):
        raise error

    monkeypatch.setattr(core.views, "documents_visible_to", down)
    response = browser.get(reverse("evidence_library"))
    assert response.status_code == 503 and response["Retry-After"] == "7"
    assert "gửi lại" in response.content.decode()


def test_other_failures_stay_server_errors(browser, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(core.views, "documents_visible_to", broken)
    response = browser.get(reverse("evidence_library"))
    assert response.status_code == 500 and "Retry-After" not in response


def test_the_api_says_when_to_try_again(org, monkeypatch, settings):
    settings.RETRY_AFTER_SECONDS = 9

    def down(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(api.api, "plans_visible_to", down)
    client = Client(raise_request_exception=False)
    client.force_login(org.office)
    response = client.get("/api/v1/plans")
    assert response.status_code == 503 and response["Retry-After"] == "9"
    assert "try again" in response.json()["detail"]


class PostgresError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("cause", "transient"),
    [
        (PostgresError("57P01"), True),  # terminating connection due to administrator command
        (PostgresError("57P03"), True),  # the database system is starting up
        (PostgresError("08006"), True),  # connection failure
        (PostgresError("53300"), True),  # too many connections
        (PostgresError("40P01"), True),  # deadlock detected
        (PostgresError("42P01"), False),  # undefined table: a bug, not a moment's absence
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: plans_task"), False),  # a missing migration
    ],
)
def test_only_a_database_away_or_busy_for_a_moment_gets_retry_advice(browser, monkeypatch, cause, transient):
    def failing(*args, **kwargs):
        raise OperationalError(str(cause)) from cause

    monkeypatch.setattr(core.views, "documents_visible_to", failing)
    response = browser.get(reverse("evidence_library"))
    assert (response.status_code, "Retry-After" in response) == ((503, True) if transient else (500, False))


def test_the_api_keeps_other_database_errors_as_server_errors(org, monkeypatch):
    def failing(*args, **kwargs):
        raise OperationalError("no such table") from sqlite3.OperationalError("no such table: plans_plan")

    monkeypatch.setattr(api.api, "plans_visible_to", failing)
    client = Client(raise_request_exception=False)
    client.force_login(org.office)
    assert client.get("/api/v1/plans").status_code == 500
