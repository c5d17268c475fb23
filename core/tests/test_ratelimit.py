"""Request counting (core.ratelimit): keys that keep no address, counts in the database with the
day before's key, the log-in hold-backs by address and by user name, and the daily clean-up. The
pages' 429 answers are in tests/security/test_rate_limits.py."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core import ratelimit
from core.models import RateCount

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    set_day(TODAY)
    return set_day


def request_from(address: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().post("/login/", REMOTE_ADDR=address, **extra)


@pytest.fixture
def clock(fake_time):
    return fake_time(ratelimit)


def test_a_key_keeps_no_address_and_changes_every_day(on_day):
    key = ratelimit.address_key(request_from("203.0.113.7"), "login")
    assert key.startswith("rate:login:") and "203.0.113.7" not in key
    assert key == ratelimit.address_key(request_from("203.0.113.7"), "login")  # same client, same day
    assert key != ratelimit.address_key(request_from("203.0.113.8"), "login")
    assert key != ratelimit.address_key(request_from("203.0.113.7"), "feedback")  # each scope apart
    on_day(TODAY + dt.timedelta(days=1))
    tomorrow = ratelimit.address_key(request_from("203.0.113.7"), "login")
    assert tomorrow != key and tomorrow.previous == key  # the day before's key still counts


def test_behind_the_proxy_the_address_it_added_is_the_client(settings, on_day):
    settings.BEHIND_PROXY = True
    spoofed = request_from("10.0.0.1", forwarded="1.2.3.4, 198.51.100.9")
    assert ratelimit.address_key(spoofed, "login") == ratelimit.address_key(request_from("198.51.100.9"), "login")
    settings.BEHIND_PROXY = False
    assert ratelimit.address_key(spoofed, "login") == ratelimit.address_key(request_from("10.0.0.1"), "login")


def test_user_names_count_together_whatever_their_case_and_spaces(on_day):
    assert ratelimit.username_key(" VanPhong ") == ratelimit.username_key("vanphong")
    assert ratelimit.username_key("vanphong") != ratelimit.username_key("lanhdao")


def test_over_limit_counts_each_request_and_says_when_too_many(db, clock):
    key = ratelimit.Key("rate:test:a")
    assert [ratelimit.over_limit(key, 3, 60) for _ in range(5)] == [False, False, False, True, True]
    assert ratelimit.seen(key) == 5 and ratelimit.seen(key) == 5  # seen() counts nothing more
    assert ratelimit.seen("rate:test:other") == 0


def test_the_day_before_s_count_adds_to_today_s_while_its_window_lasts(db, clock):
    yesterday = ratelimit.Key("rate:test:yesterday")
    for _ in range(2):
        ratelimit.over_limit(yesterday, 3, 600)
    today = ratelimit.Key("rate:test:today")
    today.previous = yesterday
    assert ratelimit.seen(today) == 2
    assert not ratelimit.over_limit(today, 3, 600)
    assert ratelimit.over_limit(today, 3, 600)  # 2 yesterday + 2 today
    clock.now += 601  # yesterday's window is over, today's too
    assert ratelimit.seen(today) == 0


def test_the_clean_up_removes_only_counters_whose_window_ended(db, clock, monkeypatch):
    ratelimit.over_limit("rate:test:short", 10, 60)
    ratelimit.over_limit("rate:test:long", 10, 3600)
    clock.now += 120
    assert ratelimit.remove_rate_counts(today=TODAY) == {"removed": 1}
    assert list(RateCount.objects.values_list("name", flat=True)) == ["rate:test:long"]


def test_failures_from_one_address_hold_it_back(db, settings, on_day):
    settings.LOGIN_ADDRESS_LIMIT = 3
    stranger = request_from("203.0.113.7")
    for n in range(3):
        assert ratelimit.login_refused(stranger, f"nguoi-{n}") is None
        ratelimit.count_login_failure(stranger, f"nguoi-{n}")
    assert ratelimit.login_refused(stranger, "vanphong") == "address"
    assert ratelimit.login_refused(request_from("203.0.113.8"), "vanphong") is None


def test_a_user_name_guessed_from_many_addresses_is_held_back_except_where_it_signed_in(db, settings, on_day):
    settings.LOGIN_USERNAME_LIMIT = 3
    office = request_from("192.0.2.10")
    ratelimit.remember_address(office, "LanhDao")  # the leader signed in from the office before
    for n in range(3):
        ratelimit.count_login_failure(request_from(f"198.51.100.{n}"), "lanhdao")
    assert ratelimit.login_refused(request_from("198.51.100.99"), "lanhdao") == "username"
    assert ratelimit.login_refused(office, "lanhdao") is None  # not locked out by a stranger
    assert ratelimit.login_refused(request_from("198.51.100.99"), "vanphong") is None
    assert ratelimit.login_refused(request_from("198.51.100.99"), "") is None


def test_a_failed_log_in_is_counted_through_the_signal(db, settings, on_day):
    from django.contrib.auth import authenticate

    request = request_from("203.0.113.50")
    authenticate(request, username="khong-co", password="sai")
    assert ratelimit.seen(ratelimit.address_key(request, "login")) == 1
    assert ratelimit.seen(ratelimit.username_key("khong-co")) == 1


def test_a_failure_without_a_user_name_counts_only_the_address(db, on_day):
    request = request_from("203.0.113.51")
    ratelimit.count_login_failure(request, "")
    assert ratelimit.seen(ratelimit.address_key(request, "login")) == 1
    assert RateCount.objects.count() == 1
