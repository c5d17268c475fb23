"""The public portal: no account, only what is meant to be public (published posts, the plan's
progress as counts, the active procedure catalogue, dossier status by code, published feedback
answers, and aggregate indices with their definitions). Every page takes the agency from its
code and every object is looked up within that agency, published or active only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import style
from core.models import Agency
from core.text import fold
from core.web import linked_agency
from plans.models import PlanStatus
from portal import access, figures, services
from portal.forms import PostForm
from portal.models import Post
from procedures.models import Procedure
from procedures.selectors import normalize_code
from targets.models import Target
from targets.rollup import goal_text
from targets.selectors import Row as TargetRow
from targets.selectors import rows

NATIONAL_PORTAL = "https://dichvucong.gov.vn"
FORM_WORDS = ("mau so", "mau don", "mau to khai", "theo mau", "(mau ")


def public_parts(item: Procedure) -> list[tuple[str, str]]:
    """(title, text) of the procedure's public parts, in the order a citizen reads them."""
    return [
        (_("Dossier components"), item.documents),
        (_("Steps"), item.steps),
        (_("Where and how to submit"), item.where),
        (_("Time limit"), f"{item.limit} {item.get_limit_unit_display()}"),
        (_("Fees and charges"), item.fees),
        (_("Who is in charge"), item.responsible),
        (_("Result"), item.result),
        (_("Legal basis"), item.legal_basis),
        (_("Where to complain"), item.recourse),
    ]


def form_lines(documents: str) -> list[str]:
    """The lines of the dossier components that name a form to fill in ("Mẫu số 01", "tờ khai
    theo mẫu")."""
    return [line.strip(" -•;.") for line in documents.splitlines() if any(w in fold(line) for w in FORM_WORDS)]


def agencies(request: HttpRequest) -> HttpResponse:
    """The portal's home: the agencies, a search of every agency's procedures in use, the lookup."""
    q = request.GET.get("q", "").strip()[:200]
    found = None
    if q:
        qs = Procedure.objects.filter(active=True).select_related("agency")
        for word in fold(q).split():
            qs = qs.filter(search_text__contains=word)
        found = Paginator(qs.order_by("agency__name", "field", "code"), 30).get_page(request.GET.get("page"))
    context = {"agencies": Agency.objects.order_by("name"), "q": q, "found": found}
    return render(request, "portal/agencies.html", context)


def _indices(agency: Agency, today: dt.date) -> list[figures.Figure]:
    return figures.cached("indices", agency, today, lambda: figures.indices(agency, today))


def agency_page(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.get_public_agency(code)
    today = timezone.localdate()
    campaign = access.open_campaign(agency, today)
    context = {
        "agency": agency,
        "posts": access.published_posts(agency)[:8],
        "progress": figures.cached("progress", agency, today, lambda: figures.plan_progress(agency, today.year)),
        "indices": _indices(agency, today),
        "survey_url": reverse("survey_open", args=[campaign.open_key]) if campaign else None,
    }
    return render(request, "portal/agency.html", context)


def post(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = access.get_public_agency(code)
    item = access.get_published_post(agency, pk)
    return render(request, "portal/post.html", {"agency": agency, "post": item})


def catalogue(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's procedures in use, searchable without diacritics."""
    agency = access.get_public_agency(code)
    qs = access.active_procedures(agency)
    q = request.GET.get("q", "").strip()
    if q:
        for word in fold(q).split():
            qs = qs.filter(search_text__contains=word)
    page = Paginator(qs.order_by("field", "code"), 30).get_page(request.GET.get("page"))
    return render(request, "portal/catalogue.html", {"agency": agency, "page": page, "q": q})


def procedure(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A procedure as the citizen needs it (the parts of its publication), each text with its
    line breaks; the forms named in its documents, and where to submit online when it can be."""
    agency = access.get_public_agency(code)
    item = access.get_active_procedure(agency, pk)
    context = {
        "agency": agency,
        "item": item,
        "parts": public_parts(item),
        "forms": form_lines(item.documents),
        "online": item.online_level != "none",
        "portal_url": NATIONAL_PORTAL,
    }
    return render(request, "portal/procedure.html", context)


def dossier_lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form; a code goes to its status page in the register's form (procedures
    .selectors.normalize_code: case, spaces and dashes do not matter)."""
    code = normalize_code(request.GET.get("ma", ""))
    agency = linked_agency(request)  # from the agency's page
    if code:
        target = reverse("dossier_status", args=[code])
        return redirect(f"{target}?{urlencode({'co-quan': agency.code})}" if agency else target)
    return render(request, "portal/lookup.html", {"lookup_agency": agency})


@dataclass(frozen=True)
class PublicTarget:
    """A target the agency publishes (Target.public), as the portal shows it: plain text only,
    nothing about who entered it nor any internal link."""

    code: str
    name: str
    goal: str
    actual: str
    status: str
    status_label: str
    as_of: dt.date | None


def public_targets(agency: Agency, today: dt.date) -> tuple[int | None, list[PublicTarget]]:
    """(year, targets) of the latest plan year up to this one with published targets, read
    through targets.selectors.rows like every page. Only the targets of an issued plan whose
    value the agency has confirmed: a placeholder ("to be confirmed") is never shown to citizens
    as the agency's commitment."""
    published = Target.objects.filter(
        agency=agency, public=True, to_be_confirmed=False, plan__status=PlanStatus.ISSUED, plan__year__lte=today.year
    )
    year = published.order_by("-plan__year").values_list("plan__year", flat=True).first()
    if year is None:
        return None, []
    found = rows(published.filter(plan__year=year), today=today)
    return year, [
        PublicTarget(
            row.target.code,
            row.target.name,
            goal_text(row.target),
            _with_unit(row.actual.display, row),
            row.status,
            row.status_label,
            row.actual.as_of,
        )
        for row in found
    ]


def _with_unit(text: str, row: TargetRow) -> str:
    """A value with its unit ("12 hồ sơ", "83,78 %"); a ratio already says its percentage."""
    actual = row.actual
    if actual.value is None or actual.numerator is not None or not row.target.unit:
        return text
    return f"{text} {row.target.unit}"


def indices(request: HttpRequest, code: str) -> HttpResponse:
    agency = access.get_public_agency(code)
    today = timezone.localdate()
    year, targets = figures.cached("targets", agency, today, lambda: public_targets(agency, today))
    context = {"agency": agency, "indices": _indices(agency, today), "targets": targets, "targets_year": year}
    return render(request, "portal/indices.html", context)


# --- the Office's editor ----------------------------------------------------------------------


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    agency = access.editor_agency(request)
    return render(request, "portal/posts.html", {"posts": Post.objects.filter(agency=agency), "agency": agency})


PUBLISH = {"1": True, "0": False}  # the form's publish / take down buttons; anything else: as it is


@login_required
def edit_post(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agency = access.editor_agency(request)
    item = access.get_post_for_user(request.user, agency, pk) if pk else None
    form = PostForm(request.POST or None, instance=item)
    style(form)
    if request.method == "POST" and form.is_valid():
        publish = PUBLISH.get(request.POST.get("publish", ""))
        services.save_post(actor=request.user, agency=agency, post=form.save(commit=False), publish=publish)
        messages.success(request, _("Post saved."))
        return redirect("portal:posts")
    return render(request, "portal/post_form.html", {"form": form, "item": item})
