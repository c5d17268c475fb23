"""System checks of the deployment's settings (`manage.py check --deploy` and every start).

cchc.W010: the links printed on paper (the tracking QR code of Mẫu 01, the survey link) are built
from `settings.SITE_URL`; a production site whose SITE_URL is empty or names this machine
(localhost, 127.0.0.1) prints links no citizen can open."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104  (names, not a bind address)


def site_url_problem(site_url: str) -> str:
    """Why `site_url` cannot be printed on a citizen's paper, or ''."""
    url = (site_url or "").strip()
    if not url:
        return "SITE_URL is empty"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"SITE_URL ({url}) is not an http(s) address"
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        return f"SITE_URL ({url}) names this machine"
    return ""


@checks.register(checks.Tags.security, deploy=False)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """cchc.W010 when DEBUG is off and SITE_URL cannot be reached by citizens."""
    if settings.DEBUG:
        return []
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    if not problem:
        return []
    return [
        checks.Warning(
            f"{problem}: the QR codes and links printed on the receipts (Mẫu 01) would not open for citizens.",
            hint="Set SITE_URL to the public address of the site, e.g. https://dichvucong.example.gov.vn.",
            id="cchc.W010",
        )
    ]
