"""Core workflows (core.services): the audit writers, one-field changes with their audit entry,
evidence documents and their versions. Every stored value's form is in
tests/security/test_audit_values.py."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core.files import FileRejected
from core.models import ApiToken, AuditEntry
from core.services import add_document_version, audit_entry, create_document, history_for, save_changes
from core.tokens import create_token, revoke_token

PDF = b"%PDF-1.4\n% kiem chung\n%%EOF\n"


def test_save_changes_sets_saves_and_logs_each_field(org):
    unit = org.unit_a
    entry = save_changes(
        actor=org.admin,
        agency=org.agency,
        action="unit.renamed",
        obj=unit,
        values={"name": "Phòng Quản lý doanh nghiệp", "code": "QLDN2"},
        note="đổi tên",
    )
    unit.refresh_from_db()
    assert (unit.name, unit.code) == ("Phòng Quản lý doanh nghiệp", "QLDN2")
    assert entry.pk and entry.changes["code"] == ["QLDN", "QLDN2"]
    assert entry.changes["name"][1] == "Phòng Quản lý doanh nghiệp"
    assert (entry.actor, entry.agency, entry.note, entry.object_id) == (org.admin, org.agency, "đổi tên", str(unit.pk))
    assert entry.object_type == "core.unit"


def test_save_changes_saves_only_the_fields_given(org):
    unit = org.unit_a
    unit.name = "not saved"  # a change in memory that is not part of this step
    save_changes(actor=None, agency=None, action="unit.recoded", obj=unit, values={"code": "X1"})
    unit.refresh_from_db()
    assert unit.code == "X1" and unit.name != "not saved"


def test_save_changes_logs_a_value_set_again(org):
    entry = save_changes(actor=None, agency=None, action="unit.recoded", obj=org.unit_a, values={"code": "QLDN"})
    assert entry.changes == {"code": ["QLDN", "QLDN"]}


def test_revoking_a_token_is_one_audited_change_and_happens_once(org):
    _secret, token = create_token(actor=org.office, user=org.office, name="BI", scope="read", days=dt.timedelta(30))
    revoke_token(actor=org.office, token=token)
    revoke_token(actor=org.office, token=token)  # again: nothing more
    token = ApiToken.objects.get(pk=token.pk)
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    entries = AuditEntry.objects.filter(action="api_token.revoked")
    assert [(e.changes, e.note, e.actor) for e in entries] == [
        ({"revoked_at": [None, token.revoked_at.isoformat()]}, "BI", org.office)
    ]


def test_an_anonymous_visitor_is_no_actor(org):
    entry = audit_entry(actor=AnonymousUser(), agency=None, action="x", object_type="t", object_id=5)
    assert entry.actor is None and entry.object_id == "5" and entry.changes == {}


def test_history_lists_the_entries_of_the_objects_newest_first(org):
    first = save_changes(actor=None, agency=None, action="a", obj=org.unit_a, values={"code": "A1"})
    second = save_changes(actor=None, agency=None, action="b", obj=org.unit_b, values={"code": "B1"})
    save_changes(actor=None, agency=None, action="c", obj=org.agency, values={"symbol": "X"})
    assert set(history_for(org.unit_a, org.unit_b)) == {first, second}
    assert list(history_for()) == []


def test_a_document_and_its_versions_are_numbered_and_audited(org):
    doc = create_document(
        actor=org.officer, agency=org.agency, unit=org.unit_a, fileobj=io.BytesIO(PDF), filename="a.pdf", abstract="A"
    )
    second = add_document_version(actor=org.head, document=doc, fileobj=io.BytesIO(PDF + b"v2"), filename="b.pdf")
    assert [v.version for v in doc.versions.order_by("version")] == [1, 2] and second.uploaded_by == org.head
    changes = [e.changes["version"] for e in history_for(doc).filter(action="evidence.version_added")]
    assert sorted(changes, key=str) == sorted([[None, 1], [1, 2]], key=str)


def test_a_refused_file_stores_nothing(org):
    with pytest.raises(FileRejected):
        create_document(
            actor=org.officer,
            agency=org.agency,
            unit=None,
            fileobj=io.BytesIO(b"<html>not a pdf</html>"),
            filename="a.pdf",
            abstract="A",
        )
    assert not AuditEntry.objects.filter(action="evidence.version_added").exists()
