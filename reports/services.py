"""What the reports pages change: a report made for a period, its details and the Office's texts
saved, an uploaded template taken out of use. Each writes its audit entry. (Files are asked for
and made in reports.jobs; the plan's text in reports.plan_text.)"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.models import Agency, User
from core.services import diff, log_action
from reports.documents import report_defaults
from reports.models import REPORT_DETAILS, DocumentTemplate, Report


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
    return {"texts": dict(report.texts), **{name: getattr(report, name) for name in REPORT_DETAILS}}


@transaction.atomic
def save_report(*, actor: User, report: Report, texts: dict[str, str]) -> Report:
    """Saves the report as edited (its details set on `report`, e.g. by its form) with the Office's
    texts by part key; the audit entry lists what changed since it was stored."""
    before = _state(Report.objects.get(pk=report.pk))
    report.texts = texts
    report.save()
    log_action(
        actor=actor, agency=report.agency, action="report.saved", obj=report, changes=diff(before, _state(report))
    )
    return report


def disable_template(*, actor: User, template: DocumentTemplate) -> None:
    """The uploaded template is no longer used: the built-in layout is, again."""
    template.active = False
    template.save(update_fields=["active"])
    log_action(actor=actor, agency=template.agency, action="report.template_disabled", obj=template, note=template.name)
