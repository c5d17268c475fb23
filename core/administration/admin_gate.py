"""Django's admin is for the system's operators (superusers, staff). A signed-in person who may not
use it gets a plain 403 page pointing to the administration pages, never the admin's own log-in
(which sent them to our log-in page, which sent them back: a redirect loop); an anonymous visitor
goes to the log-in page once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.access import can_view_administration


def forbidden(request: HttpRequest) -> HttpResponse:
    context = {"administration": can_view_administration(request.user)}
    return render(request, "core/administration/admin_forbidden.html", context, status=403)


def _gate(view: Callable[..., Any], site: admin.AdminSite) -> Callable[..., Any]:
    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not site.has_permission(request):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return gated


def _wrap(patterns: Sequence[Any], site: admin.AdminSite) -> list[Any]:
    out: list[Any] = []
    for item in patterns:
        if isinstance(item, URLResolver):
            nested = _wrap(item.url_patterns, site)
            out.append(URLResolver(item.pattern, nested, item.default_kwargs, item.app_name, item.namespace))
        else:
            out.append(URLPattern(item.pattern, _gate(item.callback, site), item.default_args, item.name))
    return out


def gated_admin_urls(site: admin.AdminSite = admin.site) -> tuple[list[Any], str, str]:
    """`site.urls` with every view behind the gate: for `path("admin/", gated_admin_urls())`."""
    patterns, app_name, namespace = site.urls
    return _wrap(patterns, site), app_name, namespace


def admin_login(request: HttpRequest) -> HttpResponseBase:
    """/admin/login/: the app's own log-in page for a visitor; the 403 page for a signed-in person
    (an admin page they may not use sent them here)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if admin.site.has_permission(request):
        return redirect(target)
    return forbidden(request)
