"""surveys.access: who manages campaigns, sees every count of the sample plan, enters paper forms,
reads responses row by row, reviews comments and compares the province's agencies; other
agencies' objects are missing (404), other members refused (403)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from surveys import access
from surveys.models import Campaign
from surveys.tests.helpers import make

MANAGERS = {"office", "leader", "admin"}
EVERYONE = ["officer", "head", "other_officer", "office", "leader", "admin", "auditor", "appraiser", "outsider"]


@pytest.mark.parametrize("role", EVERYONE)
def test_who_manages_plans_enters_and_reads_rows(org, role):
    user, agency = getattr(org, role), org.agency
    assert access.can_manage_survey(user, agency.pk) == (role in MANAGERS)
    assert access.can_plan_sample(user, agency.pk) == (role in MANAGERS)
    assert access.can_read_rows(user, agency.pk) == (role == "admin")
    assert access.can_enter_paper(user, agency) == (role in {"officer", "head", "other_officer"} | MANAGERS)


def test_nobody_signed_out_may_do_anything(org):
    anonymous = AnonymousUser()
    assert not access.can_manage_survey(anonymous, org.agency.pk)
    assert not access.can_read_rows(anonymous, org.agency.pk)
    with pytest.raises(Http404):
        access.get_province_for_user(anonymous)


def test_a_campaign_of_another_agency_is_missing(org):
    mine = Campaign.objects.create(
        agency=org.agency, name="A", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 1)
    )
    theirs = Campaign.objects.create(
        agency=org.other, name="B", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 1)
    )
    assert access.get_campaign_for_user(org.officer, org.agency, mine.pk) == mine
    with pytest.raises(Http404):
        access.get_campaign_for_user(org.officer, org.agency, theirs.pk)
    with pytest.raises(Http404):  # not a member of the agency at all
        access.get_campaign_for_user(org.outsider, org.agency, mine.pk)


def test_a_response_row_by_row_for_the_administrator_and_its_comment_for_the_managers(org):
    response = make(org, 4)
    assert access.get_response_for_user(org.admin, org.agency, str(response.pk)) == response
    for role in ("leader", "office", "officer", "auditor"):
        with pytest.raises(PermissionDenied):
            access.get_response_for_user(getattr(org, role), org.agency, str(response.pk))
    assert access.get_response_for_user(org.office, org.agency, str(response.pk), moderate=True) == response
    with pytest.raises(PermissionDenied):
        access.get_response_for_user(org.officer, org.agency, str(response.pk), moderate=True)
    with pytest.raises(Http404):
        access.get_response_for_user(org.admin, org.agency, "not-a-uuid")
    elsewhere = make(org, 4, agency=org.other)
    with pytest.raises(Http404):  # another agency's response, through this agency
        access.get_response_for_user(org.admin, org.agency, str(elsewhere.pk))


def test_the_province_for_its_appraiser_only_without_the_viewers_own_agencies(org):
    view = access.get_province_for_user(org.appraiser)
    names = {name for _pk, name in view.members}
    assert org.agency.name in names and org.other.name in names
    assert view.left_out and all(name not in names for name in view.left_out)  # the appraiser's own Sở
    for role in ("leader", "admin", "office", "outsider"):
        with pytest.raises(Http404):
            access.get_province_for_user(getattr(org, role))


def test_rows_are_dated_to_the_month():
    assert access.month_of(dt.date(2026, 7, 9)) == "07/2026"
