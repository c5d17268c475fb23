"""The targets' menu entry ("Bảng điều hành kết quả") and the landing panel of the leaders and the
Office: how many targets of the year's plan are off track or at risk (core.navigation)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import AnyUser
from core.models import Agency, Role
from core.navigation import (
    Count,
    Panel,
    Row,
    appraises_province,
    panel,
    register_area,
    register_menu,
    roles_in,
    works_here,
)
from core.numbers import vi_number
from plans.models import Plan
from targets.access import can_view_targets, roll_up_provinces
from targets.models import Status, Target
from targets.selectors import Row as TargetRow
from targets.selectors import rows

ROWS = 6


def _views_targets(user: AnyUser, agency: Agency | None) -> bool:
    """Members whose work is the agency's own (not a Sở Nội vụ appraiser, who has the province's
    roll-up instead)."""
    return works_here(user, agency) and agency is not None and can_view_targets(user, agency)


register_area("targets", gettext_lazy("Targets and results"), order=8)
register_menu(
    area="targets",
    label=gettext_lazy("Results dashboard"),
    url_name="targets:board",
    order=80,
    allowed=_views_targets,
    main=True,
)
register_menu(
    area="province",
    label=gettext_lazy("Targets of the province's plan"),
    url_name="targets:province",
    order=20,
    allowed=lambda user, agency: appraises_province(user) or bool(roll_up_provinces(user)),
)


@panel(order=14)
def targets_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Leaders and the Office: the targets of this year's plan off track or at risk."""
    if agency is None or not roles_in(user, agency) & {Role.LEADER, Role.FOCAL_POINT}:
        return None
    plan = Plan.objects.filter(agency=agency, year=today.year).order_by("-pk").first()
    if plan is None or not Target.objects.filter(plan=plan).exists():
        return None
    found = rows(Target.objects.filter(plan=plan), today=today)
    off = [r for r in found if r.status == Status.OFF_TRACK]
    risk = [r for r in found if r.status == Status.AT_RISK]
    worst = off + risk
    board = reverse("targets:board")
    return Panel(
        key="targets",
        title=_("Targets of the plan %(year)s") % {"year": plan.year},
        count=len(found),
        counts=[
            Count(
                str(Status.OFF_TRACK.label),
                len(off),
                f"{board}?plan={plan.pk}&status={Status.OFF_TRACK.value}",
                "danger",
            ),
            Count(
                str(Status.AT_RISK.label),
                len(risk),
                f"{board}?plan={plan.pk}&status={Status.AT_RISK.value}",
                "warning",
            ),
        ],
        rows=[
            Row(
                label=f"{r.target.code} · {r.target.name}",
                url=r.target.get_absolute_url(),
                state=r.status_label,
                tone="danger" if r.status == Status.OFF_TRACK else "warning",
                detail=_("actual %(actual)s, target %(target)s") % {"actual": r.actual.display, "target": _target(r)},
            )
            for r in worst[:ROWS]
        ],
        see_all=(_("Results dashboard"), board),
        empty=_("No target is off track or at risk."),
        order=13 if Role.LEADER in roles_in(user, agency) else 16,
    )


def _target(row: TargetRow) -> str:
    return f"{vi_number(row.target.target_value)} {row.target.unit}".strip()
