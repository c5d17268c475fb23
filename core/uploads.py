"""Checked uploads waiting for the user's confirmation (preview, then commit).

The file is kept under VAR_DIR/imports for a day; its token is bound to the session and to what it
is for (e.g. a plan, an agency's catalogue), so a token is good once, only for the person who
uploaded the file and only for that purpose.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings

SESSION_KEY = "pending_uploads"


def _directory() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def hold(request, data: bytes, *, purpose: str) -> str:
    """Keeps a checked file until the user confirms it; files older than a day are removed."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 86400
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    (directory / f"{token}.xlsx").write_bytes(data)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: purpose}
    return token


def release(request, token: str, *, purpose: str) -> bytes | None:
    """The held file when this session held it for this purpose; None otherwise. Either way the
    token is spent: a second try, or a try for another purpose, finds nothing."""
    pending = request.session.get(SESSION_KEY, {})
    if not token.isalnum() or token not in pending:
        return None
    request.session[SESSION_KEY] = {k: v for k, v in pending.items() if k != token}
    path = _directory() / f"{token}.xlsx"
    data = path.read_bytes() if pending[token] == purpose and path.exists() else None
    path.unlink(missing_ok=True)
    return data
