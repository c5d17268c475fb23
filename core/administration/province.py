"""The province's administration (/administration/province/) for an administrator of its Sở Nội vụ:
the agencies of the province (communes and wards of the two-level local government included), their
administrators and the Sở's appraisers; and the working-day calendar's corrections, which are
national (one table for every province, after the Government's notices): superusers change them,
province and agency administrators read them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import (
    administered_provinces,
    can_administer_province,
    can_edit_calendar,
    can_set_home_affairs,
    can_view_administration,
    current_agency,
    get_agency_for_province_admin,
    get_visible,
    scope_for,
)
from core.administration import services
from core.administration.forms import AgencyForm, NewAdministratorForm, OverrideForm
from core.administration.views import confirmed, page
from core.models import Agency, CalendarOverride, Membership, Province, Role
from core.text import small_int


def administered_province(request: HttpRequest) -> Province:
    """The province whose administration the page shows: the current agency's when the user
    administers it, else the first they administer (any, for a superuser)."""
    if not can_administer_province(request.user):
        raise PermissionDenied
    provinces = Province.objects.order_by("name")
    if not scope_for(request.user).is_superuser:
        provinces = provinces.filter(pk__in=administered_provinces(request.user))
    agency = current_agency(request)
    found = (provinces.filter(pk=agency.province_id).first() if agency else None) or provinces.first()
    if found is None:
        raise Http404
    return found


@login_required
def province(request: HttpRequest) -> HttpResponse:
    found = administered_province(request)
    agencies = found.agencies.order_by("kind", "name")
    admins = Membership.objects.filter(agency__province=found, role=Role.ADMINISTRATOR).select_related("user")
    by_agency: dict[int, list[str]] = {}
    for row in admins.order_by("user__full_name"):
        by_agency.setdefault(row.agency_id, []).append(str(row.user))
    appraisers = (
        Membership.objects.filter(agency__province=found, agency__kind=Agency.Kind.HOME_AFFAIRS, role=Role.APPRAISER)
        .select_related("user", "agency", "unit")
        .order_by("user__full_name")
    )
    rows = [(agency, by_agency.get(agency.pk, [])) for agency in agencies]
    context = {"province": found, "rows": rows, "appraisers": appraisers}
    return page(request, "province.html", context)


@login_required
def agency_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    found = administered_province(request)
    agency = get_agency_for_province_admin(request.user, pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency, home_affairs=can_set_home_affairs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                agency = services.create_agency(actor=request.user, province=found, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(
                    request, _("Agency %(name)s created: now give it its administrator.") % {"name": agency}
                )
            else:
                services.update_agency(actor=request.user, agency=agency, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, _("Agency %(name)s saved.") % {"name": agency})
        except services.AdministrationRefused as exc:
            form.add_error("kind", str(exc))
        else:
            return redirect("administration:agency", pk=agency.pk)
    context = {"form": form, "agency": agency, "province": found}
    return page(request, "agency_form.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def agency(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency of the province, its administrators, and a new administrator (their password is
    shown once, on the answer)."""
    found = get_agency_for_province_admin(request.user, pk)
    form = NewAdministratorForm(request.POST or None, agency=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person, password = services.create_person(
            actor=request.user,  # type: ignore[arg-type]
            agency=found,
            **{k: data[k] for k in ("username", "full_name", "job_title", "email", "phone", "role", "unit")},
            password=data["password"] or None,
        )
        messages.success(request, _("%(name)s administers %(agency)s.") % {"name": person, "agency": found})
        return page(request, "password_shown.html", {"person": person, "password": password, "agency": found})
    admins = Membership.objects.filter(agency=found, role=Role.ADMINISTRATOR).select_related("user", "unit")
    context = {"agency": found, "administrators": admins.order_by("user__full_name"), "form": form}
    return page(request, "agency_detail.html", context, status=400 if form.errors else 200)


# --- the working-day calendar ---------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    if not can_view_administration(request.user):
        raise PermissionDenied
    year = small_int(request.GET.get("year", "")) or timezone.localdate().year
    year = min(max(year, 2000), 2100)
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "overrides": services.overrides_of(year),
        "editable": can_edit_calendar(request.user),
    }
    return page(request, "calendar_days.html", context)


@login_required
def override_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_edit_calendar(request.user):
        raise PermissionDenied
    override = get_visible(CalendarOverride.objects.all(), pk) if pk else None
    form = OverrideForm(request.POST or None, instance=override)
    if request.method == "POST" and form.is_valid():
        if override is None:
            override = services.add_override(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        else:
            services.update_override(actor=request.user, override=override, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Calendar day %(day)s saved.") % {"day": f"{override.date:%d/%m/%Y}"})
        return redirect(f"{_calendar_url()}?year={override.date.year}")
    context = {"form": form, "override": override}
    return page(request, "override_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def override_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    if not can_edit_calendar(request.user):
        raise PermissionDenied
    override = get_visible(CalendarOverride.objects.all(), pk)
    if confirmed(request):
        services.remove_override(actor=request.user, override=override)  # type: ignore[arg-type]
        messages.success(request, _("Calendar day %(day)s removed.") % {"day": f"{override.date:%d/%m/%Y}"})
    return redirect(f"{_calendar_url()}?year={override.date.year}")


def _calendar_url() -> str:
    return reverse("administration:calendar")
