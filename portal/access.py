"""What the public portal may show, and who edits its posts.

- public pages (no account): any agency by its code; its posts once published, its procedures
  while active, the campaign whose open link is running today; everything else 404. Figures are
  aggregates only (portal.figures), SIPAS through surveys.disclosure;
- the posts editor: the agency's managers (leader, Office, administrator), not a read-only
  role (403); a post of another agency is 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from core.access import current_agency, scope_for
from core.models import Agency, User
from portal.models import Post
from procedures.models import Procedure
from surveys.models import Campaign

type Person = User | AnonymousUser  # request.user: signed in, or not


def get_public_agency(code: str) -> Agency:
    """Every agency has a public page, found by its code."""
    return get_object_or_404(Agency, code=code)


def published_posts(agency: Agency) -> QuerySet[Post]:
    return Post.objects.filter(agency=agency, published_at__isnull=False)


def get_published_post(agency: Agency, pk: int) -> Post:
    return get_object_or_404(published_posts(agency), pk=pk)


def active_procedures(agency: Agency) -> QuerySet[Procedure]:
    return Procedure.objects.filter(agency=agency, active=True)


def get_active_procedure(agency: Agency, pk: int) -> Procedure:
    return get_object_or_404(active_procedures(agency), pk=pk)


def open_campaign(agency: Agency, today: dt.date) -> Campaign | None:
    """The campaign whose open link the portal invites people to: running today, the latest started."""
    running = Campaign.objects.filter(agency=agency, open_link=True, starts_on__lte=today, ends_on__gte=today)
    return running.order_by("-starts_on").first()


def can_edit_posts(user: Person, agency_id: int) -> bool:
    return scope_for(user).can_manage(agency_id)


def editor_agency(request: HttpRequest) -> Agency:
    """The current agency, for its posts editor: 404 without one, 403 for anyone but its managers."""
    agency = current_agency(request)
    if agency is None:
        raise Http404
    if not can_edit_posts(request.user, agency.pk):
        raise PermissionDenied
    return agency


def get_post_for_user(user: Person, agency: Agency, pk: int) -> Post:
    """A post (published or not) of the agency whose posts the user edits."""
    if not can_edit_posts(user, agency.pk):
        raise PermissionDenied
    return get_object_or_404(Post, pk=pk, agency=agency)
