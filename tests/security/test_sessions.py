"""L3: sessions that outlive a change of the second-factor rules, and sessions without end.

- Turning the compulsory second factor on for a role reaches sessions that already exist: on its
  next request an old session is confined to the page that turns the factor on (as a fresh log-in).
- Removing a person's second factor (an administrator resetting a lost phone, or the person
  turning it off or setting up a new phone elsewhere) ends the sessions verified with it.
- A session ends SESSION_ABSOLUTE_SECONDS (12 hours) after its log-in, however active it is.
"""

import time

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from test_two_factor import code, password_step, turn_on, unthrottle

from core import security_audit, two_factor
from core.models import AuditEntry


def test_an_old_session_cannot_pass_a_requirement_turned_on_later(client, org, settings):
    password_step(client, "quantri")
    assert client.get(reverse("plans:dashboard")).status_code == 200
    settings.TWO_FACTOR_REQUIRED_ROLES = ["administrator", "appraiser"]  # the restart of the probe
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response.url == reverse("account_security")
    assert client.get("/tthc/").status_code == 302
    assert client.get("/api/v1/plans").status_code != 200
    assert client.get(reverse("account_security")).status_code == 200  # it can still turn it on
    # a person whose role is not listed is not held back
    other = client.__class__()
    password_step(other, "vanphong")
    assert other.get(reverse("plans:dashboard")).status_code == 200


def _signed_in_with_code(client_class, user, device, drift):
    browser = client_class()
    password_step(browser, user.username)
    unthrottle(device)
    assert browser.post(reverse("login_code"), {"code": code(device, drift=drift)}).status_code == 302
    assert browser.get(reverse("plans:dashboard")).status_code == 200
    return browser


def test_an_administrator_removing_the_phone_ends_the_persons_sessions(client, org):
    device, _codes = turn_on(client, org.officer)
    stolen = _signed_in_with_code(client.__class__, org.officer, device, drift=1)
    security_audit._request.user = org.admin  # as RememberActor does during an admin request
    try:
        TOTPDevice.objects.get(pk=device.pk).delete()
    finally:
        security_audit._request.user = None
    response = stolen.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in stolen.session
    assert AuditEntry.objects.filter(action="auth.session_ended", object_id=str(org.officer.pk)).exists()


def test_turning_the_factor_off_ends_the_other_sessions_only(client, org):
    device, _codes = turn_on(client, org.office)
    elsewhere = _signed_in_with_code(client.__class__, org.office, device, drift=1)
    here = _signed_in_with_code(client.__class__, org.office, device, drift=2)
    unthrottle(device)
    here.post(reverse("account_security"), {"action": "off", "code": code(device, drift=3)})
    assert here.get(reverse("plans:dashboard")).status_code == 200
    assert elsewhere.get(reverse("plans:dashboard")).url.startswith(reverse("login"))


def _logged_in_hours_ago(client, hours: float) -> None:
    session = client.session
    session[two_factor.LOGGED_IN_AT] = time.time() - hours * 3600
    session.save()


def test_an_active_session_ends_after_its_absolute_lifetime(client, org, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    password_step(client, "vanphong")
    _logged_in_hours_ago(client, 11 + 59 / 60)
    assert client.get(reverse("plans:dashboard")).status_code == 200  # active all day: still in
    _logged_in_hours_ago(client, 12 + 1 / 60)
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.session_expired", actor=org.office).exists()
