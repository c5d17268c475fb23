import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.reference import DEMO_PASSWORD as PASSWORD


def test_log_in_with_the_demo_password(client, org):
    response = client.post(reverse("login"), {"username": "vanphong", "password": PASSWORD})
    assert response.status_code == 302


def test_lock_out_after_repeated_failures(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "vanphong", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "vanphong", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["short1!A", "alllowercaseletters1!", "NoDigitsOrSymbolsHere", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_is_accepted():
    validate_password("Cai-Cach-Hanh-Chinh-2026")


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
