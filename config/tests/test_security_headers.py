"""What every response says to the browser (Content-Security-Policy without inline script, frame
and referrer policies, no sniffing), and that the production settings pass Django's deploy
checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    out = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_pages_forbid_inline_script_and_framing(client, org):
    for response in (client.get(reverse("portal_home")), client.get(reverse("login"))):
        csp = policy(response)
        assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    client.force_login(org.office)
    page = client.get(reverse("plans:dashboard")).content.decode()
    for handler in ("onchange=", "onclick=", "onsubmit=", "onload="):
        assert handler not in page


def test_no_template_carries_inline_script():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for handler in ("onchange=", "onclick=", "onsubmit=", "onload=", "javascript:"):
            assert handler not in text, (template, handler)
        for tag in text.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], (template, "inline <script>")


def test_production_settings_pass_the_deploy_checks(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cchc.langson.gov.vn",
        "SITE_URL": "https://cchc.langson.gov.vn",  # the receipts' links (cchc.W010 without it)
        "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
        "VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "EMAIL_BACKEND", "CACHE_URL"):
        env.pop(name, None)
    # what the test runner set for itself (e.g. DJANGO_ALLOW_ASYNC_UNSAFE) is not the production's
    for name in [n for n in env if n.startswith("DJANGO_") and n != "DJANGO_ENV"]:
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
