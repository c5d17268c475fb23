"""L2: a `%0a` in the path forged a line in gunicorn's access log (the decoded path was logged as
it came). gunicorn.conf.py's logger escapes control characters, backslashes and quotes as nginx
does (`\\xHH`), and the query string (a survey link's token) still never reaches the log."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

FORGED = (  # the probe's request: a whole forged line between two newlines
    "/cong-khai/x%0a10.9.9.9%20[07/Dec/2026:20:00:00%20+0700]%20%22POST%20/admin/login/%20HTTP/1.1%22"
    "%20302%200%201ms%0a/"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_newline_in_the_path_does_not_forge_a_log_line(tmp_path):
    base = Path(settings.BASE_DIR)
    log = tmp_path / "access.log"
    port = _free_port()
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)  # the page's answer does not matter, only its log line
    server = subprocess.Popen(  # noqa: S603  (our own gunicorn)
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--access-logfile", str(log), "--error-logfile", str(tmp_path / "error.log")],
        cwd=base,
        env=env,
    )
    try:
        _get(port, FORGED)
        _get(port, "/khao-sat/?t=BI-MAT-CUA-NGUOI-DAN")
        deadline = time.monotonic() + 10
        while log.read_text().count("\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text().splitlines()
    assert len(lines) == 2, lines
    assert not any(line.startswith("10.9.9.9") for line in lines)
    assert "/cong-khai/x\\x0A10.9.9.9 [07/Dec/2026:20:00:00 +0700] \\x22POST /admin/login/" in lines[0]
    assert '"GET /khao-sat/ HTTP/1.1"' in lines[1] and "BI-MAT" not in log.read_text()
    # the survey's line has neither the client's address nor a time finer than the date
    assert lines[0].startswith("127.0.0.1 ")
    assert re.match(r'- \[\d{2}/\w{3}/\d{4}\] "GET /khao-sat/ ', lines[1]), lines[1]
