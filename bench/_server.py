"""What the load benchmarks share: a throwaway PostgreSQL database, the app under gunicorn in a
process group, a keep-alive HTTP client with cookies, and percentiles."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def pg_url(base: str, name: str) -> str:
    return urlsplit(base)._replace(path=f"/{name}").geturl()


def recreate_database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(base, name)


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *, workers: int, threads: int):
    """The app served by gunicorn (gthread) on a free port; yields the port."""
    with gunicorn_process(env, workers=workers, threads=threads) as (port, _server):
        yield port


@contextmanager
def gunicorn_process(env: dict, *, workers: int, threads: int, log=None):
    """As gunicorn(), yielding (port, the master's Popen): its process group is the master and its
    workers, for a fault test to kill. `log`: a file for the server's output (else this one's)."""
    port = free_port()
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [
            binary,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not start")
        yield port, server
    finally:
        with contextlib.suppress(ProcessLookupError):  # killed by the fault test
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Client:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        headers["Host"] = f"127.0.0.1:{self.port}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # the server closed an idle keep-alive connection: reconnect once
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        self.last_headers = {header.lower(): value for header, value in response.getheaders()}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), data


def django_env(url: str, var_dir: str) -> dict:
    """The server's environment (DEBUG off, its own secret and VAR_DIR), also applied to this
    process, whose Django is then set up on the same database."""
    import secrets

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "VAR_DIR": var_dir,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.makedirs(os.path.join(var_dir, "static"), exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def postgres_base(script: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit(f"{script} runs on PostgreSQL: set DATABASE_URL=postgres://user@host:port/")
    return base
