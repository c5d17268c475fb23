"""The SIPAS menu entries and landing-page panel (core.navigation): the agency's survey pages
for its people, the province comparison for a Sở Nội vụ appraiser."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import AnyUser
from core.models import Agency
from core.navigation import Panel, appraises_province, panel, register_area, register_menu, works_here
from surveys.access import can_enter_paper, can_manage_survey

register_area("surveys", gettext_lazy("SIPAS surveys"), order=40)
register_menu(
    area="province",
    label=gettext_lazy("SIPAS of the province"),
    url_name="surveys:province",
    order=20,
    allowed=lambda user, agency: appraises_province(user),
)
register_menu(
    area="surveys",
    label=gettext_lazy("SIPAS surveys"),
    url_name="surveys:dashboard",
    order=400,
    allowed=works_here,
    main=True,
)
register_menu(
    area="surveys", label=gettext_lazy("Campaigns"), url_name="surveys:campaigns", order=410, allowed=works_here
)
register_menu(
    area="surveys",
    label=gettext_lazy("Enter paper forms"),
    url_name="surveys:entry",
    order=420,
    allowed=lambda user, agency: agency is not None and works_here(user, agency) and can_enter_paper(user, agency),
)
register_menu(
    area="surveys",
    label=gettext_lazy("Import responses"),
    url_name="surveys:import",
    order=430,
    allowed=lambda user, agency: agency is not None and works_here(user, agency) and can_manage_survey(user, agency.pk),
)


@panel(order=14)
def province_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """A Sở Nội vụ appraiser: the province's satisfaction index, agency by agency."""
    if not appraises_province(user):
        return None
    return Panel(
        key="province_sipas",
        title=_("SIPAS of the province"),
        text=_(
            "The satisfaction index of the province's agencies over a whole period, beside the province's "
            "total; figures too small to be shown without identifying people are hidden."
        ),
        see_all=(_("Compare the agencies"), reverse("surveys:province")),
    )
