"""A log-in computes the password hash exactly once (D33): the cost of the hasher is what a
log-in must cost, and nothing around it (several authentication backends, a re-hash of a
current password, a second check) may add another. Timings are in bench/login.py."""

import pytest
from axes.models import AccessLog
from django.contrib.auth import hashers
from django.urls import reverse

from core.models import User

PASSWORD = "Mat-khau#Dai2026"


class QuickPBKDF2(hashers.PBKDF2PasswordHasher):
    """PBKDF2 with few iterations: the same code path as production, fast enough for a test."""

    iterations = 1_000


class OlderPBKDF2(QuickPBKDF2):
    """A password stored when the iterations were fewer (an older Django)."""

    iterations = 500


@pytest.fixture
def pbkdf2_calls(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["core.tests.test_login_speed.QuickPBKDF2"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    calls = []
    original = hashers.pbkdf2

    def counted(*args, **kwargs):
        calls.append(args[2])  # the iterations
        return original(*args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", counted)
    yield calls
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


def person(org, hasher="pbkdf2_sha256"):
    user = org.office
    user.password = hashers.make_password(PASSWORD, hasher=hasher)
    user.save(update_fields=["password"])
    return user


def test_a_log_in_computes_the_password_hash_once(client, org, pbkdf2_calls):
    user = person(org)
    pbkdf2_calls.clear()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert pbkdf2_calls == [QuickPBKDF2.iterations]


def test_a_wrong_password_costs_one_hash_too(client, org, pbkdf2_calls):
    user = person(org)
    pbkdf2_calls.clear()
    response = client.post(reverse("login"), {"username": user.username, "password": "sai mat khau"})
    assert response.status_code == 200
    assert len(pbkdf2_calls) == 1


def test_an_outdated_hash_is_upgraded_once_then_never_again(client, org, pbkdf2_calls):
    user = org.office
    user.password = OlderPBKDF2().encode(PASSWORD, OlderPBKDF2().salt())
    user.save(update_fields=["password"])
    pbkdf2_calls.clear()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert pbkdf2_calls == [OlderPBKDF2.iterations, QuickPBKDF2.iterations]  # checked, then stored anew
    client.logout()
    pbkdf2_calls.clear()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert pbkdf2_calls == [QuickPBKDF2.iterations]
    assert User.objects.get(pk=user.pk).password.startswith(f"pbkdf2_sha256${QuickPBKDF2.iterations}$")


def test_a_log_in_writes_little_besides_the_session(client, org, pbkdf2_calls, django_assert_max_num_queries):
    user = person(org)
    with django_assert_max_num_queries(20):
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()  # recorded once, in the security audit (auth.login)
