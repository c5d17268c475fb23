"""Linking a document of the library to a task and unlinking it (plans:link_evidence,
plans:unlink_evidence)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import AuditEntry, User

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_link_then_unlink(login, org, task, said, new_document):
    doc = new_document(org.office, "QĐ", unit=org.unit_a)
    client = login(org.officer)
    linked = client.post(reverse("plans:link_evidence", args=[task.pk]), {"document": doc.pk})
    assert said(linked) == [_("Evidence linked to the task.")]
    task.refresh_from_db()
    assert task.evidence_count == 1
    client.post(reverse("plans:unlink_evidence", args=[task.pk, doc.pk]))
    task.refresh_from_db()
    assert task.evidence_count == 0 and not task.evidence_links.exists()
    actions = AuditEntry.objects.filter(object_id=str(task.pk)).values_list("action", flat=True)
    assert {"task.evidence_linked", "task.evidence_unlinked"} <= set(actions)


def test_a_document_of_another_agency_is_never_linked(login, org, task, new_document):
    theirs = new_document(org.outsider, "QĐ", agency=org.other)
    boss = User.objects.create(username="sieuquantri", is_superuser=True)
    response = login(boss).post(reverse("plans:link_evidence", args=[task.pk]), {"document": theirs.pk})
    assert response.status_code == 404 and not task.evidence_links.exists()


def test_a_reader_links_nothing(login, org, task, new_document):
    doc = new_document(org.office, "QĐ", unit=org.unit_a)
    assert (
        login(org.auditor).post(reverse("plans:link_evidence", args=[task.pk]), {"document": doc.pk}).status_code == 403
    )
