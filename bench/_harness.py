"""What every benchmark shares: its own throwaway VAR_DIR and SQLite file (unless DATABASE_URL is
set), Django set up with DEBUG off, an empty migrated database, best-of timing and the clean-up.

A benchmark imports this module before anything of Django or the project, then calls `setup()`.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = tempfile.mkdtemp(prefix="cchc-bench-")


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ["VAR_DIR"] = VAR_DIR
    os.makedirs(os.path.join(VAR_DIR, "static"), exist_ok=True)  # STATIC_ROOT: WhiteNoise does not warn
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{VAR_DIR}/bench.sqlite3"
    import django

    django.setup()


def prepare_database() -> None:
    """Lets the test client in, refuses DEBUG, migrates, and refuses a database that holds data."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from core.models import Agency

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if settings.DEBUG:
        sys.exit("DEBUG must be off for a benchmark")
    call_command("migrate", verbosity=0)
    if Agency.objects.exists():
        sys.exit("The database already holds agencies: give the benchmark an empty, throwaway database.")
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")


def best_of(fn, runs: int = 5) -> tuple[float, object]:
    """Best wall time in seconds over `runs` runs, and the result of the last one."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(main) -> None:
    """Runs a benchmark's main and always removes its VAR_DIR."""
    from django.db import connection

    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(VAR_DIR, ignore_errors=True)
