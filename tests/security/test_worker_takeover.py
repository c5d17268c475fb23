"""Security review L4: a report or an import left by a killed worker is taken over once its
claim's heartbeat is older than WORKER_STALE_SECONDS (2 minutes), not after 30 or 10 minutes;
long steps (a template's child process, a LibreOffice conversion, an import's parsing) beat the
heartbeat at least every WORKER_HEARTBEAT_SECONDS, so a live worker's claim is never taken."""

import datetime as dt
import io
import os
import stat
import time

from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document

from core import storage
from procedures import importing
from procedures.models import Dossier, DossierImport, Procedure
from reports import jobs, pdf, templating
from reports.models import DocumentTemplate, GeneratedFile, Report

SLOW_LOOP = "{% for i in range(3000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}x"  # a few seconds
CSV = "Mã hồ sơ,Mã TTHC,Đơn vị,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n"


def report_file(org, **state):
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm")
    item = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    GeneratedFile.objects.filter(pk=item.pk).update(**state)
    return item


def test_a_report_whose_heartbeat_stopped_two_minutes_ago_is_taken_over(org):
    item = report_file(org, state="running", started_at=timezone.now() - dt.timedelta(minutes=3), attempts=1)
    assert jobs.process_queue() == 1
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("done", 2)


def test_a_report_with_a_recent_heartbeat_is_left_to_its_worker(org):
    item = report_file(org, state="running", started_at=timezone.now() - dt.timedelta(seconds=60), attempts=1)
    assert jobs.process_queue() == 0
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("running", 1)


def _dossier_import(org, *, minutes_ago):
    Procedure.objects.create(agency=org.agency, code="1.001", name="Đăng ký", limit=5)
    text = CSV + "T-1,1.001,QLDN,1,05/01/2026 08:00:00,,processing\n"
    item = importing.save_upload(
        agency=org.agency, actor=org.office, fileobj=io.BytesIO(text.encode()), filename="t.csv"
    )
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    DossierImport.objects.filter(pk=item.pk).update(state="running", started_at=then)
    importing._write_progress(item, 0, 1)
    path = storage._local(importing.progress_name(item))
    os.utime(path, (then.timestamp(), then.timestamp()))
    return item


def test_an_import_whose_heartbeat_stopped_two_minutes_ago_is_run_again(org):
    item = _dossier_import(org, minutes_ago=3)
    assert importing.process_queue() == 1
    item.refresh_from_db()
    assert item.state == "done" and Dossier.objects.filter(code="T-1").exists()


def test_an_import_with_a_recent_heartbeat_is_left_to_its_worker(org):
    item = _dossier_import(org, minutes_ago=1)
    assert importing.process_queue() == 0
    item.refresh_from_db()
    assert item.state == "running"


def test_a_long_template_render_beats_the_heartbeat_while_the_child_works(org, settings, monkeypatch):
    # a beat at every wait of the parent (about twice a second) while the child loops for seconds
    settings.WORKER_HEARTBEAT_SECONDS = 0.2
    settings.TEMPLATE_CPU_SECONDS = 120
    document = Document()
    document.add_paragraph(SLOW_LOOP)
    buffer = io.BytesIO()
    document.save(buffer)
    template = DocumentTemplate(agency=org.agency, kind="report", name="cham.docx", sha256="x")
    template.file.save("cham.docx", ContentFile(buffer.getvalue()), save=True)
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm")
    beats = []
    real = jobs._heartbeat

    def spy(item):
        heartbeat = real(item)
        beat = heartbeat.beat

        def recorded():
            beat()
            beats.append(GeneratedFile.objects.get(pk=item.pk).started_at)

        heartbeat.beat = recorded
        return heartbeat

    monkeypatch.setattr(jobs, "_heartbeat", spy)
    item = jobs.generate(jobs.request_file(kind="report_docx", agency=org.agency, actor=org.office, report=report))
    assert item.state == "done" and item.template_used == "cham.docx"
    assert len(beats) >= 2 and beats == sorted(beats) and beats[0] < beats[-1]  # the claim's time moved


def test_a_long_libreoffice_conversion_beats_the_heartbeat(settings, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text(
        '#!/bin/sh\nsleep 3\nfor a; do out="$a"; done\nprintf "%%PDF-1.4" > "$(dirname "$out")/document.pdf"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    settings.SOFFICE = str(fake)
    calls = []
    data = pdf.docx_to_pdf(templating.sample_template("report"), on_wait=lambda: calls.append(time.monotonic()))
    assert data.startswith(b"%PDF") and len(calls) >= 2


def test_storing_a_large_file_beats_the_heartbeat(org, settings, monkeypatch):
    """A large evidence package sent to object storage may take longer than the stale window: the
    storage's reads beat the claim's heartbeat."""
    settings.WORKER_HEARTBEAT_SECONDS = 0  # a beat at every chunk read
    item = report_file(org, state="running", started_at=timezone.now() - dt.timedelta(minutes=1), attempts=1)
    item.refresh_from_db()
    beats = []
    real = jobs._heartbeat

    def spy(claimed):
        heartbeat = real(claimed)
        beat = heartbeat.beat

        def recorded():
            beat()
            beats.append(GeneratedFile.objects.get(pk=claimed.pk).started_at)

        heartbeat.beat = recorded
        return heartbeat

    monkeypatch.setattr(jobs, "_heartbeat", spy)
    jobs._store(item, "goi.zip", ContentFile(b"x" * (5 * 1024 * 1024)))
    assert item.size == 5 * 1024 * 1024 and item.file.name.endswith("goi.zip")
    assert len(beats) >= 10  # hashing and storing, a beat per megabyte chunk or more
    assert min(beats) > timezone.now() - dt.timedelta(seconds=30)  # the claim's time moved to now
