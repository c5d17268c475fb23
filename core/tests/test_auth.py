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


def test_password_change_applies_the_rules(login, org):
    client = login(org.officer)
    weak = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    strong = "Mua-Xuan-Dong-Dang-2027"
    done = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    )
    assert done.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.check_password(strong)


def test_lock_out_is_per_user_name_and_address(client, org, settings):
    # issue 18: locked per (user name, address), so a stranger cannot lock the leader out; a guess
    # spread over many addresses meets the per-user-name limit (tests/security/test_low_items.py)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lanhdao", "password": "x"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    other = client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_one_persons_failures_do_not_lock_out_the_office(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "vanphong", "password": "wrong"})
    other = client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD})
    assert other.status_code == 302  # same address, another person
