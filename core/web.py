"""The pieces every app's views share: a refused workflow step as a message, dates typed in a
query string, and file downloads. One copy each; the views import them from here."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from core.models import Agency
from core.services import StepRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"
YAML = "application/yaml; charset=utf-8"

Fallback = str | Callable[[HttpRequest, dict[str, Any]], str]


def back_or(request: HttpRequest, fallback: str) -> str:
    """The page the user came from when it is one of ours, else `fallback` (a URL or URL name)."""
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        return back
    return resolve_url(fallback)


def refuses_politely(fallback: Fallback, *, referer: bool = True) -> Callable[..., Any]:
    """A step the object's state no longer allows (approved by someone else a moment ago, a phase
    closed) raises `StepRefused`; the user sees its message on the page they came from (when
    `referer`) or on `fallback`: a URL name, or a function of the request and the view's keyword
    arguments giving a URL. Never an error page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except StepRefused as exc:
                messages.error(request, str(exc))
                target = fallback(request, kwargs) if callable(fallback) else fallback
                return redirect(back_or(request, target) if referer else resolve_url(target))

        return wrapper

    return decorate


def query_without(request: HttpRequest, *names: str) -> QueryDict:
    """The page's query string less some parameters, for links that set them again (a page
    number, a status card)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query


def parse_date(text: str | None) -> dt.date | None:
    """A date typed in a form or query string, dd/mm/yyyy or ISO (yyyy-mm-dd); None when blank or
    not a date (a filter then simply does not apply)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10 and text[2] == "/" == text[5]:
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def linked_agency(request: HttpRequest) -> Agency | None:
    """The agency a public link names (`?co-quan=CODE`, as its portal page links the dossier
    lookup, the feedback form and the survey), or None: a wrong code is no error."""
    code = request.GET.get("co-quan", "").strip()
    return Agency.objects.filter(code=code).first() if code else None


def download(data: bytes | str, filename: str, content_type: str) -> FileResponse:
    """Bytes (or text, as UTF-8) as a file to save: Content-Disposition attachment with the name
    encoded for every browser (Vietnamese names included), and no content sniffing."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    response = FileResponse(io.BytesIO(raw), as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Length"] = str(len(raw))
    response["X-Content-Type-Options"] = "nosniff"
    return response
