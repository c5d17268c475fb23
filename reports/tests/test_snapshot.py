"""Frozen figures (reports.jobs.report_figures, reports.services.freeze_figures and
refresh_figures): once a report's cut-off has passed, the first file made freezes its figures and
every later file says the same, whatever the registers say then; the Office may take them again
from the registers; each file keeps the figures it was made from; before the cut-off nothing is
frozen."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from core.models import AuditEntry
from plans.models import Task
from procedures.models import Dossier, Procedure
from reports import documents, jobs, outline, services, workbook
from reports.figures import Figures, collect
from reports.models import GeneratedFile, Report
from reports.tests.helpers import D, at, make_report, produce


def docx_text(data: bytes) -> list[str]:
    """Every paragraph of the document, those in its tables too, in order."""
    doc = Document(io.BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out += [cell.text for cell in row.cells]
    return out


def xlsx_cells(data: bytes) -> list[tuple[str, list[tuple]]]:
    book = load_workbook(io.BytesIO(data))
    return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]


def office_texts(report: Report) -> dict[str, str]:
    """A text for every part the Office must write, so the report's document can be made."""
    figures = collect(report.agency, report.period)
    return {
        part.key: f"Nội dung Văn phòng viết cho phần {part.key}." for part in outline.parts(figures, {}) if part.office
    }


def live_docx(report: Report) -> list[str]:
    """The report's text as the registers say now (as of its cut-off), never frozen."""
    figures = collect(report.agency, report.period)
    return docx_text(documents.report_docx(report, figures, outline.parts(figures, report.texts)))


def change_the_registers(org):
    """After the Q1 report was made: a dossier pending at the cut-off is recorded as resolved in the
    window, a dossier received in the window is entered late (its reception backdated), and a task
    is recorded as done in the window."""
    d4 = Dossier.objects.get(code="D4")
    d4.status, d4.finished_at = "finished", at(2026, 3, 5, 10)
    d4.save()
    procedure = Procedure.objects.get(agency=org.agency, code="1.001")
    Dossier.objects.create(
        agency=org.agency,
        procedure=procedure,
        procedure_code=procedure.code,
        code="D8",
        received_at=at(2026, 2, 3, 9),
        due_date=D(2026, 2, 12),
        status="processing",
        channel="online",
    )
    Task.objects.filter(code="T3").update(status="done", completed_on=D(2026, 3, 1))


@pytest.fixture
def past_report(org, tasks, dossiers):
    """The Q1 2026 report: its data window ended on 14/03/2026, so its cut-off has passed."""
    assert timezone.localdate() > D(2026, 3, 14)
    report = make_report(org, kind="q1", issued_on=D(2026, 3, 18), texts={})
    report.texts = office_texts(report)
    report.save()
    return report


def test_files_made_after_the_cut_off_say_the_same_whatever_the_registers_say_later(org, past_report):
    first, docx = produce(org, "report_docx", report=past_report)
    _sheet, xlsx = produce(org, "report_xlsx", report=past_report)
    past_report.refresh_from_db()
    assert past_report.snapshot is not None and past_report.snapshot_by == org.office
    assert past_report.snapshot_at == Figures.from_json(past_report.snapshot).taken_at
    assert first.snapshot == past_report.snapshot and _sheet.snapshot == past_report.snapshot
    entry = AuditEntry.objects.get(action="report.figures_frozen")
    assert entry.actor == org.office and "14/03/2026" in entry.note
    change_the_registers(org)
    assert live_docx(past_report) != docx_text(docx)  # the registers do say something else now
    again, docx_again = produce(org, "report_docx", report=past_report)
    _sheet, xlsx_again = produce(org, "report_xlsx", report=past_report)
    assert docx_text(docx_again) == docx_text(docx)
    assert xlsx_cells(xlsx_again) == xlsx_cells(xlsx)
    assert again.snapshot == first.snapshot
    assert AuditEntry.objects.filter(action="report.figures_frozen").count() == 1


def test_the_office_takes_the_figures_again_and_files_made_keep_theirs(org, past_report):
    first, docx = produce(org, "report_docx", report=past_report)
    change_the_registers(org)
    services.refresh_figures(actor=org.leader, report=past_report)
    past_report.refresh_from_db()
    assert (past_report.snapshot, past_report.snapshot_at, past_report.snapshot_by) == (None, None, None)
    assert AuditEntry.objects.get(action="report.figures_refreshed").actor == org.leader
    second, docx_now = produce(org, "report_docx", report=past_report)
    assert docx_text(docx_now) == live_docx(past_report) != docx_text(docx)
    past_report.refresh_from_db()
    assert past_report.snapshot == second.snapshot != first.snapshot  # frozen anew, from the registers now
    first.refresh_from_db()
    assert docx_text(documents.report_docx(past_report, Figures.from_json(first.snapshot), _parts(first))) == (
        docx_text(docx)
    )


def _parts(item: GeneratedFile):
    return outline.parts(Figures.from_json(item.snapshot), item.report.texts)


def test_each_file_keeps_the_figures_it_says(org, past_report):
    item, docx = produce(org, "report_docx", report=past_report)
    sheet, xlsx = produce(org, "report_xlsx", report=past_report)
    kept = Figures.from_json(item.snapshot)
    assert docx_text(documents.report_docx(past_report, kept, _parts(item))) == docx_text(docx)
    heading = f"{past_report.agency.name}: {past_report.title}"
    assert xlsx_cells(workbook.tables_workbook(Figures.from_json(sheet.snapshot).tables, heading)) == xlsx_cells(xlsx)
    assert kept.cutoff == D(2026, 3, 14)


def test_before_the_cut_off_files_use_provisional_figures_and_freeze_nothing(org, tasks):
    today = timezone.localdate()
    report = Report.objects.create(agency=org.agency, year=today.year + 1, kind="q1", title="Báo cáo quý I")
    assert report.period.end > today
    item, _data = produce(org, "report_xlsx", report=report)
    report.refresh_from_db()
    assert report.snapshot is None and not AuditEntry.objects.filter(action="report.figures_frozen").exists()
    assert Figures.from_json(item.snapshot).cutoff == today  # as of the day it was made


def test_figures_frozen_a_moment_before_by_another_file_stay(org, past_report):
    early = collect(org.agency, past_report.period)
    kept = services.freeze_figures(actor=org.office, report=past_report, figures=early)
    other = collect(org.agency, past_report.period, as_of=D(2026, 2, 1))
    assert services.freeze_figures(actor=org.leader, report=past_report, figures=other).to_json() == kept.to_json()
    past_report.refresh_from_db()
    assert past_report.snapshot == early.to_json() and past_report.snapshot_by == org.office
    assert AuditEntry.objects.filter(action="report.figures_frozen").count() == 1


def test_figures_not_frozen_cannot_be_taken_again(org, past_report):
    with pytest.raises(services.ReportError):
        services.refresh_figures(actor=org.office, report=past_report)
    assert not AuditEntry.objects.filter(action="report.figures_refreshed").exists()


def test_the_cut_off_has_passed_the_day_after_the_window(org):
    report = Report(agency=org.agency, year=2026, kind="q1")
    assert not services.cutoff_passed(report, D(2026, 3, 14))
    assert services.cutoff_passed(report, D(2026, 3, 15))
    assert not services.cutoff_passed(report, D(2026, 3, 14) - dt.timedelta(days=90))


def test_jobs_use_the_frozen_figures_of_the_report(org, past_report):
    frozen = collect(org.agency, past_report.period, as_of=D(2026, 1, 31))  # frozen by hand, to tell them apart
    services.freeze_figures(actor=org.office, report=past_report, figures=frozen)
    assert jobs.report_figures(past_report, actor=org.leader, today=timezone.localdate()).to_json() == frozen.to_json()
