"""Who sees and handles feedback (feedback.access): the item of unit QLDN is seen by the agency-wide
roles and by QLDN's officer and head, not by KHTH's officer nor by another agency; handled by the
Office, the managers and QLDN, never by the read-only roles; approved by the leader only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from feedback import access, services

SEE = {"officer", "head", "office", "leader", "admin", "auditor"}
HANDLE = {"officer", "head", "office", "leader", "admin"}
ROLES = ["officer", "head", "other_officer", "office", "leader", "admin", "auditor", "appraiser", "outsider"]


@pytest.fixture
def assigned(org, item):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    return item


def test_who_sees_the_item(org, assigned):
    for role in ROLES:
        user = getattr(org, role)
        visible = assigned in access.feedback_visible_to(user, org.agency)
        assert visible == (role in SEE), role
        if role in SEE:
            assert access.get_feedback_for_user(user, org.agency, assigned.pk) == assigned
        else:
            with pytest.raises(Http404):
                access.get_feedback_for_user(user, org.agency, assigned.pk)
    assert not access.feedback_visible_to(AnonymousUser(), org.agency).exists()


def test_an_officer_sees_what_is_assigned_to_them_in_another_unit(org, item):
    services.classify(
        item=item,
        actor=org.office,
        category="regulation",
        within_competence=True,
        unit=org.unit_a,
        assignee=org.other_officer,
    )
    item.refresh_from_db()
    assert access.get_feedback_for_user(org.other_officer, org.agency, item.pk) == item
    assert access.can_handle(org.other_officer, item)


def test_who_handles_receives_approves_and_publishes(org, assigned):
    for role in ROLES:
        user = getattr(org, role)
        assert access.can_handle(user, assigned) == (role in HANDLE), role
        assert access.can_approve(user, org.agency) == (role == "leader"), role
        assert access.can_publish(user, org.agency) == (role in {"office", "leader", "admin"}), role
    assert access.can_receive(org.officer, org.agency) and access.can_receive(org.other_officer, org.agency)
    assert not access.can_receive(org.auditor, org.agency) and not access.can_receive(org.outsider, org.agency)


def test_require_refuses_with_403():
    access.require(True)
    with pytest.raises(PermissionDenied):
        access.require(False)
