"""The worker's queue of files (reports.jobs): claims, stale claims taken over, a claim taken
over throws its file away, old files removed."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from core.models import AuditEntry
from reports import jobs
from reports.models import GeneratedFile, Report
from reports.tests.helpers import make_report, produce


def test_the_worker_takes_queued_files_and_requeues_stale_ones(org, tasks):
    report = make_report(org)
    old = timezone.now() - dt.timedelta(hours=2)

    def request(kind="report_xlsx", **state):
        item = jobs.request_file(kind=kind, agency=org.agency, actor=org.office, report=report)
        GeneratedFile.objects.filter(pk=item.pk).update(**state)
        return item

    queued = request()
    stale = request(kind="report_docx", state="running", started_at=old, attempts=1)
    alive = request(state="running", started_at=timezone.now(), attempts=1)  # a worker is on it now
    gave_up = request(state="running", started_at=old, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.process_queue(limit=5) == 2
    states = dict(GeneratedFile.objects.values_list("pk", "state"))
    assert (states[queued.pk], states[stale.pk], states[alive.pk], states[gave_up.pk]) == (
        "done",
        "done",
        "running",
        "failed",
    )
    assert GeneratedFile.objects.get(pk=queued.pk).attempts == 1
    assert GeneratedFile.objects.get(pk=stale.pk).attempts == 2
    assert "3" in GeneratedFile.objects.get(pk=gave_up.pk).error
    assert AuditEntry.objects.filter(action="report.file_requested").count() == 4


def test_a_worker_whose_claim_was_taken_over_discards_its_file(org, tasks, monkeypatch):
    report = make_report(org)
    item = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    claimed = jobs.claim_next()
    real = jobs.workbook.tables_workbook

    def slow(*args, **kwargs):  # meanwhile the row was taken for dead and claimed again
        GeneratedFile.objects.filter(pk=item.pk).update(attempts=claimed.attempts + 1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.workbook, "tables_workbook", slow)
    result = jobs.generate(claimed)
    assert result.state == "running" and result.file.name == ""  # the row is the other claim's
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.xlsx"))  # this claim's file was thrown away


def test_old_generated_files_are_removed_with_their_stored_file(org, settings, today):
    settings.REPORT_FILES_KEEP_DAYS = 90
    report = Report.objects.create(agency=org.agency, year=2026, kind="year", title="Báo cáo năm 2026")
    old, recent = (
        jobs.generate(jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report))
        for _ in range(2)
    )
    waiting = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    long_ago = timezone.now() - dt.timedelta(days=91)
    GeneratedFile.objects.filter(pk__in=[old.pk, waiting.pk]).update(requested_at=long_ago)
    assert default_storage.exists(old.file.name)
    assert jobs.remove_old_files(today=today) == {"removed": 1}
    assert set(GeneratedFile.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}  # not made yet: kept
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)


def test_the_worker_keeps_the_figures_with_each_file_and_freezes_a_past_report(org, tasks, dossiers):
    past = make_report(org, kind="q1")  # its cut-off, 14/03/2026, has passed
    next_year = timezone.localdate().year + 1  # its window has not ended
    running = Report.objects.create(agency=org.agency, year=next_year, kind="q1", title="Báo cáo quý I")
    for report in (past, running):
        jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=report)
    assert jobs.process_queue(limit=5) == 2
    past.refresh_from_db()
    running.refresh_from_db()
    files = {item.report_id: item for item in GeneratedFile.objects.all()}
    assert past.snapshot is not None and files[past.pk].snapshot == past.snapshot
    assert running.snapshot is None and files[running.pk].snapshot is not None
    assert AuditEntry.objects.filter(action="report.figures_frozen").count() == 1


def test_a_reports_file_name_has_no_space(org):
    item, _data = produce(org, "report_xlsx", report=make_report(org, kind="q3"))
    assert item.name.startswith("Bao_cao_CCHC_Quy_III_") and " " not in item.name
