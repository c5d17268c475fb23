"""The register of tasks assigned by the province: every workflow audited with its before and
after (plans.assigned), and the rules between fields."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from core import audit
from core.models import AuditEntry
from plans import assigned
from plans.models import AssignedTask

D = dt.date
TODAY = D(2026, 11, 20)


def entries(task):
    return list(AuditEntry.objects.filter(object_type="plans.assignedtask", object_id=str(task.pk)).order_by("pk"))


@pytest.fixture
def new_task(org):
    def make(code="1234/UBND-KT", **fields):
        data = {
            "code": code,
            "document_number": code,
            "document_date": D(2026, 3, 2),
            "issuer": AssignedTask.Issuer.CHAIRMAN,
            "content": "Báo cáo tình hình triển khai nền tảng số cửa khẩu",
            "due_date": D(2026, 4, 15),
            "lead_unit": org.unit_a,
            "coordinating_units": [org.unit_b],
        } | fields
        return assigned.create_assigned(actor=org.office, agency=org.agency, data=data, today=TODAY)

    return make


def test_create_is_audited_with_what_was_entered(org, new_task):
    task = new_task()
    [entry] = entries(task)
    assert entry.action == "assigned.created" and entry.actor == org.office
    assert entry.changes["due_date"] == [None, "2026-04-15"]
    assert entry.changes["coordinating_units"] == [None, [org.unit_b.pk]]
    assert entry.changes["issuer"] == [None, "chairman"]
    assert task.status == AssignedTask.Status.OPEN and task.source == "manual"


def test_a_code_is_entered_once_per_agency(org, new_task):
    new_task()
    with pytest.raises(assigned.AssignedError):
        new_task()
    assert AssignedTask.objects.filter(agency=org.agency).count() == 1


def test_update_records_only_what_changed_and_the_reason(org, new_task):
    task = new_task()
    assigned.update_assigned(
        actor=org.leader, task=task, data={"due_date": D(2026, 4, 30)}, today=TODAY, note="Văn bản gia hạn"
    )
    entry = entries(task)[-1]
    assert entry.action == "assigned.updated" and entry.note == "Văn bản gia hạn"
    assert entry.changes == {"due_date": ["2026-04-15", "2026-04-30"]}


def test_complete_reopen_and_withdraw_are_each_audited(org, new_task, new_document):
    task = new_task()
    document = new_document(org.officer, "Báo cáo 215/BC-BQLKKTCK", unit=org.unit_a)
    assigned.complete_assigned(
        actor=org.officer,
        task=task,
        completed_on=D(2026, 4, 10),
        report_number="215/BC-BQLKKTCK",
        report_date=D(2026, 4, 10),
        documents=[document],
        today=TODAY,
    )
    task.refresh_from_db()
    assert task.on_time is True and list(task.evidence.all()) == [document]
    assigned.reopen_assigned(actor=org.office, task=task, reason="Báo cáo chưa đủ nội dung")
    task.refresh_from_db()
    assert task.status == "open" and task.completed_on is None
    assigned.withdraw_assigned(actor=org.office, task=task, reason="UBND tỉnh thu hồi")
    actions = [e.action for e in entries(task)]
    assert actions == ["assigned.created", "assigned.completed", "assigned.reopened", "assigned.withdrawn"]
    completed = entries(task)[1].changes
    assert completed["status"] == ["open", "done"] and completed["evidence"] == [[], [document.pk]]
    assert entries(task)[3].note == "UBND tỉnh thu hồi"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_date": D(2026, 3, 1)}, "The due date is before the date of the assigning document."),
        ({"status": "done", "completed_on": None}, "A task done needs the date it was completed."),
        ({"status": "done", "completed_on": D(2026, 12, 1)}, "The completion date is in the future."),
        ({"status": "open", "completed_on": D(2026, 4, 1)}, "Only a task done has a completion date."),
    ],
)
def test_fields_that_contradict_each_other_are_refused(org, new_task, fields, message):
    with pytest.raises(assigned.AssignedError) as refused:
        new_task(**fields)
    assert str(refused.value) == gettext(message)  # in the language of the run (Vietnamese)
    assert not AssignedTask.objects.exists()


def test_a_withdrawn_task_cannot_be_reported_done(org, new_task):
    task = new_task()
    assigned.withdraw_assigned(actor=org.office, task=task, reason="Thu hồi")
    with pytest.raises(assigned.AssignedError):
        assigned.complete_assigned(actor=org.officer, task=task, completed_on=D(2026, 4, 1), today=TODAY)


def test_upsert_by_code_is_idempotent(org):
    data = {
        "document_number": "567/UBND-KT",
        "document_date": D(2026, 5, 4),
        "content": "Báo cáo giải ngân vốn đầu tư công",
        "due_date": D(2026, 6, 30),
        "lead_unit": org.unit_b,
        "coordinating_units": [],
    }
    kwargs = {"actor": org.office, "agency": org.agency, "code": "567/UBND-KT", "source": "api", "today": TODAY}
    first = assigned.upsert_assigned(data=data, **kwargs)
    again = assigned.upsert_assigned(data=data, **kwargs)
    moved = assigned.upsert_assigned(data=data | {"due_date": D(2026, 7, 15)}, **kwargs)
    assert (first.created, again.created, again.changed, moved.changed) == (True, False, False, True)
    assert [e.action for e in entries(first.task)] == ["assigned.created", "assigned.updated"]
    assert AssignedTask.objects.get().due_date == D(2026, 7, 15)


def test_the_history_names_the_units_and_the_issuer(org, new_task):
    task = new_task()
    entry = entries(task)[0]
    with translation.override("en"):
        assert audit.value_label(entry.action, "lead_unit", entry.changes["lead_unit"][1]) == org.unit_a.name
        assert audit.value_label(entry.action, "coordinating_units", [org.unit_b.pk]) == org.unit_b.name
        assert audit.value_label(entry.action, "issuer", "chairman") == "Chairman of the Provincial People's Committee"
        assert audit.field_label(entry.action, "due_date") == "due date"


def test_a_reimport_without_completion_keeps_what_the_unit_reported(org, new_task):
    """The Government Office's export has no completion: importing it again must not reopen a
    task the lead unit reported done, nor wipe its report (found by the independent review)."""
    task = new_task(due_date=D(2026, 6, 30))
    assigned.complete_assigned(
        actor=org.office,
        task=task,
        completed_on=D(2026, 6, 20),
        report_number="45/BC-BQL",
        report_date=D(2026, 6, 20),
        today=D(2026, 6, 21),
    )
    row = {
        "document_number": task.document_number,
        "document_date": task.document_date,
        "content": task.content,
        "due_date": task.due_date,
        "lead_unit": task.lead_unit,
        "coordinating_units": [],
        "excerpt": "",
        "report_number": "",
        "report_date": None,
        "note": "",
    }
    result = assigned.import_assigned(actor=org.office, agency=org.agency, rows=[(task.code, row)], today=D(2026, 7, 1))
    task.refresh_from_db()
    assert (result.updated, result.unchanged) == (0, 1)
    assert (task.status, task.completed_on, task.report_number) == ("done", D(2026, 6, 20), "45/BC-BQL")


def test_a_task_is_reported_done_with_its_proof(org, new_task):
    """No report number and no evidence: refused (the register feeds PAR 1.5)."""
    task = new_task()
    with pytest.raises(assigned.AssignedError):
        assigned.complete_assigned(actor=org.office, task=task, completed_on=D(2026, 4, 10), today=TODAY)
    task.refresh_from_db()
    assert task.status == "open"
    assigned.complete_assigned(
        actor=org.office, task=task, completed_on=D(2026, 4, 10), report_number="12/BC", today=TODAY
    )
    task.refresh_from_db()
    assert task.status == "done"
