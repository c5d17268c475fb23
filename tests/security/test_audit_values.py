"""M10 (reviews/2026-12/security.md): a dossier update whose due time changes was a 500 (a `time`
reached the audit log's JSON). Every value the audit log stores goes through one serializer,
core.services.audit_value; random valid dossier updates through the API and the import writer
never fail, and every changed field is in the audited diff."""

import datetime as dt
import enum
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.deadlines import LOCAL
from core.models import AuditEntry, Role
from core.services import audit_value, diff, load_calendar, log_action
from procedures import importing
from procedures.dossier_file import ALIASES
from procedures.models import FACT_FIELDS, Dossier, DossierImport

PUSH = "/api/v1/dossiers"
APPLICANT = ("applicant_name", "applicant_address", "applicant_phone", "applicant_email", "applicant_id_number")
# written by the machinery, not by the pushed record
NOT_AUDITED = {"updated_at", "source", "import_batch_id", *FACT_FIELDS}


class Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (None, None),
        (True, True),
        (7, 7),
        (1.5, 1.5),
        ("Hồ sơ", "Hồ sơ"),
        (dt.date(2026, 12, 4), "2026-12-04"),
        (dt.time(16, 30), "16:30:00"),
        (dt.datetime(2026, 12, 4, 7, 40, tzinfo=LOCAL), "2026-12-04T07:40:00+07:00"),
        (Decimal("18.50"), "18.50"),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
        (Role.LEADER, "leader"),
        (models.IntegerChoices("Level", "LOW HIGH").HIGH, 2),
        (Colour.RED, "red"),
        (gettext_lazy("Officer"), "Officer"),
        ({3, 1, 2}, [1, 2, 3]),
        (frozenset({"b", "a"}), ["a", "b"]),
        ((dt.time(8), Decimal("1")), ["08:00:00", "1"]),
        ({"due": [dt.date(2026, 1, 2), dt.time(9)]}, {"due": ["2026-01-02", "09:00:00"]}),
    ],
)
def test_audit_value_table(value, stored):
    with translation.override("en"):
        assert audit_value(value) == stored
    json.dumps(audit_value(value))  # what the JSON column takes


def test_model_instances_are_stored_by_primary_key(org):
    assert audit_value(org.unit_a) == org.unit_a.pk
    assert diff({"unit": None}, {"unit": org.unit_a}) == {"unit": [None, org.unit_a.pk]}


@pytest.mark.parametrize("value", [object(), dt.timedelta(hours=1), b"bytes", float("nan"), {(1, 2): "tuple key"}])
def test_unknown_values_are_refused_with_their_type(value):
    with pytest.raises(TypeError) as refused:
        audit_value(value)
    message = str(refused.value)
    assert any(name in message for name in ("object", "timedelta", "bytes", "nan", "tuple"))


def test_log_action_stores_every_value_through_the_serializer(org):
    entry = log_action(
        actor=org.office,
        agency=org.agency,
        action="test.values",
        obj=org.unit_a,
        changes={"due_time": [dt.time(16), dt.time(12)], "points": [None, Decimal("2.5")], "role": [None, Role.LEADER]},
    )
    entry.refresh_from_db()
    assert entry.changes == {"due_time": ["16:00:00", "12:00:00"], "points": [None, "2.5"], "role": [None, "leader"]}
    with pytest.raises(TypeError, match="timedelta"):
        log_action(actor=None, agency=None, action="x", obj=org.unit_a, changes={"pause": [None, dt.timedelta(1)]})


def push(client, **fields):
    body = {
        "agency": "BQLKKTCK",
        "dossier_code": "SEC-HOURS-0001",
        "unit": "VP",
        "received_at": "2026-12-04T07:40",
        "limit": 8,
        "limit_unit": "hours",
        "status": "processing",
        **fields,
    }
    return client.post(PUSH, json.dumps(body), content_type="application/json")


def test_due_time_change_through_the_api_is_audited(client, org):
    """The probe's three requests: the third changed the due time and was a 500."""
    client.force_login(org.office)
    assert push(client).status_code == 201
    assert push(client).status_code == 200
    changed = push(client, limit=4)
    assert changed.status_code == 200
    dossier = Dossier.objects.get(code="SEC-HOURS-0001")
    entry = AuditEntry.objects.filter(action="dossier.api_updated", object_id=str(dossier.pk)).get()
    assert entry.changes["limit"] == [8, 4]
    old, new = entry.changes["due_time"]
    assert old != new and new == dossier.due_time.isoformat()


def test_due_time_change_through_the_file_import_is_audited(org, cal):
    def run(limit):
        head = "Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Thời hạn giải quyết,Đơn vị tính,Trạng thái\n"
        text = head + f"IMP-H-1,VP,04/12/2026 07:40,{limit},giờ,processing\n"
        upload = importing.save_upload(
            agency=org.agency, actor=org.office, fileobj=io.BytesIO(text.encode()), filename="hs.csv"
        )
        return importing.run_import(upload, cal=cal)

    assert run(8).state == DossierImport.State.DONE
    again = run(4)
    assert again.state == DossierImport.State.DONE and again.updated == 1, again.error
    dossier = Dossier.objects.get(code="IMP-H-1")
    entry = AuditEntry.objects.get(action="dossier.import_updated", object_id=str(dossier.pk))
    old, new = entry.changes["due_time"]
    assert old != new and new == dossier.due_time.isoformat()


# --- random valid updates ---------------------------------------------------------------------

STATUSES = [
    "received",
    "processing",
    "supplement_requested",
    "finished",
    "returned",
    "rejected",
    "stopped",
    "withdrawn",
]
ENDED = {"finished", "returned", "rejected", "stopped", "withdrawn"}
LIMITS = {"working_days": (1, 30), "days": (1, 60), "months": (1, 6), "hours": (1, 40)}
TEXT = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊỲàảãáạ 0123456789-.,", max_size=40)


@st.composite
def records(draw, code: str) -> dict:
    """A valid dossier record in the API's shape (also the import's columns)."""
    received = dt.datetime(2025, 1, 1, 7) + dt.timedelta(minutes=draw(st.integers(0, 700 * 24 * 60)))
    limit_unit = draw(st.sampled_from(sorted(LIMITS)))
    status = draw(st.sampled_from(STATUSES))
    record = {
        "agency": "BQLKKTCK",
        "dossier_code": code,
        "unit": draw(st.sampled_from(["", "VP", "QLDN", "KHTH"])),
        "channel": draw(st.sampled_from(["direct", "online", "postal"])),
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "limit": draw(st.integers(*LIMITS[limit_unit])),
        "limit_unit": limit_unit,
        "status": status,
        **{flag: draw(st.booleans()) for flag in ("paper_result", "e_result", "digitized", "fee_bearing")},
        **{flag: draw(st.booleans()) for flag in ("reused_data", "paid_online", "complaint")},
    }
    if draw(st.booleans()):
        requested = received + dt.timedelta(hours=draw(st.integers(1, 200)))
        record["supplement_count"] = draw(st.integers(1, 3))
        record["supplement_requested_at"] = requested.strftime("%Y-%m-%dT%H:%M")
        if draw(st.booleans()):
            completed = requested + dt.timedelta(hours=draw(st.integers(0, 200)))
            record["supplement_completed_at"] = completed.strftime("%Y-%m-%dT%H:%M")
    if status in ENDED:
        finished = received + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 90)))
        record["finished_at"] = finished.strftime("%Y-%m-%dT%H:%M")
        if status == "returned":
            record["returned_at"] = (finished + dt.timedelta(hours=draw(st.integers(0, 48)))).strftime("%Y-%m-%dT%H:%M")
    digits = st.text(alphabet="0123456789", max_size=12)
    record["applicant_name"], record["applicant_address"] = draw(TEXT), draw(TEXT)
    record["applicant_phone"], record["applicant_id_number"] = draw(digits), draw(digits)
    record["applicant_email"] = draw(st.sampled_from(["", "a@b.vn", "an@x.com"]))
    return record


def stored(code: str) -> dict:
    return Dossier.objects.values().filter(code=code).first() or {}


def assert_changes_audited(before: dict, after: dict, action: str) -> None:
    changed = {k for k in after if k not in NOT_AUDITED and before.get(k) != after[k]}
    if not before or not changed:
        return
    entry = AuditEntry.objects.filter(action=action, object_id=str(after["id"])).order_by("-id").first()
    assert entry is not None, changed
    names = {name.removesuffix("_id") if name == "unit_id" or name == "procedure_id" else name for name in changed}
    audited = {name.removesuffix("_id") if name in ("unit_id", "procedure_id") else name for name in entry.changes}
    assert names <= audited, names - audited
    for name, (old, new) in entry.changes.items():
        key = name if name in after else f"{name}_id"
        assert same(new, after[key]) and same(old, before.get(key)), name


def same(logged, value) -> bool:
    """The logged value is the stored one (a moment in any time zone: the same instant)."""
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(logged) == value
    return logged == audit_value(value)


HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.slow  # a hypothesis run (make test-all)
@HYPOTHESIS
@given(updates=st.lists(records("HYP-API-1"), min_size=1, max_size=4))
def test_random_valid_updates_through_the_api(client, org, updates):
    client.force_login(org.office)  # the Office focal point handles every unit
    for record in updates:
        before = stored("HYP-API-1")
        response = client.post(PUSH, json.dumps(record), content_type="application/json")
        assert response.status_code in (200, 201), (record, response.content[:300])
        assert_changes_audited(before, stored("HYP-API-1"), "dossier.api_updated")


@pytest.mark.slow  # a hypothesis run (make test-all)
@HYPOTHESIS
@given(updates=st.lists(records("HYP-IMP-1"), min_size=1, max_size=4))
def test_random_valid_updates_through_the_import_writer(org, updates):
    names = list(ALIASES)
    for record in updates:
        before = stored("HYP-IMP-1")
        reader = importing.reader_for(org.agency, load_calendar())
        reader.header(names)
        row = reader.parse(1, [record.get(name) for name in names])
        assert row is not None, [p.as_data() for p in reader.problems]
        writer = importing.Writer(agency=org.agency, actor=org.office, source="import")
        writer.write([importing.item(row)])
        assert_changes_audited(before, stored("HYP-IMP-1"), "dossier.import_updated")


def test_audit_entries_are_built_in_one_place():
    """Every entry goes through core.services.audit_entry (and so audit_value): no module builds
    AuditEntry rows itself."""
    from pathlib import Path

    from django.conf import settings as django_settings

    root = Path(django_settings.BASE_DIR)
    builders = []
    skipped = {"tests", "bench", "var", "node_modules", "static", "locale", "data", "docs"}
    for top in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in skipped and p.name[0] != "."):
        for path in sorted(top.rglob("*.py")):
            parts = path.relative_to(root).parts
            if "migrations" in parts or "tests" in parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "AuditEntry(" in text.replace("class AuditEntry(", "") or "AuditEntry.objects.create" in text:
                builders.append(str(path.relative_to(root)))
    assert builders == ["core/services.py"]
