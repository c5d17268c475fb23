"""portal.access: what the public pages may show (published posts, active procedures, the running
open-link campaign) and who edits the posts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from portal import access
from portal.models import Post
from procedures.models import Procedure
from surveys.models import Campaign


def test_published_posts_of_the_agency_only(org):
    shown = Post.objects.create(agency=org.agency, title="A", body="x", published_at=timezone.now())
    draft = Post.objects.create(agency=org.agency, title="B", body="x")
    other = Post.objects.create(agency=org.other, title="C", body="x", published_at=timezone.now())
    assert list(access.published_posts(org.agency)) == [shown]
    assert access.get_published_post(org.agency, shown.pk) == shown
    for post in (draft, other):
        with pytest.raises(Http404):
            access.get_published_post(org.agency, post.pk)
    with pytest.raises(Http404):
        access.get_public_agency("NO-SUCH")
    assert access.get_public_agency(org.agency.code) == org.agency


def test_active_procedures_only(org):
    active = Procedure.objects.create(agency=org.agency, code="1", name="A", limit=5)
    retired = Procedure.objects.create(agency=org.agency, code="2", name="B", limit=5, active=False)
    assert access.get_active_procedure(org.agency, active.pk) == active
    with pytest.raises(Http404):
        access.get_active_procedure(org.agency, retired.pk)


def test_the_open_campaign_is_the_latest_running_with_an_open_link(org, today):
    day = dt.timedelta(days=1)
    Campaign.objects.create(agency=org.agency, name="closed link", starts_on=today, ends_on=today + day)
    older = Campaign.objects.create(
        agency=org.agency, name="older", starts_on=today - 5 * day, ends_on=today + day, open_link=True
    )
    assert access.open_campaign(org.agency, today) == older
    newer = Campaign.objects.create(
        agency=org.agency, name="newer", starts_on=today - day, ends_on=today + day, open_link=True
    )
    assert access.open_campaign(org.agency, today) == newer
    assert access.open_campaign(org.agency, today + 2 * day) is None


@pytest.mark.parametrize(
    ("role", "edits"),
    [("office", True), ("leader", True), ("admin", True), ("officer", False), ("auditor", False), ("outsider", False)],
)
def test_the_managers_edit_the_posts(org, role, edits):
    post = Post.objects.create(agency=org.agency, title="A", body="x")
    user = getattr(org, role)
    assert access.can_edit_posts(user, org.agency.pk) is edits
    if edits:
        assert access.get_post_for_user(user, org.agency, post.pk) == post
    else:
        with pytest.raises(PermissionDenied):
            access.get_post_for_user(user, org.agency, post.pk)
