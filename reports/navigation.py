"""The reports' menu entries and landing-page panel (core.navigation): the periodic reports of
the agency, for the agency-wide roles that read them (never an officer: reports.access)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import AnyUser
from core.models import Agency
from core.navigation import Panel, Row, panel, register_area, register_menu, works_here
from reports.access import can_read
from reports.models import Report

ROWS = 3


def _reads(user: AnyUser, agency: Agency | None) -> bool:
    return agency is not None and works_here(user, agency) and can_read(user, agency)


register_area("reports", gettext_lazy("Reports"), order=60)
register_menu(
    area="reports", label=gettext_lazy("Reports"), url_name="reports:home", order=600, allowed=_reads, main=True
)
register_menu(
    area="reports", label=gettext_lazy("Document templates"), url_name="reports:templates", order=610, allowed=_reads
)


@panel(order=80)
def reports_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The latest reports of the agency."""
    if agency is None or not _reads(user, agency):
        return None
    reports = list(Report.objects.filter(agency=agency).order_by("-year", "-created_at")[:ROWS])
    return Panel(
        key="reports",
        title=_("Latest reports"),
        rows=[
            Row(label=report.title, url=reverse("reports:report", args=[report.pk]), due=report.issued_on)
            for report in reports
        ],
        see_all=(_("All reports"), reverse("reports:home")),
        empty=_("No report yet."),
    )
