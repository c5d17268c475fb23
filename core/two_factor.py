"""The optional second log-in factor (issue 8): a time-based one-time code (TOTP, RFC 6238) from
an authenticator app, with ten single-use recovery codes, on django-otp's devices.

Anyone may turn it on from their account page; a province can make it compulsory for some roles
with TWO_FACTOR_REQUIRED_ROLES (administrators and appraisers, say). Whoever has it on is not
signed in until the code is given: the password step only remembers, for a few minutes, who is
half-way. A session that was signed in before the factor was turned on, or through another door
(the admin's own log-in page), is signed out by `SecondFactorMiddleware` rather than trusted; so
is a session whose second factor was removed or replaced since it was verified, and any session
SESSION_ABSOLUTE_SECONDS after its log-in. A requirement turned on later reaches sessions that
already exist. API tokens are separate credentials and are not affected."""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Membership
from core.ratelimit import count_login_failure
from core.security_audit import current_actor, record

PENDING = "second_factor_pending"
REQUIRED = "second_factor_required"
POLICY = "second_factor_policy"  # the required roles and when REQUIRED was last worked out
VERIFIED_WITH = "second_factor_device"  # the device that verified this session
LOGGED_IN_AT = "logged_in_at"  # time.time() of the log-in: the session's absolute lifetime
POLICY_RECHECK_SECONDS = 300  # a role given meanwhile (an administrator's membership) is seen this soon
PENDING_SECONDS = 300
MAX_ATTEMPTS = 5
RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def required_for(user) -> bool:
    """Whether the province's policy makes the second factor compulsory for this person."""
    roles = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not roles:
        return False
    if user.is_superuser and "administrator" in roles:
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


class TwoStepLoginView(LoginView):
    """Django's log-in page; for someone with the second factor on, a right password only leads
    to the code step."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user.second_factor:
            return super().form_valid(form)
        self.request.session.cycle_key()  # as a log-in does: a planted session key learns nothing
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
            "failures": 0,
        }
        return HttpResponseRedirect(reverse("login_code"))


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _verify(user, code: str):
    """The device that accepts the code, or None: six digits go to the authenticator, anything
    else to the recovery codes, so that a mistyped code slows down only the device it was meant
    for. django-otp locks the device row (a code cannot be used twice at once) and makes the
    device wait longer after each wrong code."""
    code = "".join(code.split()).lower()  # recovery codes are lower-case; people may type them otherwise
    if not code.isalnum() or len(code) > 16:
        return None
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user):
            if isinstance(device, kind):
                verified = otp_verify_token(user, device.persistent_id, code)
                if verified is not None:
                    return verified
    return None


def login_code(request):
    """The second step of the log-in: the code from the authenticator app or a recovery code."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, _("Your log-in took too long or was not started. Please enter your password again."))
        return redirect("login")
    error = ""
    if request.method == "POST":
        device = _verify(user, request.POST.get("code", ""))
        if device is not None:
            return _sign_in(request, user, pending, device)
        if _too_many_wrong_codes(request, user, pending):
            messages.error(request, _("Too many wrong codes. Please enter your password again."))
            return redirect("login")
        error = _("The code is wrong or has expired. Enter the six digits the app shows now.")
    context = {"error": error, "person": user}
    return render(request, "registration/login_code.html", context, status=400 if error else 200)


def _too_many_wrong_codes(request, user, pending: dict) -> bool:
    """Counts a wrong code (audited, and against the address's log-in limit); after MAX_ATTEMPTS
    the half-way log-in is forgotten and True is returned."""
    pending["failures"] += 1
    record(request, user, "auth.second_factor_failed")
    count_login_failure(request, "")  # the address's failures (the code step has its own limit)
    if pending["failures"] >= MAX_ATTEMPTS:
        request.session.pop(PENDING, None)
        return True
    request.session[PENDING] = pending
    return False


def _sign_in(request, user, pending: dict, device) -> HttpResponseRedirect:
    """The code was right: the person is signed in (with the device that verified the session)
    and sent where the log-in was going."""
    user.backend = pending["backend"]
    target = _safe_next(request, pending["next"])
    request.session.pop(PENDING, None)
    user.otp_device = device  # django-otp keeps it in the new session on user_logged_in
    auth_login(request, user, backend=pending["backend"])
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
        messages.warning(
            request,
            _("You used a recovery code; %(count)s are left. Make new ones on your account page.") % {"count": left},
        )
    return redirect(target)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=2, title=_("Scan with the authenticator app"))


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def account_security(request):
    """Turning the second factor on (scan, then confirm with a first code), making new recovery
    codes, and turning it off (with a current code)."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    context = {"required": request.session.get(REQUIRED, False), "codes": None, "error": ""}
    pending_device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if action == "start" and not user.second_factor:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        pending_device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    elif action == "confirm" and pending_device is not None:
        pending_device = _confirm(request, pending_device, context)
    elif action == "off" and user.second_factor and required_for(user):
        context["error"] = _("Your role requires the second factor; it cannot be turned off.")
    elif action in ("recovery", "off") and user.second_factor and _with_current_code(request, action, context):
        return redirect("account_security")
    if pending_device is not None and not user.second_factor:
        secret = b32encode(pending_device.bin_key).decode()  # as in the QR code's otpauth:// address
        context.update(qr=_qr_svg(pending_device.config_url), secret=_group(secret))
    context["recovery_left"] = StaticToken.objects.filter(device__user=user).count()
    status = 400 if context["error"] else 200
    return render(request, "core/account_security.html", context, status=status)


def _confirm(request, pending_device, context: dict) -> TOTPDevice | None:
    """The first code from the app turns the factor on; returns the device still pending."""
    user = request.user
    code = "".join(request.POST.get("code", "").split())
    if not (code.isdigit() and pending_device.verify_token(code)):
        context["error"] = _("The code is wrong or has expired. Enter the six digits the app shows now.")
        return pending_device
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        pending_device.confirmed = True
        pending_device.save()
        context["codes"] = _new_recovery_codes(user)
    user.refresh_from_db(fields=["second_factor"])
    otp_login(request, pending_device)
    request.session[VERIFIED_WITH] = pending_device.persistent_id  # other sessions end
    record(request, user, "auth.second_factor_on")
    request.session[REQUIRED] = False
    messages.success(request, _("The second factor is on. Keep the recovery codes below somewhere safe."))
    return None


def _with_current_code(request, action: str, context: dict) -> bool:
    """New recovery codes, or the factor off, against a current code; True when it went off."""
    user = request.user
    device = _verify(user, request.POST.get("code", ""))
    if device is None:
        context["error"] = _("The code is wrong or has expired. Enter the six digits the app shows now.")
    elif action == "recovery":
        context["codes"] = _new_recovery_codes(user)
        record(request, user, "auth.recovery_codes_renewed")
        messages.success(request, _("New recovery codes made; the old ones no longer work."))
    else:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session.pop(VERIFIED_WITH, None)  # this session goes on; the others end
        record(request, user, "auth.second_factor_off")
        messages.success(request, _("The second factor is off."))
        return True
    user.refresh_from_db(fields=["second_factor"])
    return False


def _policy() -> list[str]:
    return sorted(settings.TWO_FACTOR_REQUIRED_ROLES)


def _remember_required(request, user) -> None:
    request.session[REQUIRED] = required_for(user) and not user.second_factor
    request.session[POLICY] = {"roles": _policy(), "at": time.time()}


def _session_problem(request, user) -> str | None:
    """Why this signed-in session must end now, as an audit action, or None. A session outlives
    neither its absolute lifetime (SESSION_ABSOLUTE_SECONDS from the log-in, however active), nor
    the second factor it was verified with (removed by an administrator, turned off or replaced
    from another session), nor the factor being turned on for this person elsewhere."""
    session = request.session
    now = time.time()
    logged_in = session.setdefault(LOGGED_IN_AT, now)  # a session from before this rule: from now
    if now - logged_in > settings.SESSION_ABSOLUTE_SECONDS:
        return "auth.session_expired"
    verified_with = session.get(VERIFIED_WITH)
    device = user.otp_device
    if verified_with and (device is None or device.persistent_id != verified_with):
        return "auth.session_ended"
    if user.second_factor and not user.is_verified():
        return "auth.session_ended"
    return None


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware: a session that must end
    (`_session_problem`) is signed out and recorded; someone whose role requires the second factor
    and who has not turned it on can only reach the page that turns it on. The requirement is
    worked out again when TWO_FACTOR_REQUIRED_ROLES changed since, or every few minutes, so a
    session that existed before the requirement does not escape it."""

    ALLOWED = ("account_security", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            problem = _session_problem(request, user)
            if problem:
                logout(request)
                record(request, user, problem)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            policy = request.session.get(POLICY) or {}
            if policy.get("roles") != _policy() or time.time() - policy.get("at", 0) > POLICY_RECHECK_SECONDS:
                _remember_required(request, user)
            if request.session.get(REQUIRED) and not user.second_factor:
                allowed = [reverse(name) for name in self.ALLOWED]
                if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                    return redirect("account_security")  # the page says why
        return self.get_response(request)


@receiver(user_logged_in)
def _remember_policy(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        _remember_required(request, user)
        request.session[LOGGED_IN_AT] = time.time()
        device = getattr(user, "otp_device", None)
        if device is not None:
            request.session[VERIFIED_WITH] = device.persistent_id


def _sync_flag(user_id: int) -> None:
    """User.second_factor mirrors whether a confirmed authenticator exists, whoever changed it
    (this page, or an administrator removing a lost phone in the admin)."""
    on = TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists()
    get_user_model().objects.filter(pk=user_id).exclude(second_factor=on).update(second_factor=on)
    if not on:
        StaticDevice.objects.filter(user_id=user_id).delete()


@receiver(post_save, sender=TOTPDevice)
def _device_saved(sender, instance, **kwargs):
    _sync_flag(instance.user_id)


@receiver(post_delete, sender=TOTPDevice)
def _device_deleted(sender, instance, **kwargs):

    _sync_flag(instance.user_id)
    actor = current_actor()
    if instance.confirmed and actor is not None and actor.pk != instance.user_id:
        record(None, instance.user, "auth.second_factor_reset", actor=actor)
