"""The security audit trail (issue 8): log-ins, failed log-ins and log-outs, and every change to
who holds which role (memberships) or to a person's account flags (active, staff, superuser), with
who made the change when it was made through the app or the admin."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.middleware import client_address
from core.models import Agency, Membership, Role
from core.services import audit_entry

_request = threading.local()
FLAGS = ("is_active", "is_staff", "is_superuser")


class RememberActor:
    """Keeps the signed-in person of the current request, so that a membership saved in the admin
    is recorded with who saved it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.user = request.user if getattr(request, "user", None) is not None else None
        try:
            return self.get_response(request)
        finally:
            _request.user = None


def current_actor():
    user = getattr(_request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _address(request) -> str:
    if request is None:
        return ""
    return client_address(request)


def _entry(*, agency: Agency | None = None, note: str = "", **fields: Any) -> None:
    """One stored entry (core.services.audit_entry: actor, action, object_type, object_id, and
    changes when there are), the note cut to its column."""
    audit_entry(agency=agency, note=note[:500], **fields).save()


def record(request, user, action: str, *, actor=None) -> None:
    """An entry about a person's own account (second factor, recovery codes), by them unless
    another actor is given."""
    _entry(actor=actor or user, action=action, object_type="core.user", object_id=str(user.pk), note=_address(request))


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    _entry(actor=user, action="auth.login", object_type="core.user", object_id=str(user.pk), note=_address(request))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        _entry(actor=user, action="auth.logout", object_type="core.user", object_id=str(user.pk))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    _entry(
        actor=None,
        action="auth.login_failed",
        object_type="core.user",
        object_id=username[:40],
        note=f"{username} {_address(request)}".strip(),
    )


def _membership(instance: Membership) -> dict:
    return {
        "user": instance.user.get_username(),
        "agency": instance.agency.code,
        "unit": instance.unit.code if instance.unit_id else "",
        "role": instance.role,
    }


@receiver(pre_save, sender=Membership)
def membership_before(sender, instance, **kwargs):
    instance._before = (
        _membership(Membership.objects.select_related("user", "agency", "unit").get(pk=instance.pk))
        if instance.pk and Membership.objects.filter(pk=instance.pk).exists()
        else None
    )


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance, created, **kwargs):
    after = _membership(instance)
    before = getattr(instance, "_before", None)
    if before == after:
        return
    changes = {key: [before.get(key) if before else None, value] for key, value in after.items()}
    _entry(
        actor=current_actor(),
        action="access.role_granted" if created else "access.role_changed",
        object_type="core.membership",
        object_id=str(instance.pk),
        agency=instance.agency,
        changes=changes,
        note=f"{after['user']}: {Role(after['role']).label}",  # the role as the pages name it
    )


@receiver(post_delete, sender=Membership)
def membership_removed(sender, instance, **kwargs):
    before = _membership(instance)
    _entry(
        actor=current_actor(),
        action="access.role_removed",
        object_type="core.membership",
        object_id=str(instance.pk),
        agency=instance.agency,
        changes={key: [value, None] for key, value in before.items()},
        note=f"{before['user']}: {Role(before['role']).label}",
    )


@receiver(pre_save, sender=get_user_model())
def account_flags(sender, instance, **kwargs):
    if not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values(*FLAGS).first()
    if old is None:
        return
    changes = {flag: [old[flag], getattr(instance, flag)] for flag in FLAGS if old[flag] != getattr(instance, flag)}
    if changes:
        _entry(
            actor=current_actor(),
            action="access.account_changed",
            object_type="core.user",
            object_id=str(instance.pk),
            changes=changes,
            note=instance.get_username(),
        )
