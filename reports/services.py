"""What the reports pages change: a report made for a period, its details and the Office's texts
saved, its figures frozen once its data cut-off has passed (and taken again from the registers
when the Office asks), an uploaded template taken out of use. Each writes its audit entry. (Files
are asked for and made in reports.jobs; the plan's text in reports.plan_text.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Agency, User
from core.services import StepRefused, diff, log_action
from reports.documents import report_defaults
from reports.figures import Figures
from reports.models import REPORT_DETAILS, DocumentTemplate, Report

SAVED_FIELDS = (*REPORT_DETAILS, "basis")  # what the report's form edits besides the texts


class ReportError(StepRefused):
    """A step on a report its state does not allow now (the message says why)."""


def create_report(*, actor: User, agency: Agency, kind: str, year: int) -> tuple[Report, bool]:
    """The agency's report for the period, made now with the layout's defaults (True), or the one
    made already (False): one report per agency and period."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                agency=agency, kind=kind, year=year, created_by=actor, **report_defaults(agency, kind, year)
            )
    except IntegrityError:
        return Report.objects.get(agency=agency, kind=kind, year=year), False
    log_action(actor=actor, agency=agency, action="report.created", obj=report, note=report.title)
    return report, True


def _state(report: Report) -> dict[str, Any]:
    return {"texts": dict(report.texts), **{name: getattr(report, name) for name in SAVED_FIELDS}}


@transaction.atomic
def save_report(*, actor: User, report: Report, texts: dict[str, str]) -> Report:
    """Saves the report as edited (its details set on `report`, e.g. by its form) with the Office's
    texts by part key (`key` the Office's own text, `key:system` its version of the system's
    paragraphs); the audit entry lists what changed since it was stored. The frozen figures are
    not the form's: they stay as stored."""
    before = _state(Report.objects.get(pk=report.pk))
    report.texts = texts
    report.save(update_fields=[*SAVED_FIELDS, "texts", "updated_at"])
    log_action(
        actor=actor, agency=report.agency, action="report.saved", obj=report, changes=diff(before, _state(report))
    )
    return report


def cutoff_passed(report: Report, today: dt.date) -> bool:
    """The report's data window has ended: its figures no longer move (NĐ 09/2019)."""
    return today > report.period.end


@transaction.atomic
def freeze_figures(*, actor: User | None, report: Report, figures: Figures) -> Figures:
    """Keeps `figures` (taken from the registers as of the report's cut-off) with the report: every
    later file of the report is made from them, so it says the same whatever the registers say
    then. If another file froze the report's figures a moment before, those stay and are
    returned; otherwise `figures`."""
    data = figures.to_json()
    taken = Report.objects.filter(pk=report.pk, snapshot__isnull=True).update(
        snapshot=data, snapshot_at=figures.taken_at, snapshot_by=actor
    )
    report.refresh_from_db(fields=["snapshot", "snapshot_at", "snapshot_by"])
    if not taken and report.snapshot is not None:
        return Figures.from_json(report.snapshot)
    log_action(
        actor=actor,
        agency=report.agency,
        action="report.figures_frozen",
        obj=report,
        note=_("figures as of %(date)s") % {"date": f"{figures.cutoff:%d/%m/%Y}"},
    )
    return figures


@transaction.atomic
def refresh_figures(*, actor: User, report: Report) -> Report:
    """The Office's "take the figures from the registers again": the frozen figures are dropped,
    so the next file reads the registers (and freezes them anew). Files made already keep the
    figures they were made from."""
    stored = Report.objects.select_for_update().get(pk=report.pk)
    if stored.snapshot is None:
        raise ReportError(_("The report's figures are not frozen: they are read from the registers already."))
    when = timezone.localtime(stored.snapshot_at) if stored.snapshot_at else timezone.localtime()
    note = _("figures frozen on %(when)s dropped") % {"when": f"{when:%d/%m/%Y %H:%M}"}
    Report.objects.filter(pk=report.pk).update(snapshot=None, snapshot_at=None, snapshot_by=None)
    report.snapshot, report.snapshot_at, report.snapshot_by = None, None, None
    log_action(actor=actor, agency=report.agency, action="report.figures_refreshed", obj=report, note=note)
    return report


def disable_template(*, actor: User, template: DocumentTemplate) -> None:
    """The uploaded template is no longer used: the built-in layout is, again."""
    template.active = False
    template.save(update_fields=["active"])
    log_action(actor=actor, agency=template.agency, action="report.template_disabled", obj=template, note=template.name)
