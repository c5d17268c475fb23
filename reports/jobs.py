"""Generating files in the worker: a request is a GeneratedFile row (queued); the worker claims it,
reports its progress in the row (the page polls it), stores the file and says who asked for it
and when.

Each claim has a number (attempts). Progress reports refresh the claim's time (its heartbeat),
and so does the wait on a template's child process or on LibreOffice, at least every
WORKER_HEARTBEAT_SECONDS; a row whose claim has not moved for WORKER_STALE_SECONDS (a worker that
died) is queued again, up to MAX_ATTEMPTS claims, then marked failed. A worker whose claim was
taken over throws its result away: only the current claim may finish the row. A worker asked to
stop gives its claim back (queued, the attempt not counted) at the next step.

A report's file is made from one set of figures (reports.figures): the report's frozen ones, or
those read from the registers as of its cut-off, frozen with the report by the first file made
once the cut-off has passed (report_figures); the file keeps a copy of what it was made from
(GeneratedFile.snapshot).

Uploaded templates are tried here too (check_templates), with the same limits, never in the web
request: a template is used only once its trial passed."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import Heartbeat, WorkerStopping, checkpoint, daily_job, drain, queue_handler, stale_before
from core.services import log_action
from plans.models import Plan
from reports import documents, outline, pdf, plan_document, services, templating, workbook
from reports.evidence import build_package, safe_name
from reports.figures import Figures, for_report
from reports.models import DocumentTemplate, FileKind, GeneratedFile, Report

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
State = GeneratedFile.State
Check = DocumentTemplate.CheckState


def request_file(*, kind: str, agency, actor, report=None, plan=None, scorecard=None) -> GeneratedFile:
    item = GeneratedFile.objects.create(
        agency=agency, kind=kind, report=report, plan=plan, scorecard=scorecard, requested_by=actor
    )
    log_action(actor=actor, agency=agency, action="report.file_requested", obj=item, note=item.get_kind_display())
    return item


def _progress(item: GeneratedFile, percent: int, step: str) -> None:
    """The page's progress bar, and the claim's heartbeat; a stop requested is noticed here."""
    checkpoint()
    GeneratedFile.objects.filter(pk=item.pk, attempts=item.attempts, state=State.RUNNING).update(
        progress=percent, step=step[:200], started_at=timezone.now()
    )


def _heartbeat(item: GeneratedFile) -> Heartbeat:
    """For the waits on a child process (template, LibreOffice): the claim stays alive."""
    return Heartbeat(
        lambda: GeneratedFile.objects.filter(pk=item.pk, attempts=item.attempts, state=State.RUNNING).update(
            started_at=timezone.now()
        )
    )


def claim_next() -> GeneratedFile | None:
    now = timezone.now()
    stale = GeneratedFile.objects.filter(state=State.RUNNING, started_at__lt=stale_before(now))
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED,
        finished_at=now,
        error=f"Stopped after {MAX_ATTEMPTS} attempts: the worker did not finish the file.",
    )
    stale.filter(attempts__lt=MAX_ATTEMPTS).update(state=State.QUEUED)
    queued = GeneratedFile.objects.filter(state=State.QUEUED).order_by("requested_at", "pk")
    for pk in queued.values_list("pk", flat=True)[:5]:
        claimed = GeneratedFile.objects.filter(pk=pk, state=State.QUEUED).update(
            state=State.RUNNING, started_at=now, attempts=F("attempts") + 1
        )
        if claimed:
            return GeneratedFile.objects.select_related("agency", "agency__province", "report", "plan").get(pk=pk)
    return None


def _template(agency, kind: str) -> DocumentTemplate | None:
    return (
        DocumentTemplate.objects.filter(agency=agency, kind=kind, active=True, check_state=Check.PASSED)
        .order_by("-uploaded_at")
        .first()
    )


def fill_template(
    agency, kind: str, built_in, context, *, on_wait=None
) -> tuple[bytes, str, tuple[str, Exception] | None]:
    """The agency's uploaded template in use (its trial passed) filled in, else the built-in
    layout (also when the template fails now): (the bytes, the template's name or "", and the
    failed template's name and error, or None). The worker and `make_document` both write this way."""
    chosen = _template(agency, kind)
    if chosen is None:
        return built_in(), "", None
    try:
        with chosen.file.open("rb") as handle:
            return templating.render_limited(handle.read(), context(), on_wait=on_wait), chosen.name, None
    except (templating.TemplateRejected, OSError) as exc:
        return built_in(), "", (chosen.name, exc)


def _with_template(item: GeneratedFile, kind: str, built_in, context) -> tuple[bytes, str]:
    """The uploaded template filled in, or the built-in layout (also when the template fails,
    with a note saying so)."""
    data, used, failed = fill_template(item.agency, kind, built_in, context, on_wait=_heartbeat(item))
    if failed is not None:
        name, exc = failed
        item.step = f"Mẫu {name} lỗi, đã dùng mẫu mặc định: {exc}"[:200]
    return data, used


def report_figures(report: Report, *, actor, today: dt.date) -> Figures:
    """The figures a file of the report is made from: the report's frozen figures when it has
    them; else read from the registers, as of the cut-off, and frozen with the report when the
    cut-off has passed (the first file made after it freezes them); before the cut-off they are
    provisional, as of today, and nothing is frozen."""
    figures = for_report(report)
    if report.snapshot is None and services.cutoff_passed(report, today):
        figures = services.freeze_figures(actor=actor, report=report, figures=figures)
    return figures


def _report_files(item: GeneratedFile) -> tuple[bytes, str]:
    # as stored now (its texts, its frozen figures), not as it was when the file was asked for
    report = Report.objects.select_related("agency", "agency__province").get(pk=item.report_id)
    _progress(item, 10, "Đọc số liệu")
    figures = report_figures(report, actor=item.requested_by, today=timezone.localdate())
    item.snapshot = figures.to_json()  # kept with the file: what it was made from
    parts = outline.parts(figures, report.texts)
    period = str(report.get_kind_display()).replace(" ", "_")  # "Quy_III", as "Nam": no space in a file name
    stem = safe_name(f"Bao_cao_CCHC_{period}_{report.year}_{report.agency.code}", 100)
    if item.kind == FileKind.REPORT_XLSX:
        _progress(item, 60, "Ghi bảng tính")
        heading = f"{report.agency.name}: {report.title}"
        return workbook.tables_workbook(figures.tables, heading), f"{stem}_phu_luc.xlsx"
    _progress(item, 50, "Soạn văn bản")
    data, used = _with_template(
        item,
        DocumentTemplate.Kind.REPORT,
        lambda: documents.report_docx(report, figures, parts),
        lambda: templating.report_context(report, figures, parts),
    )
    item.template_used = used
    if item.kind == FileKind.REPORT_PDF:
        _progress(item, 75, "Chuyển sang PDF")
        return pdf.docx_to_pdf(data, on_wait=_heartbeat(item)), f"{stem}.pdf"
    return data, f"{stem}.docx"


def _plan_files(item: GeneratedFile) -> tuple[bytes, str]:
    plan = item.plan
    stem = safe_name(f"Ke_hoach_CCHC_{plan.year}_{plan.agency.code}", 100)
    _progress(item, 20, "Đọc nhiệm vụ")
    appendices = plan_document.appendices(plan)
    if item.kind == FileKind.PLAN_XLSX:
        return plan_document.plan_workbook(plan, appendices, plan_document.APPENDIX_TITLES), f"{stem}_phu_luc.xlsx"
    _progress(item, 50, "Soạn văn bản")
    data, used = _with_template(
        item,
        DocumentTemplate.Kind.PLAN,
        lambda: plan_document.plan_docx(plan),
        lambda: templating.plan_context(plan, appendices),
    )
    item.template_used = used
    if item.kind == FileKind.PLAN_PDF:
        _progress(item, 75, "Chuyển sang PDF")
        return pdf.docx_to_pdf(data, on_wait=_heartbeat(item)), f"{stem}.pdf"
    return data, f"{stem}.docx"


class _Beating(File):
    """The file being stored, beating the claim's heartbeat as the storage reads it: a large
    evidence package sent to object storage may take longer than WORKER_STALE_SECONDS."""

    def __init__(self, content, beat: Heartbeat):
        super().__init__(content, getattr(content, "name", None))
        self.beat = beat

    def read(self, *args, **kwargs):
        self.beat()
        return self.file.read(*args, **kwargs)

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            self.beat()
            yield chunk


def _store(item: GeneratedFile, name: str, content) -> None:
    beat = _heartbeat(item)
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in iter(lambda: content.read(1024 * 1024), b""):
        beat()
        digest.update(chunk)
    content.seek(0)
    item.file.save(f"{item.agency_id}/{item.pk}-{name}", _Beating(content, beat), save=False)
    item.name, item.size, item.sha256 = name, item.file.size, digest.hexdigest()


def _finish(item: GeneratedFile, fields: list[str]) -> bool:
    """Writes the outcome if this claim is still the row's current one."""
    values = {name: getattr(item, name) for name in fields}
    if item.file:
        values["file"] = item.file.name
    return bool(GeneratedFile.objects.filter(pk=item.pk, attempts=item.attempts, state=State.RUNNING).update(**values))


def generate(item: GeneratedFile) -> GeneratedFile:
    """Produces the file of a claimed (or new) request and records the outcome."""
    if item.state == State.QUEUED:  # called directly (tests, the benchmark): claim it here
        GeneratedFile.objects.filter(pk=item.pk).update(
            state=State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
        item.refresh_from_db()
    try:
        if item.kind == FileKind.EVIDENCE_ZIP:
            scorecard = item.scorecard
            name = safe_name(f"Tai_lieu_kiem_chung_{scorecard.round.year}_{scorecard.agency.code}", 100) + ".zip"
            with tempfile.TemporaryDirectory(prefix="cchc-evidence-") as work:
                target = Path(work) / name

                def progress(done: int, total: int) -> None:
                    _progress(item, 5 + int(90 * done / max(total, 1)), f"Đã thêm {done}/{total} tài liệu")

                counts = build_package(scorecard, target, progress)
                with target.open("rb") as handle:
                    _store(item, name, File(handle))
                item.step = f"{counts['files']} tệp, {counts['links']} liên kết; {counts['missing']} tệp không đọc được"
        else:
            data, name = _report_files(item) if item.report_id else _plan_files(item)
            _store(item, name, ContentFile(data))
    except WorkerStopping:
        _give_back(item)
        raise
    except Exception as exc:  # the request shows the failure; the worker goes on
        log.exception("generating %s failed", item)
        item.state, item.error, item.finished_at = State.FAILED, str(exc)[:2000], timezone.now()
        _finish(item, ["state", "error", "finished_at", "step", "template_used"])
        return item
    item.state, item.progress, item.finished_at = State.DONE, 100, timezone.now()
    fields = ["state", "progress", "finished_at", "name", "size", "sha256", "step", "template_used", "snapshot"]
    if not _finish(item, fields):  # another worker took the job over: this file is not the row's
        log.warning("generating %s: the claim was taken over; the file is discarded", item)
        item.file.delete(save=False)
        item.refresh_from_db()
    return item


def _give_back(item: GeneratedFile) -> None:
    """The worker is stopping: the claim is released at once for another worker, and this
    attempt does not count."""
    if item.file:
        item.file.delete(save=False)
    released = GeneratedFile.objects.filter(pk=item.pk, attempts=item.attempts, state=State.RUNNING).update(
        state=State.QUEUED, attempts=F("attempts") - 1, progress=0, step="", started_at=None
    )
    log.info("generating %s: the worker is stopping; claim given back (%s)", item, released)


@queue_handler("reports.files")
def process_queue(limit: int = 3) -> int:
    return drain(claim_next, generate, limit=limit)


@daily_job("reports.clean_up")
def remove_old_files(*, today: dt.date, cal=None) -> dict:
    """Generated files older than REPORT_FILES_KEEP_DAYS are removed with their stored file: a
    report is made again in seconds from the registers, which are what is kept."""
    cutoff = timezone.now() - dt.timedelta(days=settings.REPORT_FILES_KEEP_DAYS)
    old = GeneratedFile.objects.filter(
        state__in=[GeneratedFile.State.DONE, GeneratedFile.State.FAILED], requested_at__lt=cutoff
    )
    removed = 0
    for item in old.iterator():
        if item.file:
            item.file.delete(save=False)
        removed += GeneratedFile.objects.filter(pk=item.pk).delete()[0]
    return {"removed": removed}


# Uploaded templates, tried on the agency's data before they are used ------------------------------


def trial_context(agency, kind: str) -> dict:
    """What the template is tried on: the agency's first report (or an empty one), its newest plan."""
    if kind == DocumentTemplate.Kind.REPORT:
        report = Report.objects.filter(agency=agency).first() or Report(
            agency=agency, kind="q1", year=2026, title="Báo cáo mẫu"
        )
        figures = for_report(report)
        return templating.report_context(report, figures, outline.parts(figures, report.texts))
    plan = Plan.objects.filter(agency=agency).order_by("-year").first()
    if plan is None:
        raise templating.TemplateRejected(_("There is no plan to try the template on."))
    return templating.plan_context(plan, {key: plan_document.appendix_rows(plan, key) for key in ("I", "II")})


def submit_template(*, agency, actor, kind: str, name: str, data: bytes) -> DocumentTemplate:
    """Stores an uploaded template, waiting for its trial (not in use until it passes)."""
    item = DocumentTemplate(
        agency=agency,
        kind=kind,
        name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        active=False,
        check_state=Check.CHECKING,
        uploaded_by=actor,
    )
    item.file.save("template.docx", ContentFile(data), save=False)
    item.save()
    log_action(actor=actor, agency=agency, action="report.template_uploaded", obj=item, note=item.name)
    return item


def claim_template() -> DocumentTemplate | None:
    """The oldest template waiting for its trial (or one whose checking worker died)."""
    now = timezone.now()
    waiting = DocumentTemplate.objects.filter(check_state=Check.CHECKING).filter(
        Q(checked_at__isnull=True) | Q(checked_at__lt=stale_before(now))
    )
    for pk, seen in waiting.order_by("pk").values_list("pk", "checked_at")[:5]:
        mine = DocumentTemplate.objects.filter(pk=pk, check_state=Check.CHECKING)
        mine = mine.filter(checked_at__isnull=True) if seen is None else mine.filter(checked_at=seen)
        if mine.update(checked_at=now):
            return DocumentTemplate.objects.select_related("agency", "agency__province", "uploaded_by").get(pk=pk)
    return None


def check_template(item: DocumentTemplate) -> DocumentTemplate:
    """Tries the template in a limited child process; it is put in use if it passes, refused with
    the reason otherwise."""
    beat = Heartbeat(
        lambda: DocumentTemplate.objects.filter(pk=item.pk, check_state=Check.CHECKING).update(
            checked_at=timezone.now()
        )
    )
    try:
        with item.file.open("rb") as handle:
            data = handle.read()
        templating.render_limited(data, trial_context(item.agency, item.kind), on_wait=beat)
    except WorkerStopping:
        DocumentTemplate.objects.filter(pk=item.pk, check_state=Check.CHECKING).update(checked_at=None)
        raise
    except (templating.TemplateRejected, OSError) as exc:
        _refuse(item, str(exc))
        return item
    except Exception as exc:  # the context could not be built: say so, do not use the template
        log.exception("checking template %s failed", item.pk)
        _refuse(item, _("The template could not be tried: %(error)s") % {"error": exc})
        return item
    with transaction.atomic():
        mine = DocumentTemplate.objects.select_for_update().filter(pk=item.pk, check_state=Check.CHECKING)
        if not mine.exists():  # disabled or taken over meanwhile
            return item
        DocumentTemplate.objects.filter(agency=item.agency, kind=item.kind, active=True).exclude(pk=item.pk).update(
            active=False
        )
        item.check_state, item.active, item.check_error, item.checked_at = Check.PASSED, True, "", timezone.now()
        item.save(update_fields=["check_state", "active", "check_error", "checked_at"])
        log_action(
            actor=item.uploaded_by, agency=item.agency, action="report.template_checked", obj=item, note=item.name
        )
    return item


def _refuse(item: DocumentTemplate, reason: str) -> None:
    item.check_state, item.active, item.check_error, item.checked_at = Check.REFUSED, False, reason, timezone.now()
    updated = DocumentTemplate.objects.filter(pk=item.pk, check_state=Check.CHECKING).update(
        check_state=item.check_state, active=False, check_error=reason[:2000], checked_at=item.checked_at
    )
    if updated:
        log_action(
            actor=item.uploaded_by,
            agency=item.agency,
            action="report.template_refused",
            obj=item,
            note=f"{item.name}: {reason}"[:500],
        )


@queue_handler("reports.templates")
def check_templates(limit: int = 3) -> int:
    return drain(claim_template, check_template, limit=limit)
