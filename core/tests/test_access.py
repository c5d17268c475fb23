"""The evidence library's access rules and the shared lookup (core.access): invisible -> 404,
visible but not allowed -> 403. The pages behind them are in tests/security/test_access_matrix.py."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from core import access
from core.models import ApiToken, Document, User
from core.services import create_document
from core.tokens import create_token

PDF = b"%PDF-1.4\n% kiem chung\n%%EOF\n"


def document(org, *, actor=None, unit="a"):
    return create_document(
        actor=actor or org.office,
        agency=org.agency,
        unit={"a": org.unit_a, "b": org.unit_b, None: None}[unit],
        fileobj=io.BytesIO(PDF),
        filename="kh.pdf",
        abstract="Kế hoạch",
    )


def test_get_visible_gives_the_object_404_or_403(org):
    doc = document(org)
    everyone = Document.objects.all()
    assert access.get_visible(everyone, doc.pk) == doc
    assert access.get_visible(everyone, doc.pk, allowed=lambda d: d.pk == doc.pk) == doc
    with pytest.raises(Http404):
        access.get_visible(everyone.none(), doc.pk)
    with pytest.raises(Http404):
        access.get_visible(everyone, doc.pk + 1000)
    with pytest.raises(PermissionDenied):
        access.get_visible(everyone, doc.pk, allowed=lambda d: False)


@pytest.mark.parametrize(
    ("person", "unit", "works"),
    [
        ("office", "a", True),  # a manager of the agency
        ("leader", None, True),
        ("officer", "a", True),  # an officer of the document's unit
        ("head", "a", True),  # its head
        ("other_officer", "a", False),  # an officer of another unit
        ("other_officer", None, False),  # an agency-wide document, not his
        ("auditor", "a", False),  # read-only
        ("appraiser", "a", False),
        ("outsider", "a", False),  # another agency
    ],
)
def test_who_may_add_versions_of_a_document(org, person, unit, works):
    doc = document(org, unit=unit)
    user = getattr(org, person)
    assert access.scope_for(user).can_work_on(doc.agency_id, unit_id=doc.unit_id, owner_id=doc.created_by_id) is works
    assert access.can_change_document(user, doc) is works


def test_the_uploader_may_add_versions_of_his_own_document_in_another_unit(org):
    doc = document(org, actor=org.other_officer, unit="a")
    assert access.can_change_document(org.other_officer, doc)
    assert access.get_document_for_user(org.other_officer, doc.pk, write=True) == doc


def test_an_owner_who_became_read_only_may_not(org):
    doc = document(org, actor=org.auditor, unit=None)
    assert not access.scope_for(org.auditor).can_work_on(org.agency.pk, unit_id=None, owner_id=org.auditor.pk)
    assert not access.can_change_document(org.auditor, doc)


def test_no_owner_is_nobody_s_document(org):
    anonymous = access.scope_for(AnonymousUser())
    assert not anonymous.can_work_on(org.agency.pk, unit_id=None, owner_id=None)


def test_a_document_is_read_by_who_sees_it_and_changed_by_who_may(org):
    doc = document(org, unit="a")
    assert access.get_document_for_user(org.auditor, doc.pk) == doc
    with pytest.raises(PermissionDenied):
        access.get_document_for_user(org.auditor, doc.pk, write=True)
    with pytest.raises(Http404):
        access.get_document_for_user(org.outsider, doc.pk)
    with pytest.raises(Http404):
        access.get_document_for_user(org.outsider, doc.pk, write=True)  # invisible: 404 before 403


def test_a_stored_version_is_given_only_to_who_sees_its_document(org):
    doc = document(org, unit="a")
    version = doc.versions.get()
    assert access.get_version_for_user(org.officer, version.pk) == version
    assert access.get_version_for_user(org.auditor, version.pk) == version
    with pytest.raises(Http404):
        access.get_version_for_user(org.outsider, version.pk)
    with pytest.raises(Http404):
        access.get_version_for_user(org.officer, version.pk + 1000)


def test_an_api_token_is_given_only_to_its_owner(org):
    _secret, mine = create_token(actor=org.office, user=org.office, name="Báo cáo", scope="read", days=dt.timedelta(1))
    assert access.get_api_token_for_user(org.office, mine.pk) == mine
    for other in (org.leader, AnonymousUser()):
        with pytest.raises(Http404):
            access.get_api_token_for_user(other, mine.pk)
    assert ApiToken.objects.count() == 1


def test_a_person_with_no_agency_has_no_current_agency(org):
    loner = User.objects.create(username="mot-minh")
    request = RequestFactory().get("/")
    request.user, request.session = loner, {}
    assert access.current_agency(request) is None
    with pytest.raises(Http404):
        access.current_agency_or_404(request)


def test_the_current_agency_is_the_one_chosen_else_the_first(org):
    chief = User.objects.create(username="toan-tinh", is_superuser=True)  # sees every agency

    def current(user, session):
        request = RequestFactory().get("/")
        request.user, request.session = user, session
        return access.current_agency_or_404(request)

    first = access.visible_agencies(chief).order_by("name").first()
    assert current(chief, {}) == first
    chosen = access.visible_agencies(chief).exclude(pk=first.pk).first()
    assert current(chief, {"agency_id": chosen.pk}) == chosen
    assert current(org.officer, {"agency_id": org.other.pk}) == org.agency  # not his: his own
