"""Stopping the worker through its systemd unit loses no work (review of issue 18, M7).

Without KillMode=mixed, systemd sends SIGTERM to every process of the unit at once: the worker
(whose handler only asks for a stop), the limited child (core.sandbox) and LibreOffice
(reports.pdf). The child then dies of that SIGTERM before the worker's next stop check. A pending
stop must win over "the child crashed": WorkerStopping (the claim is given back), never a failure
(an import marked failed and its file deleted, a template refused, a conversion attempt counted).
"""

import os
import signal
import stat
from pathlib import Path

import pytest

from core import jobs, sandbox
from reports import pdf, templating

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stop_requested():
    """The worker's SIGTERM handler has run (the stop flag is set), as when the whole control group
    gets SIGTERM; cleared again after the test."""
    jobs.request_stop()
    yield
    jobs.STOP.clear()


def killed_by_the_service_manager(*args):
    """The child's share of the group's SIGTERM (the child keeps SIGTERM's default action)."""
    os.kill(os.getpid(), signal.SIGTERM)
    while True:  # pragma: no cover  (the signal ends the process)
        pass


def streamed_then_killed(send):
    send(("rows", 1))
    killed_by_the_service_manager()


def test_a_sandboxed_child_killed_with_the_group_gives_the_work_back(stop_requested):
    with pytest.raises(jobs.WorkerStopping):
        sandbox.run_limited(killed_by_the_service_manager, cpu_seconds=20, memory_mb=256, timeout=20)


def test_a_sandboxed_child_killed_with_the_group_is_not_a_crash_for_the_caller_s_stop_check(stop_requested):
    checks = []

    def on_wait():
        checks.append(1)
        jobs.checkpoint()

    with pytest.raises(jobs.WorkerStopping):
        sandbox.run_limited(killed_by_the_service_manager, cpu_seconds=20, memory_mb=256, timeout=20, on_wait=on_wait)
    assert checks  # the caller's own stop check (and heartbeat) decided


def test_a_streaming_import_child_killed_with_the_group_gives_the_work_back(stop_requested):
    messages = sandbox.stream_limited(streamed_then_killed, cpu_seconds=20, memory_mb=256, timeout=20, context="fork")
    with pytest.raises(jobs.WorkerStopping):
        list(messages)


def test_a_child_that_crashes_without_a_stop_is_still_a_crash():
    with pytest.raises(sandbox.LimitExceeded, match="crashed"):
        sandbox.run_limited(killed_by_the_service_manager, cpu_seconds=20, memory_mb=256, timeout=20)


def fake_soffice(tmp_path: Path, settings) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nkill -TERM $$\nsleep 5\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    settings.SOFFICE = str(fake)


def test_libreoffice_killed_with_the_group_gives_the_conversion_back(settings, tmp_path, stop_requested):
    fake_soffice(tmp_path, settings)
    with pytest.raises(jobs.WorkerStopping):
        pdf.docx_to_pdf(templating.sample_template("report"), on_wait=jobs.checkpoint)


def test_libreoffice_killed_without_a_stop_is_still_a_failed_conversion(settings, tmp_path):
    fake_soffice(tmp_path, settings)
    with pytest.raises(pdf.ConversionError):
        pdf.docx_to_pdf(templating.sample_template("report"), on_wait=jobs.checkpoint)


def test_the_worker_unit_stops_only_the_worker_first():
    """systemd sends SIGTERM to the worker alone (it stops its children itself, within 10 s), and
    SIGKILL to what is left only after TimeoutStopSec."""
    unit = (ROOT / "deploy/systemd/cchc-worker.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert settings.get("KillMode") == "mixed"
    assert 10 < int(settings["TimeoutStopSec"]) <= 60
