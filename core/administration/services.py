"""Changes made in the administration area: keyword-only, each in one transaction, each audited
(`log_action` with the values before and after).

A role granted or removed is recorded by core.security_audit's signals, with the person who made
it and the agency (`access.role_granted`, `access.role_removed`, a Membership saved or deleted), and
is not logged a second time here. A person's account switched off or on and a second factor removed
are recorded there too, but in no agency's trail (`access.account_changed`,
`auth.second_factor_reset`): the services below add one entry in the agency's trail
(`person.deactivated`, `person.reactivated`, `person.second_factor_removed`), as they do for a
temporary password (`person.password_reset`).

A person's account (password, second factor, active or not, name and contact details) is one for
every agency they work in: it is changed here only by someone who administers all of them
(core.access.can_keep_account); roles are given and taken back per agency.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from core.access import AGENCY_WIDE_ROLES, can_keep_account, can_set_home_affairs
from core.models import Agency, AuditEntry, CalendarOverride, Membership, Province, Role, Signer, Unit, User
from core.services import StepRefused, diff, log_action

PERSON_FIELDS = ("username", "full_name", "job_title", "email", "phone")
UNIT_FIELDS = ("code", "name", "short_name", "kind", "parent", "is_office", "order")
SIGNER_FIELDS = ("use", "authority", "title", "name", "order", "active")
OVERRIDE_FIELDS = ("date", "kind", "name", "legal_ref")
AGENCY_FIELDS = ("code", "name", "short_name", "kind", "symbol", "electronic_id", "parent_body", "letterhead", "phone")
UNIT_ROLES = (Role.OFFICER, Role.UNIT_HEAD)  # these work in a unit: never agency-wide


class AdministrationRefused(StepRefused):
    """A change the administration area does not make (the message says why, in Vietnamese)."""


def _values(obj: Model, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields' values, a related object (a parent unit) by its name as people know it."""
    values = {name: getattr(obj, name) for name in names}
    return {name: str(value) if isinstance(value, Model) else value for name, value in values.items()}


def _update(obj: Model, names: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[Any]]:
    """Sets the named `values` on `obj`, saves them, and returns what changed (for the audit). The
    values before are the stored ones: a model form has already set the new ones on its instance."""
    stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk else None
    before = _values(stored, names) if stored is not None else dict.fromkeys(names)
    for name in names:
        if name in values:
            setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return diff(before, _values(obj, names))


# --- passwords ------------------------------------------------------------------------------------

_LOWER = "abcdefghijkmnpqrstuvwxyz"  # no l, o: read aloud or copied from a screen without doubt
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"


def temporary_password() -> str:
    """A password to hand over once (e.g. "Kmq4-xT7p-Wbn2"): three groups of four from an alphabet
    without look-alike characters, with both cases, a digit and the hyphens, so it passes the
    password rules (core.passwords) whatever the person's name."""
    while True:
        groups = []
        for _group in range(3):
            chars = [secrets.choice(_UPPER), secrets.choice(_DIGITS)] + [secrets.choice(_LOWER) for _ in range(2)]
            secrets.SystemRandom().shuffle(chars)
            groups.append("".join(chars))
        password = "-".join(groups)
        if all(any(c in s for c in password) for s in (_LOWER, _UPPER, _DIGITS, string.punctuation)):
            return password


# --- people ---------------------------------------------------------------------------------------


def _check_role(*, agency: Agency, role: str, unit: Unit | None) -> None:
    if role not in Role.values or role == Role.INTEGRATION:
        raise AdministrationRefused(_("This role cannot be given here."))
    if unit is not None and unit.agency_id != agency.pk:
        raise AdministrationRefused(_("Roles are given only in units of your own agency."))
    if unit is None and role in UNIT_ROLES:
        raise AdministrationRefused(_("An officer or a unit head works in a unit: choose the unit."))
    if unit is not None and role in AGENCY_WIDE_ROLES:
        raise AdministrationRefused(agency_wide_message())


def agency_wide_message() -> str:
    """An agency-wide role (core.access.AGENCY_WIDE_ROLES) given in a unit: refused here and in RoleForm."""
    return _(
        "An administrator, a leader, the Office focal point, an auditor or an appraiser acts for the whole"
        " agency: leave the unit empty."
    )


def account_refusal(actor: User | None, person: User) -> str:
    """Why `actor` may not change the person's account (password, second factor, active or not,
    details), '' when they may (core.access.can_keep_account). A command (no actor) is the
    operator's and may."""
    if actor is None or can_keep_account(actor, person):
        return ""
    if person.is_superuser or person.is_staff:
        return _(
            "This is a system operator's account (staff or superuser): it is kept by the system administrators,"
            " not in an agency's administration."
        )
    return _(
        "This person also holds a role in an agency you do not administer: changing their password, second"
        " factor, activation or details is done by a system administrator."
    )


def check_account(*, actor: User | None, person: User) -> None:
    """Refuses (AdministrationRefused) a change of the person's account the actor may not make."""
    refusal = account_refusal(actor, person)
    if refusal:
        raise AdministrationRefused(refusal)


@transaction.atomic
def create_person(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    full_name: str,
    role: str,
    unit: Unit | None = None,
    job_title: str = "",
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """A new person of the agency with one role (more are added on their page), and the password
    they sign in with first (the one typed, or a temporary one made here, to be shown once): they
    must choose their own at that first log-in."""
    _check_role(agency=agency, role=role, unit=unit)
    if User.objects.filter(username__iexact=username).exists():
        raise AdministrationRefused(_("The user name %(name)s is taken.") % {"name": username})
    person = User(username=username, full_name=full_name, job_title=job_title, email=email, phone=phone)
    given = password or temporary_password()
    validate_password(given, user=person)
    person.set_password(given)
    person.must_change_password = True
    person.save()
    Membership.objects.create(user=person, agency=agency, unit=unit, role=role)
    changes = {name: [None, value] for name, value in _values(person, PERSON_FIELDS).items() if value}
    log_action(actor=actor, agency=agency, action="person.created", obj=person, changes=changes)
    return person, given


@transaction.atomic
def update_person(*, actor: User | None, agency: Agency, person: User, **values: Any) -> User:
    """Changes the person's name, job title and contact details (not the user name)."""
    check_account(actor=actor, person=person)
    changes = _update(person, PERSON_FIELDS[1:], values)
    if changes:
        log_action(actor=actor, agency=agency, action="person.updated", obj=person, changes=changes)
    return person


@transaction.atomic
def deactivate_person(*, actor: User | None, agency: Agency, person: User) -> User:
    """The person can no longer sign in (their sessions end, their API tokens stop working); their
    tasks, dossiers and history stay as they are. Never a deletion."""
    if actor is not None and person.pk == actor.pk:
        raise AdministrationRefused(_("You cannot deactivate your own account."))
    check_account(actor=actor, person=person)
    if person.is_active:
        _set_active(actor=actor, agency=agency, person=person, on=False)
    return person


@transaction.atomic
def reactivate_person(*, actor: User | None, agency: Agency, person: User) -> User:
    """The person signs in again: only by someone who may keep the account, and never over a system
    operator's decision (an account a superuser or staff member switched off)."""
    check_account(actor=actor, person=person)
    if not person.is_active:
        decider = _deactivated_by(person)
        if decider is not None and (decider.is_superuser or decider.is_staff) and not _is_operator(actor):
            raise AdministrationRefused(
                _("A system administrator deactivated this account: only a system administrator reactivates it.")
            )
        _set_active(actor=actor, agency=agency, person=person, on=True)
    return person


def _is_operator(actor: User | None) -> bool:
    return actor is None or actor.is_superuser


def _deactivated_by(person: User) -> User | None:
    """Who last switched the account off, as core.security_audit recorded it (None: unknown)."""
    entries = AuditEntry.objects.filter(
        object_type="core.user", object_id=str(person.pk), action="access.account_changed"
    ).select_related("actor")
    for entry in entries.order_by("-pk")[:50]:
        if (entry.changes or {}).get("is_active") == [True, False]:
            return entry.actor
    return None


def _set_active(*, actor: User | None, agency: Agency, person: User, on: bool) -> None:
    """Switches the account on or off: core.security_audit records it for the account
    (access.account_changed, no agency), this entry in the agency's trail."""
    person.is_active = on
    person.save(update_fields=["is_active"])
    action = "person.reactivated" if on else "person.deactivated"
    log_action(actor=actor, agency=agency, action=action, obj=person, changes={"is_active": [not on, on]})


@transaction.atomic
def reset_password(*, actor: User | None, agency: Agency, person: User) -> str:
    """A new temporary password (returned, to be shown once); the old one stops working, so do the
    person's sessions, and they must choose their own at the next log-in."""
    if actor is not None and person.pk == actor.pk:
        raise AdministrationRefused(_("Change your own password on your account page."))
    check_account(actor=actor, person=person)
    password = temporary_password()
    person.set_password(password)
    before = person.must_change_password
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    log_action(
        actor=actor,
        agency=agency,
        action="person.password_reset",
        obj=person,
        changes={"must_change_password": [before, True]},
    )
    return password


@transaction.atomic
def password_chosen(*, person: User) -> None:
    """The person chose their own password after a reset: the requirement is lifted."""
    if person.must_change_password:
        person.must_change_password = False
        person.save(update_fields=["must_change_password"])
        log_action(
            actor=person,
            agency=None,
            action="person.password_changed",
            obj=person,
            changes={"must_change_password": [True, False]},
        )


@transaction.atomic
def reset_second_factor(*, actor: User | None, agency: Agency, person: User) -> bool:
    """Removes the person's authenticator and recovery codes (a lost phone): they sign in with the
    password alone and may turn the factor on again. False when there was none. Recorded as
    `auth.second_factor_reset` by core.two_factor for the account, and once in the agency's trail."""
    check_account(actor=actor, person=person)
    had: bool = TOTPDevice.objects.filter(user=person).exists()
    for device in TOTPDevice.objects.filter(user=person):
        device.delete()  # one by one: core.two_factor's signal records each removal
    StaticDevice.objects.filter(user=person).delete()
    if had:
        changes = {"second_factor": [True, False]}
        log_action(actor=actor, agency=agency, action="person.second_factor_removed", obj=person, changes=changes)
    return had


@transaction.atomic
def set_digest(*, actor: User | None, agency: Agency, person: User, on: bool) -> User:
    """Whether the person receives the daily e-mail digest of their notifications."""
    if person.email_digest != on:
        changes = {"email_digest": [person.email_digest, on]}
        person.email_digest = on
        person.save(update_fields=["email_digest"])
        log_action(actor=actor, agency=agency, action="person.digest_changed", obj=person, changes=changes)
    return person


@transaction.atomic
def add_role(*, actor: User | None, agency: Agency, person: User, role: str, unit: Unit | None) -> Membership:
    """Gives the person a role in the agency, agency-wide or in one unit (audited by
    core.security_audit as access.role_granted)."""
    _check_role(agency=agency, role=role, unit=unit)
    if Membership.objects.filter(user=person, agency=agency, unit=unit, role=role).exists():
        raise AdministrationRefused(_("This person already holds this role there."))
    return Membership.objects.create(user=person, agency=agency, unit=unit, role=role)


@transaction.atomic
def remove_role(*, actor: User | None, agency: Agency, membership: Membership) -> None:
    """Takes a role back (audited as access.role_removed). An administrator keeps their own last
    administrator role; a person keeps at least one role in the agency unless they work in another
    (deactivate the account instead: their history stays)."""
    if membership.agency_id != agency.pk or membership.role == Role.INTEGRATION:
        raise AdministrationRefused(_("This role cannot be changed here."))
    mine = Membership.objects.filter(user_id=membership.user_id, agency=agency).exclude(pk=membership.pk)
    if (
        actor is not None
        and membership.user_id == actor.pk
        and membership.role == Role.ADMINISTRATOR
        and not mine.filter(role=Role.ADMINISTRATOR).exists()
    ):
        raise AdministrationRefused(_("You cannot remove your own last administrator role."))
    elsewhere = Membership.objects.filter(user_id=membership.user_id).exclude(agency=agency).exists()
    if not mine.exists() and not elsewhere:
        raise AdministrationRefused(
            _("This is the person's last role. Deactivate the account instead: their work and history stay.")
        )
    membership.delete()


# --- units ----------------------------------------------------------------------------------------


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    seen = parent
    while seen is not None:
        if seen.pk == unit.pk and unit.pk is not None:
            raise AdministrationRefused(_("A unit cannot be placed under itself or under one of its own units."))
        seen = seen.parent
    if parent is not None and parent.agency_id != unit.agency_id:
        raise AdministrationRefused(_("The parent unit must belong to the same agency."))


@transaction.atomic
def create_unit(*, actor: User | None, agency: Agency, **values: Any) -> Unit:
    unit = Unit(agency=agency)
    _check_parent(unit, values.get("parent"))
    changes = _update(unit, UNIT_FIELDS, values)
    log_action(actor=actor, agency=agency, action="units.created", obj=unit, changes=changes)
    return unit


@transaction.atomic
def update_unit(*, actor: User | None, agency: Agency, unit: Unit, **values: Any) -> Unit:
    _check_parent(unit, values.get("parent", unit.parent))
    changes = _update(unit, UNIT_FIELDS, values)
    if changes:
        log_action(actor=actor, agency=agency, action="units.updated", obj=unit, changes=changes)
    return unit


def unit_uses(unit: Unit) -> list[tuple[str, int]]:
    """What refers to the unit (roles, sub-units, tasks, dossiers, documents...), as (what, how
    many) for each kind with any: a unit in use is never deleted."""
    uses = []
    for relation in unit._meta.related_objects:  # foreign keys and many-to-many fields alike
        count = relation.related_model._base_manager.filter(**{relation.field.name: unit}).count()
        if count:
            uses.append((str(relation.related_model._meta.verbose_name_plural), count))
    return uses


@transaction.atomic
def delete_unit(*, actor: User | None, agency: Agency, unit: Unit) -> None:
    """Deletes a unit nothing refers to (a unit made by mistake); a unit in use is refused, with
    what uses it."""
    uses = unit_uses(unit)
    if uses:
        listed = ", ".join(f"{what}: {count}" for what, count in uses)
        raise AdministrationRefused(
            _("The unit %(unit)s is in use and cannot be deleted (%(uses)s).") % {"unit": unit.name, "uses": listed}
        )
    changes = {name: [value, None] for name, value in _values(unit, UNIT_FIELDS).items()}
    log_action(actor=actor, agency=agency, action="units.deleted", obj=unit, changes=changes, note=unit.name)
    unit.delete()


# --- signers --------------------------------------------------------------------------------------


@transaction.atomic
def create_signer(*, actor: User | None, agency: Agency, **values: Any) -> Signer:
    signer = Signer(agency=agency)
    changes = _update(signer, SIGNER_FIELDS, values)
    log_action(actor=actor, agency=agency, action="signer.created", obj=signer, changes=changes)
    return signer


@transaction.atomic
def update_signer(*, actor: User | None, agency: Agency, signer: Signer, **values: Any) -> Signer:
    changes = _update(signer, SIGNER_FIELDS, values)
    if changes:
        log_action(actor=actor, agency=agency, action="signer.updated", obj=signer, changes=changes)
    return signer


# --- the working-day calendar (province-wide) -----------------------------------------------------
# core.services.load_calendar reads the overrides on every call and builds a new calendar as soon as
# they differ from the ones it was built from: a change here reaches the next due date computed.


@transaction.atomic
def add_override(*, actor: User | None, **values: Any) -> CalendarOverride:
    override = CalendarOverride()
    changes = _update(override, OVERRIDE_FIELDS, values)
    log_action(actor=actor, agency=None, action="working_calendar.day_added", obj=override, changes=changes)
    return override


@transaction.atomic
def update_override(*, actor: User | None, override: CalendarOverride, **values: Any) -> CalendarOverride:
    changes = _update(override, OVERRIDE_FIELDS, values)
    if changes:
        log_action(actor=actor, agency=None, action="working_calendar.day_changed", obj=override, changes=changes)
    return override


@transaction.atomic
def remove_override(*, actor: User | None, override: CalendarOverride) -> None:
    changes = {name: [value, None] for name, value in _values(override, OVERRIDE_FIELDS).items()}
    log_action(
        actor=actor,
        agency=None,
        action="working_calendar.day_removed",
        obj=override,
        changes=changes,
        note=str(override),
    )
    override.delete()


def overrides_of(year: int) -> list[CalendarOverride]:
    return list(CalendarOverride.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)))


# --- API accounts ---------------------------------------------------------------------------------


@transaction.atomic
def create_integration_account(*, actor: User | None, agency: Agency, username: str, full_name: str) -> User:
    """The account of a system that uses the agency's API (the provincial one-stop system): it never
    signs in to the pages (no usable password; core.auth), it works with the tokens issued to it."""
    if User.objects.filter(username__iexact=username).exists():
        raise AdministrationRefused(_("The user name %(name)s is taken.") % {"name": username})
    account = User(username=username, full_name=full_name)
    account.set_unusable_password()
    account.save()
    Membership.objects.create(user=account, agency=agency, role=Role.INTEGRATION)
    changes = {"username": [None, username], "full_name": [None, full_name]}
    log_action(actor=actor, agency=agency, action="integration.created", obj=account, changes=changes)
    return account


# --- the province ---------------------------------------------------------------------------------


def _check_kind(*, actor: User | None, before: str | None, after: str | None) -> None:
    """The Sở Nội vụ kind makes the agency's administrators the province's: only a superuser (or a
    command) gives it or takes it away."""
    allowed = actor is None or can_set_home_affairs(actor)
    if before != after and Agency.Kind.HOME_AFFAIRS in (before, after) and not allowed:
        raise AdministrationRefused(
            _(
                "Only a system administrator makes an agency the Department of Home Affairs or changes that kind:"
                " its administrators administer the whole province."
            )
        )


@transaction.atomic
def create_agency(*, actor: User | None, province: Province, **values: Any) -> Agency:
    _check_kind(actor=actor, before=None, after=values.get("kind", Agency.Kind.DEPARTMENT))
    agency = Agency(province=province)
    changes = _update(agency, AGENCY_FIELDS, values)
    log_action(actor=actor, agency=agency, action="agencies.created", obj=agency, changes=changes)
    return agency


@transaction.atomic
def update_agency(*, actor: User | None, agency: Agency, **values: Any) -> Agency:
    stored = Agency.objects.filter(pk=agency.pk).values_list("kind", flat=True).first()
    _check_kind(actor=actor, before=stored, after=values.get("kind", stored))
    changes = _update(agency, AGENCY_FIELDS, values)
    if changes:
        log_action(actor=actor, agency=agency, action="agencies.updated", obj=agency, changes=changes)
    return agency
