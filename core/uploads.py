"""Checked uploads waiting for the user's confirmation (preview, then commit).

The file is kept in the shared storage (core.storage: the confirmation may reach another app
machine than the preview did) for a day; its token is bound to the session and to what it is for
(e.g. a plan, an agency's catalogue), so a token is good once, only for the person who uploaded the
file and only for that purpose.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils import timezone

from core import storage

SESSION_KEY = "pending_uploads"
FOLDER = "held"


def _name(token: str) -> str:
    return f"{FOLDER}/{token}.xlsx"


def hold(request: HttpRequest, data: bytes, *, purpose: str) -> str:
    """Keeps a checked file until the user confirms it; files older than a day are removed."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    for old in storage.walk(FOLDER):
        touched = storage.modified(old)
        if touched is not None and touched < cutoff:
            storage.delete(old)
    token = uuid.uuid4().hex
    storage.put(_name(token), data)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: purpose}
    return token


def release(request: HttpRequest, token: str, *, purpose: str) -> bytes | None:
    """The held file when this session held it for this purpose; None otherwise. Either way the
    token is spent: a second try, or a try for another purpose, finds nothing."""
    pending = request.session.get(SESSION_KEY, {})
    if not token.isalnum() or token not in pending:
        return None
    request.session[SESSION_KEY] = {k: v for k, v in pending.items() if k != token}
    data = storage.read(_name(token)) if pending[token] == purpose else None
    storage.delete(_name(token))
    return data
