"""A person given a temporary password (by an administrator, or when their account was made) chooses
their own before anything else: every page but the password change, the second-factor set-up and
the log-out sends them to /password/. Installed in settings.MIDDLEWARE after
core.two_factor.SecondFactorMiddleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.administration.services import password_chosen

ALLOWED = ("logout", "account_security", "password_change_done")


class PasswordChangeRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return self.get_response(request)
        if request.path == reverse("password_change"):
            response = self.get_response(request)
            chosen = request.POST.get("new_password1", "")
            if request.method == "POST" and response.status_code == 302:
                if chosen and chosen != request.POST.get("old_password"):
                    password_chosen(person=user)
                else:
                    messages.warning(request, _("Choose a password other than the temporary one."))
            return response
        if request.path in [reverse(name) for name in ALLOWED] or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        messages.warning(request, _("You signed in with a temporary password: choose your own password now."))
        return redirect("password_change")
