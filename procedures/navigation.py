"""The dossier register's menu entries and landing-page panel (core.navigation): the dossiers
due by the next working day in the person's units (officers, unit heads), the late dossiers of
the agency (leaders, the Office, the administrator, the auditor)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import AnyUser
from core.models import Agency, Role
from core.navigation import Count as Figure
from core.navigation import (
    Panel,
    Row,
    due_state,
    panel,
    register_area,
    register_menu,
    register_notification_kinds,
    roles_in,
    works_here,
)
from core.services import load_calendar
from procedures.access import can_manage, dossiers_visible_to
from procedures.models import Dossier, Procedure
from procedures.services import at_risk

ROWS = 6

register_area("procedures", gettext_lazy("Procedure dossiers"), order=30)
register_menu(
    area="procedures",
    label=gettext_lazy("Procedure dossiers"),
    url_name="procedures:register",
    order=300,
    allowed=works_here,
    main=True,
)
register_menu(
    area="procedures", label=gettext_lazy("Due soon"), url_name="procedures:at_risk", order=310, allowed=works_here
)
register_menu(
    area="procedures",
    label=gettext_lazy("Service quality (766)"),
    url_name="procedures:quality",
    order=320,
    allowed=works_here,
)
register_menu(
    area="procedures",
    label=gettext_lazy("Procedure catalogue"),
    url_name="procedures:catalogue",
    order=330,
    allowed=works_here,
)
register_menu(
    area="procedures",
    label=gettext_lazy("Dossier import"),
    url_name="procedures:imports",
    order=340,
    allowed=lambda user, agency: agency is not None and works_here(user, agency) and can_manage(user, agency),
)
register_notification_kinds("dossiers", gettext_lazy("Dossiers"), ("dossier_due",))


def _row(dossier: Dossier, today: dt.date) -> Row:
    state, tone = due_state(dossier.due_date, today, soon_days=1)
    procedure = dossier.procedure.name if dossier.procedure else dossier.procedure_code
    unit = dossier.unit.name if dossier.unit else ""
    return Row(
        label=f"{dossier.code} · {procedure}",
        url=reverse("procedures:dossier", args=[dossier.pk]),
        due=dossier.due_date,
        state=state,
        tone=tone,
        detail=" · ".join(part for part in (dossier.applicant_name, unit) if part),
    )


@panel(order=40)
def dossiers_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Officers and unit heads: the dossiers of their units due by the next working day (late
    ones first). Leaders, the Office, the administrator and the auditor: the agency's late
    dossiers. Nothing for an agency that handles no procedure."""
    if agency is None or not works_here(user, agency):
        return None
    if not Procedure.objects.filter(agency=agency).exists():
        return None
    desk = bool(roles_in(user, agency) & {Role.OFFICER, Role.UNIT_HEAD})
    soon = at_risk(dossiers_visible_to(user, agency), today=today, cal=load_calendar())
    counts = soon.aggregate(total=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
    if not desk and not counts["late"]:
        return None
    shown = soon if desk else soon.filter(due_date__lt=today)
    rows = shown.select_related("procedure", "unit").order_by("due_date", "received_at")[:ROWS]
    return Panel(
        key="dossiers",
        title=_("Dossiers due soon in my unit") if desk else _("Late dossiers"),
        count=counts["total"] if desk else counts["late"],
        counts=[
            Figure(_("Overdue"), counts["late"], reverse("procedures:at_risk"), "danger"),
            Figure(_("Due by the next working day"), counts["total"] - counts["late"], "", "warning"),
        ]
        if desk
        else [],
        rows=[_row(dossier, today) for dossier in rows],
        see_all=(_("All dossiers due soon"), reverse("procedures:at_risk")),
        empty=_("No dossier is due by the next working day."),
    )
