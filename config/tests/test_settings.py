"""Production mode refuses to start without its secrets; DEBUG is off unless asked."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


UNSET = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "CACHE_URL"}


def load(env, show: str = "settings.DEBUG"):
    """Starts Django in a fresh process with `env` (and none of UNSET from ours); prints `show`."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    code = f"import django; django.setup(); from django.conf import settings; print({show})"
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_by_default():
    result = load({})
    assert result.returncode == 0 and result.stdout.strip() == "False"


def test_production_refuses_without_secret_key():
    result = load({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "cchc.example.vn"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_without_allowed_hosts():
    result = load({"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = load({"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "cchc.example.vn"})
    assert result.returncode == 0, result.stderr


def cache_backend(env):
    return load(env, "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]")


def test_the_cache_is_shared_by_the_app_processes_in_production():
    production = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "cchc.example.vn"}
    assert cache_backend(production).stdout.strip() == "DatabaseCache"
    assert cache_backend({}).stdout.strip() == "LocMemCache"
    wrong = cache_backend({"CACHE_URL": "memcached://x"})
    assert wrong.returncode != 0 and "CACHE_URL" in wrong.stderr
