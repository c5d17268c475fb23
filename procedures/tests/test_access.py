"""procedures.access: who sees, handles and manages dossiers (404 when unseen, 403 when not allowed)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.models import Membership, Role
from procedures import access


def test_who_sees_and_handles_a_dossier(org, dossier):
    assert access.get_dossier_for_user(org.auditor, org.agency, dossier.pk) == dossier
    with pytest.raises(PermissionDenied):
        access.get_dossier_for_user(org.auditor, org.agency, dossier.pk, handle=True)
    with pytest.raises(Http404):
        access.get_dossier_for_user(org.other_officer, org.agency, dossier.pk)
    assert access.get_dossier_for_user(org.officer, org.agency, dossier.pk, handle=True) == dossier
    assert not access.dossiers_visible_to(org.outsider, org.agency).exists()


def test_only_managers_get_their_agency_for_a_managers_page(org):
    assert access.get_managed_agency_for_user(org.leader, org.agency) == org.agency
    with pytest.raises(PermissionDenied):
        access.get_managed_agency_for_user(org.officer, org.agency)
    with pytest.raises(Http404):
        access.get_managed_agency_for_user(org.officer, None)


def test_the_api_agencies_the_members_and_the_integration_account(org):
    integration = org.people["chuyenvien.sct"]
    Membership.objects.create(user=integration, agency=org.agency, role=Role.INTEGRATION)
    integration = type(integration).objects.get(pk=integration.pk)  # a fresh scope
    assert access.get_api_agency_for_user(org.officer, "BQLKKTCK") == org.agency
    assert access.get_api_agency_for_user(integration, "BQLKKTCK") == org.agency
    with pytest.raises(Http404):  # the indicators are for members: the integration account is none
        access.get_member_agency_for_user(integration, "BQLKKTCK")
    with pytest.raises(Http404):
        access.get_api_agency_for_user(org.officer, "KHONG-CO")
    assert access.get_member_agency_for_user(org.auditor, "BQLKKTCK") == org.agency


def test_who_may_push_dossiers(org):
    assert access.can_push_dossiers(org.officer, org.agency)
    assert not access.can_push_dossiers(org.auditor, org.agency)
    assert not access.can_push_dossiers(org.outsider, org.agency)
    assert access.can_push_dossier(org.officer, org.agency, existing=None, unit_id=org.unit_a.pk)
    assert not access.can_push_dossier(org.other_officer, org.agency, existing=None, unit_id=org.unit_a.pk)
