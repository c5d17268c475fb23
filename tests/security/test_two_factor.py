"""The optional second log-in factor: setting it up, the two-step log-in, recovery codes, the
policy for required roles, and sessions that skipped the code."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import security_audit, two_factor
from core.models import AuditEntry

PASSWORD = "CaiCach#2026"


def code(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def unthrottle(device):
    """django-otp makes a device wait 1, 2, 4… seconds after each wrong code; a test does not."""
    device.refresh_from_db()
    device.throttle_reset()


def turn_on(client, user):
    """Sets the factor up through the page as the person would; returns the device and codes."""
    client.force_login(user)
    page = client.post(reverse("account_security"), {"action": "start"})
    assert b"<svg" in page.content and page.context["secret"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("account_security"), {"action": "confirm", "code": code(device)})
    assert done.status_code == 200
    client.logout()
    device.refresh_from_db()
    return device, done.context["codes"]


def password_step(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_setting_up_needs_a_right_first_code_and_gives_ten_recovery_codes(client, org):
    client.force_login(org.admin)
    client.post(reverse("account_security"), {"action": "start"})
    device = TOTPDevice.objects.get(user=org.admin)
    wrong = client.post(reverse("account_security"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "sai" in wrong.content.decode()
    org.admin.refresh_from_db()
    assert not org.admin.second_factor
    unthrottle(device)
    done = client.post(reverse("account_security"), {"action": "confirm", "code": code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(c in done.content.decode() for c in codes)
    org.admin.refresh_from_db()
    assert org.admin.second_factor
    assert AuditEntry.objects.filter(action="auth.second_factor_on", actor=org.admin).exists()
    # the secret is no longer shown once the factor is on
    again = client.get(reverse("account_security"))
    assert "secret" not in again.context and b"<svg" not in again.content


def test_the_password_alone_does_not_sign_in(client, org):
    device, _codes = turn_on(client, org.appraiser)
    step = password_step(client, "thamdinh", next_url="/par/")
    assert step.status_code == 302 and step.url == reverse("login_code")
    assert client.get(reverse("home")).url.startswith(reverse("login"))  # still signed out
    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert wrong.status_code == 400
    assert AuditEntry.objects.filter(action="auth.second_factor_failed", actor=org.appraiser).exists()
    unthrottle(device)
    right = client.post(reverse("login_code"), {"code": code(device, drift=1)})
    assert right.status_code == 302 and right.url == "/par/"
    assert client.get(reverse("plans:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", actor=org.appraiser).exists()


def test_a_code_cannot_be_used_twice(client, org):
    device, _codes = turn_on(client, org.admin)
    used = code(device, drift=1)
    password_step(client, "quantri")
    assert client.post(reverse("login_code"), {"code": used}).status_code == 302
    client.logout()
    password_step(client, "quantri")
    assert client.post(reverse("login_code"), {"code": used}).status_code == 400


def test_a_recovery_code_works_once(client, org):
    _device, codes = turn_on(client, org.admin)
    password_step(client, "quantri")
    signed_in = client.post(reverse("login_code"), {"code": codes[0].upper()}, follow=True)  # as typed
    assert signed_in.status_code == 200 and "9" in signed_in.content.decode()  # nine left, in the warning
    assert StaticToken.objects.filter(device__user=org.admin).count() == 9
    client.logout()
    password_step(client, "quantri")
    assert client.post(reverse("login_code"), {"code": codes[0]}).status_code == 400


def test_too_many_wrong_codes_send_back_to_the_password(client, org):
    device, _codes = turn_on(client, org.admin)
    password_step(client, "quantri")
    for _ in range(two_factor.MAX_ATTEMPTS - 1):
        assert client.post(reverse("login_code"), {"code": "111111"}).status_code == 400
    last = client.post(reverse("login_code"), {"code": "111111"})
    assert last.status_code == 302 and last.url == reverse("login")
    # the half-way state is gone: even the right code now needs the password first
    assert client.post(reverse("login_code"), {"code": code(device, drift=1)}).url == reverse("login")


def test_the_code_step_expires(client, org, monkeypatch):
    device, _codes = turn_on(client, org.admin)
    password_step(client, "quantri")
    later = time.time() + two_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(two_factor.time, "time", lambda: later)
    assert client.post(reverse("login_code"), {"code": code(device, drift=1)}).url == reverse("login")


def test_a_session_that_skipped_the_code_is_signed_out(client, org):
    turn_on(client, org.admin)
    client.force_login(org.admin)  # as an older session, or the admin's own log-in form, would be
    response = client.get(reverse("plans:dashboard") + "?flag=overdue")
    assert response.status_code == 302 and response.url == reverse("login") + "?next=%2Fplans%2F%3Fflag%3Doverdue"
    assert client.get(reverse("plans:dashboard")).url.startswith(reverse("login"))
    assert client.get("/admin/login/?next=/admin/").url == reverse("login") + "?next=/admin/"


@pytest.mark.parametrize("roles", [["administrator"], ["appraiser", "administrator"]])
def test_a_required_role_must_turn_it_on_first(client, org, settings, roles):
    settings.TWO_FACTOR_REQUIRED_ROLES = roles
    password_step(client, "quantri")
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response.url == reverse("account_security")
    assert client.get(reverse("account_security")).context["required"]
    client.post(reverse("account_security"), {"action": "start"})
    device = TOTPDevice.objects.get(user=org.admin)
    client.post(reverse("account_security"), {"action": "confirm", "code": code(device)})
    assert client.get(reverse("plans:dashboard")).status_code == 200
    refused = client.post(reverse("account_security"), {"action": "off", "code": code(device, drift=1)})
    assert refused.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # refused before the code was tried, not spent on it
    org.admin.refresh_from_db()
    assert org.admin.second_factor
    # another role is not held back
    client.logout()
    password_step(client, "vanphong")
    assert client.get(reverse("plans:dashboard")).status_code == 200


def test_turning_it_off_needs_a_current_code(client, org):
    device, _codes = turn_on(client, org.office)
    password_step(client, "vanphong")
    client.post(reverse("login_code"), {"code": code(device, drift=1)})
    assert client.post(reverse("account_security"), {"action": "off", "code": "000000"}).status_code == 400
    org.office.refresh_from_db()
    assert org.office.second_factor
    unthrottle(device)
    client.post(reverse("account_security"), {"action": "off", "code": code(device, drift=2)})
    org.office.refresh_from_db()
    assert not org.office.second_factor and not StaticToken.objects.filter(device__user=org.office).exists()
    assert AuditEntry.objects.filter(action="auth.second_factor_off", actor=org.office).exists()
    client.logout()
    assert password_step(client, "vanphong").url == reverse("home")


def test_an_administrator_removing_a_lost_phone_is_recorded(client, org):
    device, _codes = turn_on(client, org.officer)
    security_audit._request.user = org.admin  # as RememberActor does during an admin request
    try:
        device.delete()
    finally:
        security_audit._request.user = None
    org.officer.refresh_from_db()
    assert not org.officer.second_factor
    assert not StaticToken.objects.filter(device__user=org.officer).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor_reset")
    assert entry.actor == org.admin and entry.object_id == str(org.officer.pk)
    assert password_step(client, "chuyenvien.qldn").url == reverse("home")


def test_the_admin_never_shows_a_secret_or_a_recovery_code(client, org):
    device, codes = turn_on(client, org.officer)
    superuser = type(org.admin).objects.create_superuser("sieuquantri", "s@example.vn", PASSWORD)
    client.force_login(superuser)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    recovery = StaticToken.objects.filter(device__user=org.officer).first().device
    listed = client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk])).content.decode()
    assert not any(code in listed for code in codes)


def test_a_mistyped_app_code_does_not_slow_down_the_recovery_codes(client, org):
    _device, codes = turn_on(client, org.admin)
    password_step(client, "quantri")
    assert client.post(reverse("login_code"), {"code": "000000"}).status_code == 400
    recovery = StaticToken.objects.filter(device__user=org.admin).first().device
    assert recovery.throttling_failure_count == 0
    assert client.post(reverse("login_code"), {"code": codes[1]}).status_code == 302


def test_the_password_step_gives_a_new_session_key(client, org):
    turn_on(client, org.admin)
    client.get(reverse("login"))
    client.session.save()
    planted = client.session.session_key
    password_step(client, "quantri")
    assert client.session.session_key != planted
