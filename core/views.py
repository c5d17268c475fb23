import sqlite3
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import can_change_document, current_agency, document_uses, documents_visible_to, scope_for
from core.files import EXTENSIONS, FileRejected
from core.forms import DocumentForm, VersionForm
from core.models import Document, DocumentVersion
from core.services import add_document_version, create_document
from core.text import fold

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
    return redirect("plans:dashboard")


@login_required
@require_POST
def switch_agency(request):
    value = request.POST.get("agency", "")
    agency_id = int(value) if value.isdigit() else 0
    if not scope_for(request.user).can_view_agency(agency_id):
        raise Http404
    request.session["agency_id"] = agency_id
    target = request.POST.get("next", "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, None) else "/")


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "core/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


def get_document_for_user(user, pk: int, *, write: bool = False) -> Document:
    document = documents_visible_to(user).select_related("agency", "unit").filter(pk=pk).first()
    if document is None:
        raise Http404
    if write and not can_change_document(user, document):
        raise PermissionDenied
    return document


@login_required
def evidence_library(request):
    agency = current_agency(request)
    if agency is None:
        raise Http404
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
    return render(request, "core/evidence_library.html", {"documents": docs[:200], "q": query})


@login_required
def evidence_detail(request, pk: int):
    document = get_document_for_user(request.user, pk)
    form = VersionForm()
    if request.method == "POST":
        document = get_document_for_user(request.user, pk, write=True)
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                add_document_version(actor=request.user, document=document, fileobj=upload, filename=upload.name)
            except FileRejected as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("New version saved."))
                return redirect("evidence_detail", pk=pk)
    versions = document.versions.select_related("uploaded_by")
    uses = document_uses(request.user, document)
    context = {
        "document": document,
        "versions": versions,
        "uses": uses,
        "form": form,
        "can_change": can_change_document(request.user, document),
    }
    return render(request, "core/evidence_detail.html", context)


@login_required
def evidence_file(request, pk: int):
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)
    get_document_for_user(request.user, version.document_id)
    name = version.original_name
    if not name.lower().endswith(EXTENSIONS[version.content_type]):
        name += EXTENSIONS[version.content_type]
    response = FileResponse(
        version.file.open("rb"), content_type=version.content_type, as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    agency = current_agency(request)
    if agency is None:
        raise Http404
    if scope_for(request.user).is_read_only(agency.pk):
        raise PermissionDenied
    form = DocumentForm()
    if request.method == "POST":
        form, document = handle_document_upload(request, agency)
        if document:
            messages.success(request, _("Evidence document saved."))
            return redirect("evidence_detail", pk=document.pk)
    return render(request, "core/evidence_upload.html", {"form": form})


def limited_login(view):
    """The log-in page, with at most LOGIN_ADDRESS_LIMIT attempts per address in
    LOGIN_ADDRESS_WINDOW_SECONDS (all user names together); django-axes locks each user name on
    its own. Together they stop both guessing one password and spraying many accounts."""
    from core.ratelimit import address_key, over_limit

    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and over_limit(
            address_key(request, "login"), settings.LOGIN_ADDRESS_LIMIT, settings.LOGIN_ADDRESS_WINDOW_SECONDS
        ):
            minutes = max(1, settings.LOGIN_ADDRESS_WINDOW_SECONDS // 60)
            return render(request, "registration/too_many.html", {"minutes": minutes}, status=429)
        return view(request, *args, **kwargs)

    return wrapped
