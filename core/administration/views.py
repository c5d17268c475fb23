"""The agency's administration pages (/administration/): people and their roles, units (with the
short names documents' tables use), signers and the agency's name in its documents' header,
notification settings and API accounts, for the agency's administrator (core.access.can_administer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import (
    administered_agency,
    can_administer_province,
    can_edit_calendar,
    get_integration_account_for_admin,
    get_person_for_admin,
    get_visible,
)
from core.administration import selectors, services
from core.administration.forms import (
    ConfirmForm,
    IntegrationAccountForm,
    LetterheadForm,
    NewPersonForm,
    PersonForm,
    RoleForm,
    SignerForm,
    TokenForm,
    UnitForm,
)
from core.models import Membership, Role, Signer, Unit
from core.nd30 import issuing_bodies
from core.tokens import create_token, revoke_token
from core.web import refuses_politely


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A page of the area (the side menu marks it), status 400 when a form was refused."""
    context = {"active_area": "administration", "province_admin": can_administer_province(request.user), **context}
    return render(request, f"core/administration/{template}", context, status=status)


def confirmed(request: HttpRequest) -> bool:
    """An irreversible step was confirmed (the "I confirm" box); otherwise says so."""
    if ConfirmForm(request.POST).is_valid():
        return True
    messages.error(request, _("Tick “I confirm” to go ahead."))
    return False


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    context = {
        "agency": agency,
        "counts": selectors.overview_counts(agency),
        "province": can_administer_province(request.user),
        "calendar_editable": can_edit_calendar(request.user),
    }
    return page(request, "overview.html", context)


# --- people -----------------------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    rows = selectors.people_with_roles(agency)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(full_name__icontains=query) | rows.filter(username__icontains=query)
    return page(request, "people.html", {"agency": agency, "people": rows, "q": query})


@login_required
@never_cache
def person_create(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    form = NewPersonForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person, password = services.create_person(
            actor=request.user,  # type: ignore[arg-type]  # login_required: a User
            agency=agency,
            **{k: data[k] for k in ("username", "full_name", "job_title", "email", "phone", "role", "unit")},
            password=data["password"] or None,
        )
        messages.success(
            request, _("%(name)s can now sign in as %(username)s.") % {"name": person, "username": person.username}
        )
        context = {"person": person, "password": password, "typed": bool(data["password"])}
        return page(request, "password_shown.html", context)
    return page(request, "person_form.html", {"form": form, "agency": agency}, status=400 if form.errors else 200)


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    roles = (
        found.memberships.select_related("unit", "agency")
        .exclude(role=Role.INTEGRATION)
        .order_by("agency__name", "role")
    )
    context = {
        "agency": agency,
        "person": found,
        "roles": [m for m in roles if m.agency_id == agency.pk],
        "elsewhere": [m for m in roles if m.agency_id != agency.pk],
        "role_form": RoleForm(agency=agency),
        "history": selectors.person_history(found, agency),
        "is_me": found.pk == request.user.pk,
        "account_refusal": services.account_refusal(request.user, found),  # type: ignore[arg-type]
    }
    return page(request, "person_detail.html", context)


def _back_to_person(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("administration:person", kwargs={"pk": kwargs["pk"]})


@login_required
@refuses_politely(_back_to_person, referer=False)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    services.check_account(actor=request.user, person=found)  # type: ignore[arg-type]
    form = PersonForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        services.update_person(actor=request.user, agency=agency, person=found, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Details of %(name)s saved.") % {"name": found})
        return redirect("administration:person", pk=found.pk)
    found.refresh_from_db()  # the page's title shows the saved name, the form what was typed
    return page(request, "person_edit.html", {"form": form, "person": found}, status=400 if form.errors else 200)


@login_required
@require_POST
@refuses_politely(_back_to_person)
def role_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    form = RoleForm(request.POST, agency=agency)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("administration:person", pk=found.pk)
    membership = services.add_role(actor=request.user, agency=agency, person=found, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("Role given: %(role)s.") % {"role": membership.get_role_display()})
    return redirect("administration:person", pk=found.pk)


@login_required
@require_POST
@refuses_politely(_back_to_person)
def role_remove(request: HttpRequest, pk: int, membership: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    held = get_visible(Membership.objects.filter(user=found, agency=agency).exclude(role=Role.INTEGRATION), membership)
    services.remove_role(actor=request.user, agency=agency, membership=held)  # type: ignore[arg-type]
    messages.success(request, _("Role removed: %(role)s.") % {"role": held.get_role_display()})
    return redirect("administration:person", pk=found.pk)


@login_required
@require_POST
@refuses_politely(_back_to_person)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    services.deactivate_person(actor=request.user, agency=agency, person=found)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s can no longer sign in. Their work and history stay.") % {"name": found})
    return redirect("administration:person", pk=found.pk)


@login_required
@require_POST
@refuses_politely(_back_to_person)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    services.reactivate_person(actor=request.user, agency=agency, person=found)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s can sign in again.") % {"name": found})
    return redirect("administration:person", pk=found.pk)


@login_required
@require_POST
@never_cache
@refuses_politely(_back_to_person)
def password_reset(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    if not confirmed(request):
        return redirect("administration:person", pk=found.pk)
    password = services.reset_password(actor=request.user, agency=agency, person=found)  # type: ignore[arg-type]
    messages.success(request, _("A temporary password was made for %(name)s.") % {"name": found})
    return page(request, "password_shown.html", {"person": found, "password": password, "reset": True})


@login_required
@require_POST
@refuses_politely(_back_to_person)
def second_factor_reset(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    if confirmed(request):
        if services.reset_second_factor(actor=request.user, agency=agency, person=found):  # type: ignore[arg-type]
            messages.success(request, _("The second factor of %(name)s was removed.") % {"name": found})
        else:
            messages.info(request, _("%(name)s had no second factor.") % {"name": found})
    return redirect("administration:person", pk=found.pk)


# --- units ----------------------------------------------------------------------------------------


@login_required
def units(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    rows = agency.units.select_related("parent").order_by("order", "name")
    return page(request, "unit_list.html", {"agency": agency, "units": rows})


@login_required
def unit_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agency = administered_agency(request)
    unit = get_visible(agency.units.all(), pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            if unit is None:
                unit = services.create_unit(actor=request.user, agency=agency, **form.cleaned_data)  # type: ignore[arg-type]
            else:
                services.update_unit(actor=request.user, agency=agency, unit=unit, **form.cleaned_data)  # type: ignore[arg-type]
        except services.AdministrationRefused as exc:
            form.add_error("parent", str(exc))
        else:
            messages.success(request, _("Unit %(name)s saved.") % {"name": unit.name})
            return redirect("administration:units")
    context = {"form": form, "unit": unit, "agency": agency}
    return page(request, "unit_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@refuses_politely("administration:units")
def unit_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    agency = administered_agency(request)
    unit: Unit = get_visible(agency.units.all(), pk)
    if confirmed(request):
        services.delete_unit(actor=request.user, agency=agency, unit=unit)  # type: ignore[arg-type]
        messages.success(request, _("Unit %(name)s deleted.") % {"name": unit.name})
    return redirect("administration:units")


# --- signers --------------------------------------------------------------------------------------


@login_required
def signers(request: HttpRequest) -> HttpResponse:
    """Who signs each kind of document, and the agency's name as the header of its documents
    prints it (the letterhead form posts here)."""
    agency = administered_agency(request)
    form = LetterheadForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        services.update_agency(actor=request.user, agency=agency, letterhead=form.cleaned_data["letterhead"])  # type: ignore[arg-type]
        messages.success(request, _("The name in the document header is saved."))
        return redirect("administration:signers")
    rows = Signer.objects.filter(agency=agency).order_by("use", "-active", "order", "pk")
    by_use = [(label, [s for s in rows if s.use == use]) for use, label in Signer.Use.choices]
    parent_body, _issuing_body = issuing_bodies(agency)
    context = {"agency": agency, "by_use": by_use, "form": form, "parent_body": parent_body}
    return page(request, "signers.html", context, status=400 if form.errors else 200)


@login_required
def signer_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agency = administered_agency(request)
    signer = get_visible(Signer.objects.filter(agency=agency), pk) if pk else None
    # a new signer may come with its use from the overview's link; an edit keeps the saved one
    initial = {"use": request.GET["use"]} if signer is None and request.GET.get("use") else None
    form = SignerForm(request.POST or None, instance=signer, initial=initial)
    if request.method == "POST" and form.is_valid():
        if signer is None:
            signer = services.create_signer(actor=request.user, agency=agency, **form.cleaned_data)  # type: ignore[arg-type]
        else:
            services.update_signer(actor=request.user, agency=agency, signer=signer, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Signer %(name)s saved.") % {"name": signer})
        return redirect("administration:signers")
    context = {"form": form, "signer": signer, "agency": agency}
    return page(request, "signer_form.html", context, status=400 if form.errors else 200)


def _signer_active(request: HttpRequest, pk: int, active: bool) -> HttpResponseBase:
    agency = administered_agency(request)
    signer = get_visible(Signer.objects.filter(agency=agency), pk)
    services.update_signer(actor=request.user, agency=agency, signer=signer, active=active)  # type: ignore[arg-type]
    text = _("%(name)s signs again.") if active else _("%(name)s no longer signs; the next active signer does.")
    messages.success(request, text % {"name": signer})
    return redirect("administration:signers")


@login_required
@require_POST
def signer_deactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _signer_active(request, pk, False)


@login_required
@require_POST
def signer_reactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _signer_active(request, pk, True)


# --- notifications --------------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    reminders, receivers = selectors.reminders(), selectors.receivers_by_role(agency)
    reminded = {role for reminder in reminders for role in reminder.roles}
    context = {
        "agency": agency,
        "people": selectors.people_with_roles(agency).filter(is_active=True),
        "reminders": [(r, [Role(role).label for role in r.roles]) for r in reminders],
        "holders": [(Role(role).label, people) for role, people in receivers.items() if role in reminded],
    }
    return page(request, "notifications.html", context)


def _digest(request: HttpRequest, pk: int, on: bool) -> HttpResponseBase:
    agency = administered_agency(request)
    found = get_person_for_admin(request.user, agency, pk)
    services.set_digest(actor=request.user, agency=agency, person=found, on=on)  # type: ignore[arg-type]
    text = (
        _("%(name)s will receive the daily e-mail.") if on else _("%(name)s will no longer receive the daily e-mail.")
    )
    messages.success(request, text % {"name": found})
    return redirect("administration:notifications")


@login_required
@require_POST
def digest_on(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _digest(request, pk, True)


@login_required
@require_POST
def digest_off(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _digest(request, pk, False)


# --- API accounts ---------------------------------------------------------------------------------


@login_required
def api_accounts(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request)
    accounts = selectors.integration_accounts(agency)
    form = IntegrationAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.create_integration_account(actor=request.user, agency=agency, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("API account %(name)s created: issue it a token.") % {"name": account.username})
        return redirect("administration:api_account", pk=account.pk)
    context = {"agency": agency, "accounts": accounts, "form": form}
    return page(request, "api_accounts.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def api_account(request: HttpRequest, pk: int) -> HttpResponse:
    """An integration account's tokens, and a new one (shown once, on this answer only)."""
    agency = administered_agency(request)
    account = get_integration_account_for_admin(request.user, agency, pk)
    form, made = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made, _record = create_token(
            actor=request.user,  # type: ignore[arg-type]
            user=account,
            name=data["name"],
            scope=data["scope"],
            days=dt.timedelta(days=data["days"]),
        )
        messages.success(request, _("Token “%(name)s” issued.") % {"name": data["name"]})
        form = TokenForm()
    context = {"agency": agency, "account": account, "tokens": account.api_tokens.all(), "form": form, "made": made}
    return page(request, "api_account.html", context | {"now": timezone.now()}, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token: int) -> HttpResponseBase:
    agency = administered_agency(request)
    account = get_integration_account_for_admin(request.user, agency, pk)
    found = get_visible(account.api_tokens.all(), token)
    if confirmed(request):
        revoke_token(actor=request.user, token=found)  # type: ignore[arg-type]
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": found.name})
    return redirect("administration:api_account", pk=account.pk)
