"""Who may see and do what with SIPAS (see core.access for the shared Scope; issue 18 H2).

- figures (dashboard, breakdowns, trend, the API index, the figures of reports and of the
  portal): every member of the agency, over whole periods and whole groups only, each figure
  through surveys.disclosure (no free dates, small and differencing cells hidden);
- the sample plan's counts and a running campaign's count: the managers (leader, Office,
  administrator), who plan the sample, see them all; the other members see small counts blanked;
- row-level responses (the CSV export, the responses list and their invalidation, any API of
  rows): the agency's administrator only, not the leader nor the Office; their date is shown
  to the month ("07/2026"), stored unchanged;
- campaigns, file import, comment review: the managers, not a read-only role (403);
- paper entry: the counter staff and the managers (whoever receives dossiers);
- the province page: an appraiser of a Department of Home Affairs, over its province's agencies
  (a superuser: all), leaving out the agencies the viewer is a member of (404 for anyone else);
- other agencies: nothing (404).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from core.access import current_agency_or_404, scope_for
from core.models import Agency, Role, User
from procedures.access import can_receive
from surveys.models import Campaign, Response

type Person = User | AnonymousUser  # request.user: signed in, or not


def can_manage_survey(user: Person, agency_id: int) -> bool:
    """Campaigns, file import, comment review: the managers, not a read-only role."""
    return scope_for(user).can_manage(agency_id)


def can_plan_sample(user: Person, agency_id: int) -> bool:
    """Every count of the sample plan and of a running campaign: the managers (leader, Office,
    administrator, a read-only manager too), who plan the sample."""
    return scope_for(user).is_manager(agency_id)


def can_enter_paper(user: Person, agency: Agency) -> bool:
    """Paper forms: whoever receives dossiers at the counter (procedures.access), and the managers."""
    return can_receive(user, agency)


def can_read_rows(user: Person, agency_id: int) -> bool:
    """Row-level responses: the agency's administrator (or a superuser) only."""
    scope = scope_for(user)
    return scope.is_superuser or Role.ADMINISTRATOR in scope.roles(agency_id)


def rows_agency(request: HttpRequest) -> Agency:
    """The current agency, for the row-level pages: 404 outside it, 403 for anyone but its administrator."""
    agency = current_agency_or_404(request)
    if not can_read_rows(request.user, agency.pk):
        raise PermissionDenied
    return agency


def managed_agency(request: HttpRequest) -> Agency:
    """The current agency, for the managers' pages (import, comments): 404 outside it, 403 for
    the other members."""
    agency = current_agency_or_404(request)
    if not can_manage_survey(request.user, agency.pk):
        raise PermissionDenied
    return agency


def get_campaign_for_user(user: Person, agency: Agency, pk: int) -> Campaign:
    """A campaign of the current agency (whose members all see it), else 404."""
    campaign = Campaign.objects.filter(pk=pk, agency=agency).first()
    if campaign is None or not scope_for(user).can_view_agency(agency.pk):
        raise Http404
    return campaign


def get_response_for_user(user: Person, agency: Agency, pk: str, *, moderate: bool = False) -> Response:
    """A response of the agency: to invalidate or restore (`rows`, the administrator) or, with
    `moderate`, to review its comment (the managers); 403 for the other members, 404 for an id
    that is not one of the agency's responses."""
    allowed = can_manage_survey(user, agency.pk) if moderate else can_read_rows(user, agency.pk)
    if not allowed:
        raise PermissionDenied
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    response = Response.objects.filter(pk=key, agency=agency).first()
    if response is None:
        raise Http404
    return response


@dataclass
class ProvinceView:
    """The agencies a province page compares (pk, name) and the viewer's own, left out."""

    members: list[tuple[int, str]]
    left_out: list[str] = field(default_factory=list)


def get_province_for_user(user: Person) -> ProvinceView:
    """The agencies of the provinces the user appraises (a superuser: all): 404 for anyone else.
    The agencies whose own dashboards the viewer sees are left out: their exact figures beside a
    total that counts them would give back what the total hides of the others."""
    scope = scope_for(user)
    provinces = scope.province_appraiser_of()
    if not provinces and not scope.is_superuser:
        raise Http404
    agencies = Agency.objects.filter(province_id__in=provinces) if provinces else Agency.objects.all()
    every: list[tuple[int, str]] = list(agencies.order_by("name").values_list("pk", "name"))
    own = set() if scope.is_superuser else {pk for pk, roles in scope.roles_by_agency.items() if roles}
    return ProvinceView(
        members=[(pk, name) for pk, name in every if pk not in own],
        left_out=[name for pk, name in every if pk in own],
    )


def month_of(day: dt.date) -> str:
    """The date of a response as rows show it: the month only ("07/2026")."""
    return f"{day:%m/%Y}"
