"""Security review M7: a worker sent SIGTERM in the middle of a long job stops cleanly (well within
the 10 s a service manager gives it), kills the job's child process, and gives its claim back at
once (queued again, the attempt not counted), so the next worker takes the job without waiting
for the claim to go stale. Real worker processes (manage.py run_worker) on the test database."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from docx import Document

from procedures import importing
from procedures.models import Dossier, DossierImport, Procedure
from reports import jobs
from reports.models import DocumentTemplate, GeneratedFile, Report

ROOT = Path(__file__).resolve().parents[2]
NESTED_LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}x"
GUARD_SECONDS = 30  # a generous overall guard: the assertions are on state, not on a time


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def start_worker(settings, *args: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VAR_DIR": str(settings.VAR_DIR),
        "DIGEST_HOUR": "24",  # no e-mail from the test's workers
        **env,
    }
    return subprocess.Popen(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", "run_worker", "--interval", "1", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, worker: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker ended before {what}: {worker.stdout.read().decode()}")
        time.sleep(0.2)
    stop(worker)
    pytest.fail(f"timed out waiting for {what}")


def stop(worker: subprocess.Popen) -> bool:
    """SIGTERM, then polls for the end under the guard; True if it ended by itself."""
    worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GUARD_SECONDS
    while time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.1)
    ended = worker.poll() is not None
    if not ended:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    return ended


def run_once(settings, **env: str) -> str:
    worker = start_worker(settings, "--once", **env)
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output.decode()
    return output.decode()


def test_sigterm_during_a_template_render_gives_the_report_back_to_the_queue(transactional_db, org, settings):
    document = Document()
    document.add_paragraph(NESTED_LOOP)
    buffer = io.BytesIO()
    document.save(buffer)
    template = DocumentTemplate(agency=org.agency, kind="report", name="vong-lap.docx", sha256="x")
    template.file.save("vong-lap.docx", ContentFile(buffer.getvalue()), save=True)
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm")
    item = jobs.request_file(kind="report_docx", agency=org.agency, actor=org.office, report=report)

    worker = start_worker(settings, TEMPLATE_CPU_SECONDS="600", TEMPLATE_TIMEOUT_SECONDS="900")

    def rendering():
        item.refresh_from_db()
        return item.state == "running" and item.progress >= 50

    wait_for(rendering, worker, "the template render")
    time.sleep(1)  # inside the child's loop now
    assert stop(worker), "the worker did not stop on SIGTERM"
    assert worker.returncode == 0
    item.refresh_from_db()
    assert (item.state, item.attempts, item.started_at) == ("queued", 0, None)  # the claim is given back

    run_once(settings, TEMPLATE_CPU_SECONDS="1")  # the next worker takes it at once
    item.refresh_from_db()
    assert item.state == "done" and item.attempts == 1 and "vong-lap.docx" in item.step
    assert GeneratedFile.objects.count() == 1


def test_sigterm_during_an_import_rolls_back_and_queues_it_for_the_next_worker(transactional_db, org, settings):
    rows = 20_000  # ten batches: the first progress comes long before the last batch
    Procedure.objects.create(agency=org.agency, code="K.001", name="Thủ tục kiểm tra", limit=10)
    lines = ["Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái"]
    lines += [f"K-{n:07d},K.001,QLDN,1,05/01/2026 08:{n % 60:02d}:00,,processing" for n in range(rows)]
    item = importing.save_upload(
        agency=org.agency, actor=org.office, fileobj=io.BytesIO("\n".join(lines).encode()), filename="lon.csv"
    )
    worker = start_worker(settings)
    wait_for(lambda: importing.read_progress(item).get("processed", 0) > 0, worker, "the import")
    assert stop(worker), "the worker did not stop on SIGTERM"
    item.refresh_from_db()
    assert item.state == "queued" and item.started_at is None
    assert not Dossier.objects.filter(agency=org.agency).exists()  # rolled back whole

    run_once(settings)
    item.refresh_from_db()
    assert item.state == "done", item.error
    assert Dossier.objects.filter(agency=org.agency).count() == rows
    assert DossierImport.objects.get(pk=item.pk).created == rows
