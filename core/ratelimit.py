"""Counting requests per client, in the database, so that every app process counts together and
atomically: the client is a salted hash of its address, the salt changing every day, so no
address is kept. A count also reads the client's key of the day before, which counts only while
its window lasts: a window does not start again at midnight. The addresses a person signed in
from are remembered, as hashes, in the shared cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db import connection
from django.dispatch import receiver
from django.utils import timezone

from core.jobs import daily_job
from core.middleware import client_address
from core.models import RateCount


def address_key(request, scope: str) -> str:
    return _hash(scope, client_address(request))


class Key(str):
    """A client's counter key of today; `previous` is the same client's key of the day before."""

    previous: str = ""


def over_limit(key: str, limit: int, window: int) -> bool:
    """Counts one more request under `key`; True once more than `limit` came within `window` s
    (with what the day before's key still counts, for a window that spans midnight). One
    statement counts, atomically, in the database: app processes counting at once lose nothing,
    and the window is the one given (a cache's increment would not keep either)."""
    now = int(time.time())
    table = connection.ops.quote_name(RateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, count, expires) VALUES (%s, 1, %s) "  # noqa: S608  (our own table)
            f"ON CONFLICT (name) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires > %s THEN {table}.count + 1 ELSE 1 END, "
            f"expires = CASE WHEN {table}.expires > %s THEN {table}.expires ELSE %s END "
            f"RETURNING count",
            [key, now + window, now, now, now + window],
        )
        count = cursor.fetchone()[0]
    return count + _before(key, now) > limit


def seen(key: str) -> int:
    """How many were counted under `key` in its window, without counting one more."""
    now = int(time.time())
    return _count(key, now) + _before(key, now)


def _count(key: str, now: int) -> int:
    found = RateCount.objects.filter(name=key, expires__gt=now).values_list("count", flat=True).first()
    return found or 0


def _before(key: str, now: int) -> int:
    previous = getattr(key, "previous", "")
    return _count(previous, now) if previous else 0


@daily_job("core.rate_counts")
def remove_rate_counts(*, today: dt.date, cal=None) -> dict:
    """Counters whose window has ended."""
    removed, _ = RateCount.objects.filter(expires__lte=int(time.time())).delete()
    return {"removed": removed}


# --- log-in ------------------------------------------------------------------------------------
# django-axes locks a (user name, address) pair after AXES_FAILURE_LIMIT failures: a stranger
# locks only himself. Beside it, counted here in the shared cache: failures per address (all user
# names together: spraying many accounts), and failures per user name from any address (a guess
# spread over many addresses); once LOGIN_USERNAME_LIMIT of those came within the window, that user
# name waits for the end of the window, except from an address it signed in from before (the
# leader at his own office is not locked out by a stranger).
KNOWN_DAYS = 90


def _salted(scope: str, text: str, day: dt.date) -> str:
    salt = f"{settings.SECRET_KEY}:{day:%Y%m%d}"
    return f"rate:{scope}:" + hashlib.sha256(f"{salt}:{scope}:{text}".encode()).hexdigest()


def _hash(scope: str, text: str) -> Key:
    today = timezone.localdate()
    key = Key(_salted(scope, text, today))
    key.previous = _salted(scope, text, today - dt.timedelta(days=1))
    return key


def username_key(username: str) -> str:
    return _hash("login-user", username.strip().casefold())


def _known_key(request, username: str) -> str:
    # no daily salt here: the address is remembered for KNOWN_DAYS, only as this hash
    text = f"{settings.SECRET_KEY}:known:{username.strip().casefold()}:{client_address(request)}"
    return "rate:login-known:" + hashlib.sha256(text.encode()).hexdigest()


def login_refused(request, username: str) -> str | None:
    """Why a log-in attempt is held back before the password is even checked: "address" (too
    many failures from this address), "username" (too many failures for this user name from
    anywhere, and this address is not one it signed in from), or None."""
    if seen(address_key(request, "login")) >= settings.LOGIN_ADDRESS_LIMIT:
        return "address"
    if (
        username
        and seen(username_key(username)) >= settings.LOGIN_USERNAME_LIMIT
        and not cache.get(_known_key(request, username))
    ):
        return "username"
    return None


def count_login_failure(request, username: str) -> None:
    over_limit(address_key(request, "login"), settings.LOGIN_ADDRESS_LIMIT, settings.LOGIN_ADDRESS_WINDOW_SECONDS)
    if username:
        over_limit(username_key(username), settings.LOGIN_USERNAME_LIMIT, settings.LOGIN_USERNAME_WINDOW_SECONDS)


def remember_address(request, username: str) -> None:
    cache.set(_known_key(request, username), 1, timeout=KNOWN_DAYS * 86400)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        count_login_failure(request, str(credentials.get("username", "")))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        remember_address(request, user.get_username())
