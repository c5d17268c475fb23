"""Generating files in the worker: a request is a GeneratedFile row (queued); the worker claims it,
reports its progress in the row (the page polls it), stores the file and says who asked for it
and when.

Each claim has a number (attempts). Progress reports refresh the claim's time, so a long job is
never taken for dead; a row whose claim has not moved for STALE is queued again, up to
MAX_ATTEMPTS claims, then marked failed. A worker whose claim was taken over throws its result
away: only the current claim may finish the row."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from core.jobs import daily_job, queue_handler
from core.services import log_action
from reports import documents, outline, pdf, templating, workbook
from reports.evidence import build_package, safe_name
from reports.figures import collect
from reports.models import DocumentTemplate, FileKind, GeneratedFile

log = logging.getLogger(__name__)
STALE = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 3
State = GeneratedFile.State


def request_file(*, kind: str, agency, actor, report=None, plan=None, scorecard=None) -> GeneratedFile:
    item = GeneratedFile.objects.create(
        agency=agency, kind=kind, report=report, plan=plan, scorecard=scorecard, requested_by=actor
    )
    log_action(actor=actor, agency=agency, action="report.file_requested", obj=item, note=item.get_kind_display())
    return item


def _progress(item: GeneratedFile, percent: int, step: str) -> None:
    """The page's progress bar, and the claim's heartbeat."""
    GeneratedFile.objects.filter(pk=item.pk, attempts=item.attempts, state=State.RUNNING).update(
        progress=percent, step=step[:200], started_at=timezone.now()
    )


def claim_next() -> GeneratedFile | None:
    now = timezone.now()
    stale = GeneratedFile.objects.filter(state=State.RUNNING, started_at__lt=now - STALE)
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
    return DocumentTemplate.objects.filter(agency=agency, kind=kind, active=True).order_by("-uploaded_at").first()


def _with_template(item: GeneratedFile, kind: str, built_in, context) -> tuple[bytes, str]:
    """The uploaded template filled in, or the built-in layout (also when the template fails,
    with a note saying so)."""
    chosen = _template(item.agency, kind)
    if chosen is None:
        return built_in(), ""
    try:
        with chosen.file.open("rb") as handle:
            data = templating.render_template(handle.read(), context())
    except (templating.TemplateRejected, OSError) as exc:
        item.step = f"Mẫu {chosen.name} lỗi, đã dùng mẫu mặc định: {exc}"[:200]
        return built_in(), ""
    return data, chosen.name


def _report_files(item: GeneratedFile) -> tuple[bytes, str]:
    report = item.report
    _progress(item, 10, "Đọc số liệu")
    figures = collect(report.agency, report.period)
    parts = outline.parts(figures, report.texts)
    stem = safe_name(f"Bao_cao_CCHC_{report.get_kind_display()}_{report.year}_{report.agency.code}", 100)
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
        return pdf.docx_to_pdf(data), f"{stem}.pdf"
    return data, f"{stem}.docx"


def _plan_files(item: GeneratedFile) -> tuple[bytes, str]:
    plan = item.plan
    stem = safe_name(f"Ke_hoach_CCHC_{plan.year}_{plan.agency.code}", 100)
    _progress(item, 20, "Đọc nhiệm vụ")
    appendices = {key: documents.appendix_rows(plan, key) for key in ("I", "II")}
    appendices = {key: value for key, value in appendices.items() if value[0]}
    if item.kind == FileKind.PLAN_XLSX:
        return workbook.plan_workbook(plan, appendices, documents.APPENDIX_TITLES), f"{stem}_phu_luc.xlsx"
    _progress(item, 50, "Soạn văn bản")
    data, used = _with_template(
        item,
        DocumentTemplate.Kind.PLAN,
        lambda: documents.plan_docx(plan),
        lambda: templating.plan_context(plan, appendices),
    )
    item.template_used = used
    if item.kind == FileKind.PLAN_PDF:
        _progress(item, 75, "Chuyển sang PDF")
        return pdf.docx_to_pdf(data), f"{stem}.pdf"
    return data, f"{stem}.docx"


def _store(item: GeneratedFile, name: str, content) -> None:
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in iter(lambda: content.read(1024 * 1024), b""):
        digest.update(chunk)
    content.seek(0)
    item.file.save(f"{item.agency_id}/{item.pk}-{name}", content, save=False)
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
    except Exception as exc:  # the request shows the failure; the worker goes on
        log.exception("generating %s failed", item)
        item.state, item.error, item.finished_at = State.FAILED, str(exc)[:2000], timezone.now()
        _finish(item, ["state", "error", "finished_at", "step", "template_used"])
        return item
    item.state, item.progress, item.finished_at = State.DONE, 100, timezone.now()
    fields = ["state", "progress", "finished_at", "name", "size", "sha256", "step", "template_used"]
    if not _finish(item, fields):  # another worker took the job over: this file is not the row's
        log.warning("generating %s: the claim was taken over; the file is discarded", item)
        item.file.delete(save=False)
        item.refresh_from_db()
    return item


@queue_handler("reports.files")
def process_queue(limit: int = 3) -> int:
    done = 0
    while done < limit:
        item = claim_next()
        if item is None:
            break
        generate(item)
        done += 1
    return done


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
