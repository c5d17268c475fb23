"""API tokens: made (shown once, only the SHA-256 stored) and revoked, each audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from core.models import ApiToken, User
from core.services import log_action, save_changes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(*, actor: User | None, user: User, name: str, scope: str, days: dt.timedelta) -> tuple[str, ApiToken]:
    """A new token of `user` (the token itself, to be shown once, and its record). `actor` is who
    made it: the person themselves on their account page, None for the management command."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    record = ApiToken.objects.create(
        user=user, name=name, token_hash=token_hash(token), scope=scope, expires_at=now + days
    )
    log_action(
        actor=actor,
        agency=None,
        action="api_token.created",
        obj=record,
        changes={
            "user": [None, user.get_username()],
            "name": [None, name],
            "scope": [None, scope],
            "expires_at": [None, record.expires_at],
        },
    )
    return token, record


@transaction.atomic
def revoke_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    """The token stops working at once; the record stays for the audit trail."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        values = {"revoked_at": timezone.now()}
        save_changes(actor=actor, agency=None, action="api_token.revoked", obj=token, values=values, note=token.name)
    return token
