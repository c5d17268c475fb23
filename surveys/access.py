"""Who may see and do what with SIPAS (see core.access for the shared Scope; issue 18 H2).

- figures (dashboard, breakdowns, trend, the API index, the figures of reports and of the
  portal): every member of the agency, over whole periods and whole groups only, each figure
  through surveys.disclosure (no free dates, small and differencing cells hidden);
- row-level responses (the CSV export, the responses list and their invalidation, any API of
  rows): the agency's administrator only, not the leader nor the Office; their date is shown
  to the month ("07/2026"), stored unchanged;
- campaigns, paper entry and file import, comment review: as before (managers, counter staff);
- other agencies: nothing (404); read-only roles cannot change anything (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core.access import current_agency_or_404, scope_for
from core.models import Agency, Role


def can_read_rows(user, agency_id: int) -> bool:
    """Row-level responses: the agency's administrator (or a superuser) only."""
    scope = scope_for(user)
    return scope.is_superuser or Role.ADMINISTRATOR in scope.roles(agency_id)


def rows_agency(request) -> Agency:
    """The current agency, for the row-level pages: 404 outside it, 403 for anyone but its administrator."""
    agency = current_agency_or_404(request)
    if not can_read_rows(request.user, agency.pk):
        raise PermissionDenied
    return agency


def month_of(day) -> str:
    """The date of a response as rows show it: the month only ("07/2026")."""
    return f"{day:%m/%Y}"
