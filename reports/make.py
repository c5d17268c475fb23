"""Any document the system makes, from the command line (`manage.py make_document`): the same
builders as the pages and the worker, given objects named by their codes instead of a request.

    make(Order(kind="receipt", agency="BQLKKTCK", dossier="H38.15-260303-9000", fmt="pdf"), out)

`check(order)` finds what the order names and refuses (`Refused`, with every reason) an unknown
kind, agency, dossier or plan, a period not written as one of the five report periods, a format
the kind does not have, a dossier of another agency, a refusal letter for a dossier not refused,
an apology for a dossier without one; `make` also refuses a report whose parts the Office must
write are empty (listing them), then writes the file atomically (a temporary file beside it,
then renamed) and says its size and, for a PDF, its page count.

A report for a period the agency has no report for is made as the reports page makes it
(reports.services.create_report: the layout's defaults, audited, here as the system); its figures
are the worker's (reports.jobs.report_figures); a report or a plan is written in the agency's
uploaded template in use, as the worker writes it (`_with_template`); a receipt
(Mẫu 01) made here is logged as a print like every other (it carries the citizen's survey link)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import LOCAL
from core.models import Agency
from plans.models import Plan
from procedures import documents as forms
from procedures import services as dossier_services
from procedures.models import Dossier, DossierStatus
from reports import documents, jobs, outline, pdf, plan_document, services, templating, workbook
from reports.evidence import build_package
from reports.models import DocumentTemplate, Report
from reports.periods import ReportPeriod, report_period
from scorecards.models import Scorecard

# kind -> the formats it is made in (the first is the default nowhere: --format is required)
FORMATS: dict[str, tuple[str, ...]] = {
    "report": ("docx", "pdf", "xlsx"),
    "plan": ("docx", "pdf", "xlsx"),
    "receipt": ("docx", "pdf"),  # Mẫu 01
    "supplement": ("docx", "pdf"),  # Mẫu 02, the dossier's latest request
    "refusal": ("docx", "pdf"),  # Mẫu 03
    "apology": ("docx", "pdf"),  # Mẫu 04
    "control-slip": ("docx", "pdf", "xlsx"),  # Mẫu 06
    "register": ("xlsx",),  # Mẫu 07
    "evidence-package": ("zip",),
}
DOSSIER_KINDS = ("receipt", "supplement", "refusal", "apology", "control-slip")
# how a period is written: 2026-Q1, 2026-H1, 2026-Q3, 2026-9M, 2026 -> the report kind
PERIOD = re.compile(r"^(\d{4})(?:-(Q1|H1|Q3|9M))?$")
PERIOD_KINDS = {"Q1": "q1", "H1": "half", "Q3": "q3", "9M": "nine", None: "year"}
PERIOD_FORMS = "2026-Q1, 2026-H1, 2026-Q3, 2026-9M, 2026"


class Refused(Exception):
    """The order cannot be made; `reasons` says why, one reason a line."""

    def __init__(self, reasons: list[str]):
        super().__init__("\n".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Order:
    kind: str
    agency: str
    fmt: str
    period: str = ""
    dossier: str = ""
    plan: int | None = None


@dataclass
class Subject:
    """What an order names, found."""

    order: Order
    agency: Agency
    period: ReportPeriod | None = None
    dossier: Dossier | None = None
    plan: Plan | None = None
    scorecard: Scorecard | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the operator should know (a template that failed)


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    pages: int | None  # a PDF's page count
    notes: list[str]


def parse_period(text: str) -> ReportPeriod | None:
    """'2026-Q1' -> the report period of quarter I 2026 (its data window and due date); None when
    the text is not one of the five forms."""
    match = PERIOD.match((text or "").strip().upper())
    if not match:
        return None
    return report_period(PERIOD_KINDS[match.group(2)], int(match.group(1)))


def check(order: Order) -> Subject:
    """The objects the order names; Refused with every reason found in the order's own arguments
    (an unknown kind: nothing else is looked at), then with what the objects named lack."""
    if order.kind not in FORMATS:
        raise Refused([_("Unknown document kind %(kind)s; one of: %(kinds)s.") % _kinds(order.kind)])
    allowed = FORMATS[order.kind]
    reasons = []
    if order.fmt not in allowed:
        reasons.append(
            _("A %(kind)s is made as %(allowed)s, not %(format)s.")
            % {"kind": order.kind, "allowed": ", ".join(allowed), "format": order.fmt or "?"}
        )
    period = None
    if order.period:
        period = parse_period(order.period)
        if period is None:
            reasons.append(
                _("Period %(period)s is not one of: %(forms)s.") % {"period": order.period, "forms": PERIOD_FORMS}
            )
    elif order.kind in ("report", "register"):
        reasons.append(_("A %(kind)s needs --period (%(forms)s).") % {"kind": order.kind, "forms": PERIOD_FORMS})
    if order.kind in DOSSIER_KINDS and not order.dossier:
        reasons.append(_("A %(kind)s needs --dossier (the dossier's code).") % {"kind": order.kind})
    agency = Agency.objects.select_related("province").filter(code=order.agency).first() if order.agency else None
    if agency is None:
        reasons.append(_("Unknown agency %(code)s.") % {"code": order.agency or "?"})
    if reasons:
        raise Refused(reasons)
    subject = Subject(order=order, agency=agency, period=period)
    FINDERS[order.kind](subject)
    return subject


def _kinds(kind: str) -> dict[str, str]:
    return {"kind": kind or "?", "kinds": ", ".join(FORMATS)}


# Finding what each kind needs -------------------------------------------------------------------


def _dossier(subject: Subject) -> Dossier:
    code = subject.order.dossier
    found = Dossier.objects.select_related("agency", "agency__province", "procedure", "unit", "created_by").filter(
        code=code
    )
    dossier = found.filter(agency=subject.agency).first()
    if dossier is None:
        if found.exists():
            raise Refused(
                [
                    _("Dossier %(code)s belongs to another agency, not %(agency)s.")
                    % {"code": code, "agency": subject.agency.code}
                ]
            )
        raise Refused([_("Unknown dossier %(code)s in %(agency)s.") % {"code": code, "agency": subject.agency.code}])
    subject.dossier = dossier
    return dossier


def _find_receipt(subject: Subject) -> None:
    _dossier(subject)


def _find_supplement(subject: Subject) -> None:
    dossier = _dossier(subject)
    latest = dossier.supplements.select_related("requested_by").order_by("-requested_at", "-pk").first()
    if latest is None:
        raise Refused([_("Dossier %(code)s has no supplement request.") % {"code": dossier.code}])
    latest.dossier = dossier
    subject.extra["request"] = latest


def _find_refusal(subject: Subject) -> None:
    dossier = _dossier(subject)
    if dossier.status != DossierStatus.REJECTED:
        raise Refused([_("Dossier %(code)s was not refused: there is no refusal letter.") % {"code": dossier.code}])


def _find_apology(subject: Subject) -> None:
    dossier = _dossier(subject)
    if dossier.apology_date is None:
        raise Refused([_("Dossier %(code)s has no apology: there is no apology letter.") % {"code": dossier.code}])


def _find_plan(subject: Subject) -> None:
    plans = Plan.objects.select_related("agency", "agency__province")
    if subject.order.plan is not None:
        plan = plans.filter(pk=subject.order.plan).first()
        if plan is None:
            raise Refused([_("Unknown plan %(id)s.") % {"id": subject.order.plan}])
        if plan.agency_id != subject.agency.pk:
            raise Refused(
                [
                    _("Plan %(id)s belongs to another agency, not %(agency)s.")
                    % {"id": plan.pk, "agency": subject.agency.code}
                ]
            )
    else:
        mine = plans.filter(agency=subject.agency)
        if subject.period is not None:
            mine = mine.filter(year=subject.period.year)
        plan = mine.order_by("-year", "-pk").first()
        if plan is None:
            raise Refused([_("%(agency)s has no plan for that year; give --plan.") % {"agency": subject.agency.code}])
    subject.plan = plan


def _find_report(subject: Subject) -> None:
    period = subject.period
    reports = Report.objects.select_related("agency", "agency__province")
    subject.extra["report"] = reports.filter(agency=subject.agency, kind=period.kind, year=period.year).first()


def _check_parts(report: Report, numbers: Any) -> None:
    """A report is not printed with a part the Office must write left empty: the parts are listed."""
    missing = outline.missing_parts(numbers, report.texts)
    if missing:
        names = [str(getattr(part, "heading", part)) for part in missing]
        raise Refused(
            [
                _("Report %(title)s: the Office has not written these parts yet:") % {"title": report.title},
                *[f"  - {name}" for name in names],
            ]
        )


def _find_register(subject: Subject) -> None:
    return None


def _find_evidence(subject: Subject) -> None:
    cards = Scorecard.objects.select_related("round", "round__criteria_set", "agency").filter(agency=subject.agency)
    if subject.period is not None:
        cards = cards.filter(round__year=subject.period.year)
    scorecard = cards.order_by("-round__year", "-pk").first()
    if scorecard is None:
        raise Refused([_("%(agency)s has no scorecard for that year.") % {"agency": subject.agency.code}])
    subject.scorecard = scorecard


FINDERS: dict[str, Callable[[Subject], None]] = {
    "report": _find_report,
    "plan": _find_plan,
    "receipt": _find_receipt,
    "supplement": _find_supplement,
    "refusal": _find_refusal,
    "apology": _find_apology,
    "control-slip": _find_receipt,
    "register": _find_register,
    "evidence-package": _find_evidence,
}


# Building the bytes: the builders the pages and the worker call --------------------------------


def _with_template(
    subject: Subject, kind: str, built_in: Callable[[], bytes], context: Callable[[], dict[str, Any]]
) -> bytes:
    """As the worker (reports.jobs.fill_template); a template that fails now gives the built-in
    layout, with a note saying so."""
    data, _used, failed = jobs.fill_template(subject.agency, kind, built_in, context)
    if failed is not None:
        name, error = failed
        subject.notes.append(
            _("Template %(name)s failed, the built-in layout was used: %(error)s") % {"name": name, "error": error}
        )
    return data


def _report(subject: Subject) -> bytes:
    """As the worker makes a report's file (reports.jobs.report_figures: the report's frozen
    figures, else read as of its cut-off and frozen once it has passed); a period the agency has
    no report for gets one as the reports page makes it."""
    report = subject.extra.get("report")
    if report is None:
        period = subject.period
        report, _created = services.create_report(actor=None, agency=subject.agency, kind=period.kind, year=period.year)
        report = Report.objects.select_related("agency", "agency__province").get(pk=report.pk)
    numbers = jobs.report_figures(report, actor=None, today=timezone.localdate())
    if subject.order.fmt == "xlsx":
        return workbook.tables_workbook(numbers.tables, f"{report.agency.name}: {report.title}")
    _check_parts(report, numbers)
    parts = outline.parts(numbers, report.texts)
    return _with_template(
        subject,
        DocumentTemplate.Kind.REPORT,
        lambda: documents.report_docx(report, numbers, parts),
        lambda: templating.report_context(report, numbers, parts),
    )


def _plan(subject: Subject) -> bytes:
    plan = subject.plan
    appendices = plan_document.appendices(plan)
    if subject.order.fmt == "xlsx":
        return plan_document.plan_workbook(plan, appendices, plan_document.APPENDIX_TITLES)
    return _with_template(
        subject,
        DocumentTemplate.Kind.PLAN,
        lambda: plan_document.plan_docx(plan),
        lambda: templating.plan_context(plan, appendices),
    )


def _receipt(subject: Subject) -> bytes:
    data = forms.receipt(subject.dossier)
    dossier_services.log_receipt_print(dossier=subject.dossier, actor=None, kind=_("make_document command"))
    return data


def _supplement(subject: Subject) -> bytes:
    return forms.docx(forms.supplement_form(subject.extra["request"]))


def _refusal(subject: Subject) -> bytes:
    return forms.docx(forms.refusal_form(subject.dossier))


def _apology(subject: Subject) -> bytes:
    return forms.docx(forms.apology_form(subject.dossier))


def _control_slip(subject: Subject) -> bytes:
    if subject.order.fmt == "xlsx":
        return forms.control_slip(subject.dossier)
    return forms.docx(forms.control_form(subject.dossier))


def _register(subject: Subject) -> bytes:
    """Mẫu 07 of every dossier received in the period's data window (the window the report's
    one-stop figures count), in reception order, as the register page exports it."""
    period = subject.period
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(period.end, dt.time.max, tzinfo=LOCAL)
    received = Dossier.objects.filter(agency=subject.agency, received_at__gte=start, received_at__lte=end)
    return forms.register(received, agency=subject.agency, start=period.start, end=period.end)


BUILDERS: dict[str, Callable[[Subject], bytes]] = {
    "report": _report,
    "plan": _plan,
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "control-slip": _control_slip,
    "register": _register,
}


def document_bytes(subject: Subject) -> bytes:
    """The document's bytes in the order's format (a PDF through LibreOffice, as the worker)."""
    data = BUILDERS[subject.order.kind](subject)
    if subject.order.fmt == "pdf":
        return pdf.docx_to_pdf(data)
    return data


PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(data: bytes) -> int:
    """A PDF's page count: pypdf where it is installed (the tests), else its page objects counted
    (LibreOffice writes them uncompressed)."""
    try:
        from pypdf import PdfReader  # noqa: PLC0415  (a development requirement only)
    except ImportError:
        return len(PAGE_OBJECT.findall(data))
    return len(PdfReader(io.BytesIO(data)).pages)


def make(order: Order, out: Path) -> Made:
    """Checks the order, makes the document and writes it to `out` atomically."""
    subject = check(order)
    out = Path(out)
    if not out.parent.is_dir():
        raise Refused([_("Folder %(folder)s does not exist.") % {"folder": out.parent}])
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        os.close(handle)
        if order.kind == "evidence-package":
            build_package(subject.scorecard, Path(temporary))
            pages = None
        else:
            data = document_bytes(subject)
            Path(temporary).write_bytes(data)
            pages = pdf_pages(data) if order.fmt == "pdf" else None
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Made(path=out, size=out.stat().st_size, pages=pages, notes=subject.notes)
