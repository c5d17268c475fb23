"""Who may read and make the reports (reports.access): invisible -> 404, not allowed -> 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from reports import access, jobs
from reports.models import DocumentTemplate
from reports.tests.helpers import make_report


def test_readers_and_writers_of_the_agency(org):
    for user in (org.leader, org.office, org.admin):
        assert access.can_read(user, org.agency) and access.can_write(user, org.agency), user
    assert access.can_read(org.auditor, org.agency) and not access.can_write(org.auditor, org.agency)  # read-only
    # a unit's view; another agency; the Sở Nội vụ's appraiser (an organiser of rounds, not a member)
    for user in (org.officer, org.head, org.outsider, org.appraiser):
        assert not access.can_read(user, org.agency) and not access.can_write(user, org.agency), user


def test_a_report_is_found_only_in_its_agency_and_edited_by_its_managers(org):
    report = make_report(org)
    assert access.get_report_for_user(org.auditor, org.agency, report.pk) == report
    assert access.get_report_for_user(org.office, org.agency, report.pk, write=True) == report
    with pytest.raises(PermissionDenied):
        access.get_report_for_user(org.auditor, org.agency, report.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.get_report_for_user(org.officer, org.agency, report.pk)
    with pytest.raises(Http404):  # another agency's page: not there at all
        access.get_report_for_user(org.outsider, org.other, report.pk)


def test_the_plans_document_follows_the_plans_visibility_then_the_reports_rules(org, plan):
    assert access.get_plan_document_for_user(org.auditor, plan.pk) == plan
    with pytest.raises(PermissionDenied):
        access.get_plan_document_for_user(org.auditor, plan.pk, write=True)
    with pytest.raises(PermissionDenied):  # sees the plan's tasks of its unit, not the plan's document
        access.get_plan_document_for_user(org.officer, plan.pk)
    with pytest.raises(Http404):
        access.get_plan_document_for_user(org.outsider, plan.pk)
    with pytest.raises(Http404):  # asked within another agency
        access.get_plan_document_for_user(org.admin, plan.pk, agency=org.other)
    assert access.get_plan_document_for_user(org.office, plan.pk, agency=org.agency, write=True) == plan


def test_a_template_is_for_the_managers_of_its_agency(org):
    template = DocumentTemplate.objects.create(agency=org.agency, kind="report", name="bc.docx", sha256="x")
    assert access.get_template_for_user(org.admin, org.agency, template.pk) == template
    with pytest.raises(PermissionDenied):  # refused before anything is looked up
        access.get_template_for_user(org.auditor, org.agency, template.pk + 1)
    with pytest.raises(Http404):
        access.get_template_for_user(org.admin, org.agency, template.pk + 1)


def test_a_generated_file_is_for_the_readers_of_its_agency(org):
    item = jobs.request_file(kind="report_xlsx", agency=org.agency, actor=org.office, report=make_report(org))
    assert access.get_generated_file_for_user(org.auditor, item.pk) == item
    for user in (org.officer, org.outsider):
        with pytest.raises(Http404):
            access.get_generated_file_for_user(user, item.pk)
    with pytest.raises(Http404):
        access.get_generated_file_for_user(org.admin, item.pk + 1)


def test_an_evidence_package_is_asked_for_by_the_managers_and_seen_by_the_agency(org, par_with_evidence):
    card, _files = par_with_evidence
    assert access.get_package_scorecard_for_user(org.office, card.pk) == card
    assert access.can_see_package(org.auditor, card) and not access.can_request_package(org.auditor, card)
    with pytest.raises(PermissionDenied):  # the auditor reads the scorecard but may not ask for a package
        access.get_package_scorecard_for_user(org.auditor, card.pk)
    with pytest.raises(PermissionDenied):  # an officer sees the scorecard, not every document of it
        access.get_package_scorecard_for_user(org.officer, card.pk)
    with pytest.raises(Http404):
        access.get_package_scorecard_for_user(org.outsider, card.pk)
