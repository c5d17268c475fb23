"""Request checks that apply to every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulBytes:
    """A NUL character has no place in an address, a search, a filter or a form field, and
    PostgreSQL refuses to store or compare text holding one: such a request gets a clear 400
    instead of an error page. The path counts too (`/tra-cuu/ho-so/%00/` reaches a query as the
    code). Uploaded files are not looked at (they arrive as files, not as form values)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, request.path_info, *request.GET.values()]
        if request.method == "POST" and request.content_type in FORMS:
            values += list(request.POST.values())
        if any("\x00" in value for value in values):
            return HttpResponseBadRequest(_("The request holds a NUL character, which no field accepts."))
        return self.get_response(request)


def client_address(request) -> str:
    """The client's address: behind our proxy (BEHIND_PROXY), the last address it added."""
    if settings.BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
