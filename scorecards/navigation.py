"""The PAR INDEX menu entries and landing-page panels (core.navigation): the rounds a Sở Nội vụ
appraiser organises, the agency's scorecard in progress for its Office and leader, the blocks
given to a unit, and the points at risk (the forecast) for the leaders and the Office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.access import AnyUser, scope_for
from core.models import Agency, Role, User
from core.navigation import Count as Figure
from core.navigation import (
    Panel,
    Row,
    due_state,
    is_member,
    panel,
    register_area,
    register_menu,
    register_notification_kinds,
    roles_in,
    works_here,
)
from core.numbers import q2, vi_number
from core.services import load_calendar
from scorecards import selectors
from scorecards.access import can_organise, organising_agencies, scorecards_visible_to
from scorecards.models import Assignment, Phase, Round, Scorecard

ROWS = 6

register_area("scorecards", gettext_lazy("PAR index"), order=20)
register_menu(
    area="scorecards",
    label=gettext_lazy("PAR index"),
    url_name="scorecards:home",
    order=200,
    allowed=lambda user, agency: is_member(user, agency) or can_organise(user),
    main=True,
)
register_menu(
    area="scorecards",
    label=gettext_lazy("Points at risk"),
    url_name="scorecards:forecast",
    order=210,
    allowed=works_here,
)
register_menu(
    area="scorecards",
    label=gettext_lazy("Periodic figures"),
    url_name="scorecards:series_list",
    order=220,
    allowed=works_here,
)
register_menu(
    area="scorecards",
    label=gettext_lazy("Criteria sets"),
    url_name="scorecards:criteria_list",
    order=230,
    allowed=lambda user, agency: is_member(user, agency) or can_organise(user),
)
register_notification_kinds("par", gettext_lazy("PAR index"), ("par", "metric_missing"))


@panel(order=10)
def rounds_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """A Sở Nội vụ appraiser (an organiser): the rounds under way, with how many agencies have
    submitted and when the current phase closes."""
    if not can_organise(user):
        return None
    rounds = (
        Round.objects.filter(organizer__in=organising_agencies(user))
        .exclude(phase=Phase.PUBLISHED)
        .annotate(
            cards=Count("scorecards"),
            submitted=Count("scorecards", filter=Q(scorecards__status=Scorecard.Status.SUBMITTED)),
        )
        .order_by("-year", "name")
    )
    rows = []
    for round_ in rounds[:ROWS]:
        closes = round_.closes_on()
        state, tone = due_state(closes, today)
        rows.append(
            Row(
                label=f"{round_.name} · {round_.get_phase_display()}",
                url=reverse("scorecards:round_detail", args=[round_.pk]),
                due=closes,
                state=state,
                tone=tone,
                detail=ngettext(
                    "%(done)s of %(n)s agency has submitted", "%(done)s of %(n)s agencies have submitted", round_.cards
                )
                % {"done": round_.submitted, "n": round_.cards},
            )
        )
    return Panel(
        key="rounds",
        title=_("PAR rounds to appraise"),
        count=len(rows),
        rows=rows,
        see_all=(_("All rounds"), reverse("scorecards:home")),
        empty=_("No round is under way."),
    )


def _current_card(user: AnyUser, agency: Agency) -> Scorecard | None:
    return (
        scorecards_visible_to(user, agency)
        .exclude(round__phase=Phase.PUBLISHED)
        .select_related("round")
        .order_by("-round__year")
        .first()
    )


@panel(order=47)
def scorecard_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The Office, the leader and the administrator: the agency's scorecard in progress, and the
    blocks the units have handed in for acceptance."""
    if agency is None or not roles_in(user, agency) & {Role.FOCAL_POINT, Role.LEADER, Role.ADMINISTRATOR}:
        return None
    card = _current_card(user, agency)
    if card is None:
        return None
    blocks = card.assignments.aggregate(
        submitted=Count("pk", filter=Q(status=Assignment.Status.SUBMITTED)),
        open=Count("pk", filter=Q(status__in=[Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED])),
    )
    closes = card.round.closes_on()
    state, tone = due_state(closes, today)
    url = reverse("scorecards:scorecard", args=[card.pk])
    return Panel(
        key="scorecard",
        title=_("Our PAR scorecard"),
        rows=[
            Row(
                label=f"{card.round.name} · {card.get_status_display()}",
                url=url,
                due=closes,
                state=state,
                tone=tone,
                detail=str(card.round.get_phase_display()),
            )
        ],
        counts=[
            Figure(
                _("Blocks handed in, to accept"), blocks["submitted"], reverse("scorecards:assignments", args=[card.pk])
            ),
            Figure(_("Blocks still with the units"), blocks["open"], reverse("scorecards:assignments", args=[card.pk])),
        ],
        see_all=(_("Open the scorecard"), url),
    )


@panel(order=35)
def unit_blocks_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """Officers and unit heads: the criteria blocks given to their unit that are still open."""
    if agency is None or not roles_in(user, agency) & {Role.OFFICER, Role.UNIT_HEAD}:
        return None
    units = scope_for(user).units_with(Role.OFFICER, Role.UNIT_HEAD)
    blocks = (
        Assignment.objects.filter(
            scorecard__in=scorecards_visible_to(user, agency).exclude(round__phase=Phase.PUBLISHED),
            unit_id__in=units,
            status__in=[Assignment.Status.ASSIGNED, Assignment.Status.CHANGES_REQUESTED],
        )
        .select_related("scorecard__round", "unit")
        .order_by("code")
    )
    rows = list(blocks[: ROWS + 1])
    if not rows:
        return None
    return Panel(
        key="unit_blocks",
        title=_("PAR criteria given to my unit"),
        count=len(rows) if len(rows) <= ROWS else blocks.count(),
        rows=[
            Row(
                label=_("Criterion %(code)s") % {"code": block.code},
                url=reverse("scorecards:scorecard", args=[block.scorecard_id]),
                due=block.scorecard.round.closes_on(),
                state=str(block.get_status_display()),
                tone="warning" if block.status == Assignment.Status.CHANGES_REQUESTED else "",
                detail=f"{block.unit.name} · {block.scorecard.round.name}",
            )
            for block in rows[:ROWS]
        ],
    )


@panel(order=50)
def points_at_risk_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The leaders and the Office: the PAR points the late or risky tasks put at risk (the
    forecast), the criteria losing most first."""
    if agency is None or not isinstance(user, User) or not roles_in(user, agency) & {Role.LEADER, Role.FOCAL_POINT}:
        return None
    card, stored = selectors.forecast_basis(agency)
    if stored is None:
        return None
    data = selectors.forecast(
        agency=agency, criteria_set=stored, scorecard=card, today=today, cal=load_calendar(), user=user
    )
    if not data["rows"]:
        return None
    return Panel(
        key="points_at_risk",
        title=_("PAR points at risk"),
        counts=[Figure(_("Points at risk"), data["points_at_risk"], reverse("scorecards:forecast"), "danger")],
        rows=[
            Row(
                label=f"{row.code} · {row.name}",
                url=reverse("scorecards:forecast"),
                state=_("%(points)s of %(max)s points")
                % {
                    "points": vi_number(q2(row.at_risk)),
                    "max": vi_number(q2(row.expected)),
                },
                tone="danger",
                detail=ngettext("%(n)s task at risk", "%(n)s tasks at risk", len(row.risky)) % {"n": len(row.risky)},
            )
            for row in data["rows"][:ROWS]
        ],
        see_all=(_("Where points are at risk"), reverse("scorecards:forecast")),
    )
