import datetime as dt
import sqlite3
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import navigation
from core.access import (
    can_add_document,
    can_change_document,
    current_agency,
    current_agency_or_404,
    document_uses,
    documents_visible_to,
    get_agency_for_user,
    get_api_token_for_user,
    get_document_for_user,
    get_version_for_user,
)
from core.files import FileRejected, attachment_response
from core.forms import ApiTokenForm, DocumentForm, VersionForm
from core.ratelimit import login_refused
from core.services import add_document_version, create_document
from core.text import fold, small_int
from core.tokens import create_token, revoke_token
from core.web import back_or

# PostgreSQL error classes that mean "away or busy for a moment": connection (08), resources
# (53, too many connections), rollback (40, deadlock or serialisation), shut down or starting (57P0x),
# statement timeout (57014). A missing table or a bad query is a bug, not a reason to retry.
TRANSIENT_STATES = ("08", "53", "40", "57P01", "57P02", "57P03", "57014")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether the error is the database being away or busy for a moment (a restart, a failover,
    a lock): the request is worth sending again."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state:
        return state.startswith(TRANSIENT_STATES)
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" in str(cause) or "busy" in str(cause)
    return True  # no state: no server answered (refused, closed, starting)


@login_required
def home(request):
    """ "My work today": the panels the apps fill for this person in the current agency
    (core.navigation), each with its figures, its first items and a link to the whole list."""
    agency = current_agency(request)
    today = timezone.localdate()
    context = {"panels": navigation.panels(request.user, agency, today), "today": today, "agency": agency}
    return render(request, "core/home.html", context)


@login_required
@require_POST
def switch_agency(request):
    value = request.POST.get("agency", "")
    agency = get_agency_for_user(request.user, small_int(value))
    request.session["agency_id"] = agency.pk
    target = request.POST.get("next", "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, None) else "/")


@login_required
@never_cache
def api_tokens(request):
    """The person's own API tokens: listed, made (the token is shown once, on this answer only)
    and revoked; making and revoking are audited (core.tokens)."""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_api_token_for_user(request.user, small_int(request.POST.get("token", "")))
        revoke_token(actor=request.user, token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("api_tokens")
    form, made = ApiTokenForm(request.POST if request.method == "POST" else None), None
    if form.is_valid():
        data = form.cleaned_data
        days = dt.timedelta(days=data["days"])
        made, _record = create_token(
            actor=request.user, user=request.user, name=data["name"], scope=data["scope"], days=days
        )
        form = ApiTokenForm()
    context = {"form": form, "made": made, "tokens": request.user.api_tokens.all(), "now": timezone.now()}
    return render(request, "core/api_tokens.html", context)


@login_required
def notifications(request):
    """The person's notifications, newest first and grouped by day; all or only the unread ones,
    of one family of kinds (the apps register them in their navigation module)."""
    families = navigation.notification_families()
    show = request.GET.get("show", "")
    family = request.GET.get("kind", "")
    items = request.user.notifications.all()
    if show == "unread":
        items = items.filter(read_at__isnull=True)
    if family in families:
        items = items.filter(navigation.kind_filter(families[family][1]))
    rows = [(timezone.localdate(n.created_at), n) for n in items[:200]]
    context = {
        "days": [(day, [n for d, n in rows if d == day]) for day in dict.fromkeys(d for d, _n in rows)],
        "show": show,
        "kind": family if family in families else "",
        "families": [(key, label) for key, (label, _kinds) in families.items()],
        "unread": request.user.notifications.filter(read_at__isnull=True).count(),
    }
    return render(request, "core/notifications.html", context)


@login_required
@require_POST
def notifications_read(request):
    """Marks the person's notifications read: the one given (`item`), or all of them."""
    mine = request.user.notifications.filter(read_at__isnull=True)
    item = small_int(request.POST.get("item", ""))
    if item:
        mine = mine.filter(pk=item)
    count = mine.update(read_at=timezone.now())
    if not item:
        messages.success(request, _("All notifications marked as read."))
    elif count:
        messages.success(request, _("Notification marked as read."))
    return redirect(back_or(request, "notifications"))


@login_required
def evidence_library(request):
    agency = current_agency_or_404(request)
    docs = (
        documents_visible_to(request.user)
        .filter(agency=agency)
        .select_related("unit")
        .prefetch_related("versions")
        .order_by("-created_at")
    )
    query = request.GET.get("q", "").strip()
    if query:
        docs = docs.filter(search_text__contains=fold(query))
    context = {"documents": docs[:200], "q": query, "can_add": can_add_document(request.user, agency)}
    return render(request, "core/evidence_library.html", context)


@login_required
def evidence_detail(request, pk: int):
    document = get_document_for_user(request.user, pk, write=request.method == "POST")
    form = VersionForm(request.POST, request.FILES) if request.method == "POST" else VersionForm()
    if form.is_valid() and _add_version(request, document, form):
        messages.success(request, _("New version saved."))
        return redirect("evidence_detail", pk=pk)
    context = {
        "document": document,
        "versions": document.versions.select_related("uploaded_by"),
        "uses": document_uses(request.user, document),
        "form": form,
        "can_change": can_change_document(request.user, document),
    }
    return render(request, "core/evidence_detail.html", context)


def _add_version(request, document, form) -> bool:
    """Stores the uploaded file as the document's next version; False (the reason on the form)
    when the file is refused."""
    upload = form.cleaned_data["file"]
    try:
        add_document_version(actor=request.user, document=document, fileobj=upload, filename=upload.name)
    except FileRejected as exc:
        form.add_error("file", str(exc))
        return False
    return True


@login_required
def evidence_file(request, pk: int):
    version = get_version_for_user(request.user, pk)
    return attachment_response(version.file.open("rb"), name=version.original_name, content_type=version.content_type)


def handle_document_upload(request, agency, unit=None):
    """Binds a DocumentForm; returns (form, document or None)."""
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    upload = form.cleaned_data.pop("file")
    try:
        document = create_document(
            actor=request.user, agency=agency, unit=unit, fileobj=upload, filename=upload.name, **form.cleaned_data
        )
    except FileRejected as exc:
        form.add_error("file", str(exc))
        return form, None
    return form, document


def _error_page(request, template: str, status: int) -> HttpResponse:
    """A 403 or 404 page that says what happened in one sentence and leads somewhere: back to the
    page the person came from (when it is one of ours and not this one) and home; a visitor who
    is not signed in gets the public portal's way out instead. The same page whatever the object:
    it never tells whether something exists."""
    staff = getattr(getattr(request, "user", None), "is_authenticated", False)
    back = back_or(request, "home") if staff else ""
    if back == reverse("home") or urlsplit(back).path == request.path:
        back = ""  # no Referer of ours, or this very page: "home" is the way out
    context = {"staff": staff, "back": back, "base": "base.html" if staff else "portal/_base.html"}
    return HttpResponse(render_to_string(template, context, request), status=status)


def permission_denied(request, exception=None):
    """handler403: "your role may not do this", with the way back."""
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    """handler404: the page does not exist (or is not the person's to see), with the way back; for a
    citizen, the portal, the dossier lookup and the procedures."""
    return _error_page(request, "404.html", 404)


def database_unavailable_response() -> HttpResponse:
    """503 with Retry-After, from a page that needs no database (no context processors)."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500. While the database is restarting or unreachable, the answer is a 503 that says
    when to try again (the browser keeps the form; a phone or a client retries) instead of an
    error (bench/faults.py). Django has logged the error with its trace either way."""
    if database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)


@login_required
def evidence_upload(request):
    agency = current_agency_or_404(request)
    if not can_add_document(request.user, agency):
        raise PermissionDenied
    form = DocumentForm()
    if request.method == "POST":
        form, document = handle_document_upload(request, agency)
        if document:
            messages.success(request, _("Evidence document saved."))
            return redirect("evidence_detail", pk=document.pk)
    return render(request, "core/evidence_upload.html", {"form": form})


def limited_login(view):
    """The log-in pages, held back (429) before any password is checked after too many failures
    from this address or, from an address the person never signed in from, for this user name
    (core.ratelimit.login_refused); django-axes locks each (user name, address) pair on its own.
    Together they stop guessing one password, spraying many accounts and a guess spread over many
    addresses, while a stranger cannot lock the leader out."""

    def wrapped(request, *args, **kwargs):
        reason = login_refused(request, request.POST.get("username", "")) if request.method == "POST" else None
        if reason:
            window = (
                settings.LOGIN_ADDRESS_WINDOW_SECONDS if reason == "address" else settings.LOGIN_USERNAME_WINDOW_SECONDS
            )
            minutes = max(1, window // 60)
            response = render(request, "registration/too_many.html", {"minutes": minutes, "reason": reason}, status=429)
            response["Retry-After"] = str(window)
            return response
        return view(request, *args, **kwargs)

    return wrapped
