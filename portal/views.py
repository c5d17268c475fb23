"""The public portal: no account, only what is meant to be public (published posts, the plan's
progress as counts, the active procedure catalogue, dossier status by code, published feedback
answers, and aggregate indices with their definitions). Every page takes the agency from its
code and every object is looked up within that agency, published or active only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import current_agency, scope_for
from core.forms import style
from core.models import Agency
from core.services import log_action
from core.text import fold
from portal import figures
from portal.forms import PostForm
from portal.models import Post
from procedures.models import Procedure
from surveys.models import Campaign


def agencies(request):
    return render(request, "portal/agencies.html", {"agencies": Agency.objects.order_by("name")})


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code)


def agency_page(request, code):
    agency = _agency(code)
    today = timezone.localdate()
    campaign = (
        Campaign.objects.filter(agency=agency, open_link=True, starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on")
        .first()
    )
    return render(
        request,
        "portal/agency.html",
        {
            "agency": agency,
            "posts": Post.objects.filter(agency=agency, published_at__isnull=False)[:8],
            "progress": figures.cached("progress", agency, today, lambda: figures.plan_progress(agency, today.year)),
            "indices": figures.cached("indices", agency, today, lambda: figures.indices(agency, today)),
            "survey_url": reverse("survey_open", args=[campaign.open_key]) if campaign else None,
        },
    )


def post(request, code, pk):
    agency = _agency(code)
    item = get_object_or_404(Post, pk=pk, agency=agency, published_at__isnull=False)
    return render(request, "portal/post.html", {"agency": agency, "post": item})


def catalogue(request, code):
    """The agency's procedures in use, searchable without diacritics."""
    agency = _agency(code)
    qs = Procedure.objects.filter(agency=agency, active=True)
    q = request.GET.get("q", "").strip()
    if q:
        for word in fold(q).split():
            qs = qs.filter(search_text__contains=word)
    page = Paginator(qs.order_by("field", "code"), 30).get_page(request.GET.get("page"))
    return render(request, "portal/catalogue.html", {"agency": agency, "page": page, "q": q})


def procedure(request, code, pk):
    agency = _agency(code)
    item = get_object_or_404(Procedure, pk=pk, agency=agency, active=True)
    parts = [
        (_("Where to submit"), item.where),
        (_("Who is in charge"), item.responsible),
        (_("Steps"), item.steps),
        (_("Dossier components"), item.documents),
        (_("Fees and charges"), item.fees),
        (_("Time limit"), f"{item.limit} {item.get_limit_unit_display()}"),
        (_("Result"), item.result),
        (_("Legal basis"), item.legal_basis),
        (_("Where to complain"), item.recourse),
    ]
    return render(request, "portal/procedure.html", {"agency": agency, "item": item, "parts": parts})


def dossier_lookup(request):
    code = request.GET.get("ma", "").strip()
    if code:
        return redirect("dossier_status", code=code)
    return render(request, "portal/lookup.html")


def indices(request, code):
    agency = _agency(code)
    today = timezone.localdate()
    return render(
        request,
        "portal/indices.html",
        {"agency": agency, "indices": figures.cached("indices", agency, today, lambda: figures.indices(agency, today))},
    )


# --- the Office's editor ----------------------------------------------------------------------


def _editor(request) -> Agency:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    scope = scope_for(request.user)
    if not scope.is_manager(agency.pk) or scope.is_read_only(agency.pk):
        raise PermissionDenied
    return agency


@login_required
def posts(request):
    agency = _editor(request)
    return render(request, "portal/posts.html", {"posts": Post.objects.filter(agency=agency), "agency": agency})


@login_required
def edit_post(request, pk=None):
    agency = _editor(request)
    item = get_object_or_404(Post, pk=pk, agency=agency) if pk else None
    form = PostForm(request.POST or None, instance=item)
    style(form)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.agency = agency
        saved.created_by = saved.created_by or request.user
        publish = request.POST.get("publish")
        if publish == "1" and saved.published_at is None:
            saved.published_at = timezone.now()
        elif publish == "0":
            saved.published_at = None
        saved.save()
        log_action(
            actor=request.user,
            agency=agency,
            action="post.published" if saved.published_at else "post.saved",
            obj=saved,
            note=saved.title,
        )
        messages.success(request, _("Post saved."))
        return redirect("portal:posts")
    return render(request, "portal/post_form.html", {"form": form, "item": item})
