"""Rate limits, counted in the shared cache: log-in attempts per address (all user names
together; django-axes locks each user name on its own), and API calls per token and per address."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from api.api import api


def test_log_in_attempts_per_address(client, org, settings):
    settings.LOGIN_ADDRESS_LIMIT = 3
    for n in range(3):  # three different user names: axes would not lock any of them
        response = client.post(reverse("login"), {"username": f"khong-co-{n}", "password": "x"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "vanphong", "password": "CaiCach#2026"})
    assert response.status_code == 429 and "Quá nhiều lần đăng nhập" in response.content.decode()
    assert client.get(reverse("login")).status_code == 200  # the page itself stays open
    other = client.__class__(REMOTE_ADDR="10.1.2.3")  # another address is not held back
    assert other.post(reverse("login"), {"username": "vanphong", "password": "CaiCach#2026"}).status_code == 302


def test_api_calls_per_token(client, org, monkeypatch):
    out = StringIO()
    call_command("create_api_token", org.office.username, stdout=out)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    per_user = next(t for t in api.throttle if type(t).__name__ == "AuthRateThrottle")
    monkeypatch.setattr(per_user, "num_requests", 3)
    codes = [client.get("/api/v1/plans", **headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_window_does_not_start_again_at_midnight(client, org, settings, monkeypatch):
    """The address's key is salted with the day; at midnight the count of the day before still
    holds for the rest of its window, so a burst at 23:59 and another at 00:00 is not twice the
    limit."""
    import datetime as dt

    from django.utils import timezone

    settings.DOSSIER_STATUS_LIMIT, settings.DOSSIER_STATUS_WINDOW_SECONDS = 3, 600
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 7))
    url = reverse("dossier_status", args=["H38.15-261207-0001"])
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 8))  # one minute later
    assert client.get(url).status_code == 429
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 9))  # the day before now counts 1
    assert client.get(url).status_code == 404


class Clock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def test_a_window_lasts_as_long_as_it_was_given(db, monkeypatch):
    """The counters are kept in the database with their window's end: a day's cap holds for the
    day, however quiet the client is between two requests (a cache's increment would rewrite the
    entry with the cache's default lifetime of 5 minutes)."""
    from core import ratelimit

    clock = Clock(1_800_000_000)
    monkeypatch.setattr(ratelimit, "time", clock)
    key = ratelimit.Key("rate:test:client")
    assert not ratelimit.over_limit(key, 2, 86400)
    assert not ratelimit.over_limit(key, 2, 86400)
    clock.now += 3 * 3600  # three quiet hours
    assert ratelimit.over_limit(key, 2, 86400) and ratelimit.seen(key) == 3
    clock.now += 86400  # the window is over: counting starts again
    assert ratelimit.seen(key) == 0 and not ratelimit.over_limit(key, 2, 86400)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="app processes counting at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_requests_counted_at_once_are_all_counted():
    """Twenty requests of one client counted at the same moment by different connections (app
    processes): the count is 20, none lost."""
    from concurrent.futures import ThreadPoolExecutor

    from core import ratelimit

    def count(_n):
        try:
            return ratelimit.over_limit("rate:test:burst", 1000, 600)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(count, range(20)))
    assert ratelimit.seen("rate:test:burst") == 20
