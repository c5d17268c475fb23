"""Who sees and changes the register of tasks assigned by the province (plans.access): another
agency sees nothing (404), the auditor reads (403 on any change), an officer sees and reports
the tasks of their own unit only, the Office, the leader and the administrator edit."""

import datetime as dt

import pytest
from django.urls import reverse

from plans.access import assigned_tasks_visible_to, can_edit_assigned, can_report_assigned
from plans.models import AssignedTask

D = dt.date


@pytest.fixture
def tasks(org):
    def make(code, unit):
        return AssignedTask.objects.create(
            agency=org.agency,
            code=code,
            document_number=code,
            document_date=D(2026, 3, 2),
            content=f"Nhiệm vụ {code}",
            due_date=D(2026, 4, 15),
            lead_unit=unit,
        )

    return {"qldn": make("QLDN-1", org.unit_a), "khth": make("KHTH-1", org.unit_b), "agency": make("ALL-1", None)}


def codes(user):
    return set(assigned_tasks_visible_to(user).values_list("code", flat=True))


def test_who_sees_what(org, tasks):
    everything = {"QLDN-1", "KHTH-1", "ALL-1"}
    for person in (org.office, org.leader, org.admin, org.auditor):
        assert codes(person) == everything
    assert codes(org.officer) == {"QLDN-1"} and codes(org.head) == {"QLDN-1"}
    assert codes(org.other_officer) == {"KHTH-1"}
    assert codes(org.outsider) == set() and codes(org.appraiser) == set()


def test_a_coordinating_unit_sees_the_task_but_does_not_report_it(org, tasks):
    task = tasks["khth"]
    task.coordinating_units.set([org.unit_a])
    assert "KHTH-1" in codes(org.officer)
    assert not can_report_assigned(org.officer, task) and can_report_assigned(org.other_officer, task)


def test_who_changes_what(org, tasks):
    task = tasks["qldn"]
    assert [can_edit_assigned(p, task) for p in (org.office, org.leader, org.admin)] == [True] * 3
    assert [can_edit_assigned(p, task) for p in (org.officer, org.head, org.auditor)] == [False] * 3
    assert can_report_assigned(org.officer, task) and can_report_assigned(org.head, task)
    assert not can_report_assigned(org.auditor, task) and not can_report_assigned(org.other_officer, task)
    assert not can_report_assigned(org.officer, tasks["agency"])  # the agency as a whole: the Office


def test_another_agency_gets_404_on_every_page(login, org, tasks):
    client = login(org.outsider)
    pk = tasks["qldn"].pk
    for name in ("plans:assigned_detail", "plans:assigned_edit"):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for name in ("plans:assigned_complete", "plans:assigned_reopen", "plans:assigned_withdraw"):
        assert client.post(reverse(name, args=[pk]), {"reason": "x"}).status_code == 404
    page = client.get(reverse("plans:assigned_list"))
    assert "QLDN-1" not in page.content.decode()


def test_the_auditor_reads_and_may_change_nothing(login, org, tasks):
    client = login(org.auditor)
    pk = tasks["qldn"].pk
    assert client.get(reverse("plans:assigned_detail", args=[pk])).status_code == 200
    assert client.get(reverse("plans:assigned_edit", args=[pk])).status_code == 403
    assert client.get(reverse("plans:assigned_new")).status_code == 403
    assert client.get(reverse("plans:assigned_import")).status_code == 403
    done = {"completed_on": "10/04/2026"}
    assert client.post(reverse("plans:assigned_complete", args=[pk]), done).status_code == 403
    assert client.post(reverse("plans:assigned_withdraw", args=[pk]), {"reason": "x"}).status_code == 403
    assert AssignedTask.objects.get(pk=pk).status == "open"


def test_an_officer_of_another_unit_gets_404_and_of_the_unit_reports_done(login, org, tasks):
    pk = tasks["qldn"].pk
    done = {"completed_on": "10/04/2026", "report_number": "215/BC-BQLKKTCK", "report_date": "10/04/2026"}
    other = login(org.other_officer)
    assert other.get(reverse("plans:assigned_detail", args=[pk])).status_code == 404
    assert other.post(reverse("plans:assigned_complete", args=[pk]), done).status_code == 404
    officer = login(org.officer)
    assert officer.get(reverse("plans:assigned_edit", args=[pk])).status_code == 403
    response = officer.post(reverse("plans:assigned_complete", args=[pk]), done)
    assert response.status_code == 302
    task = AssignedTask.objects.get(pk=pk)
    assert (task.status, task.completed_on, task.report_number) == ("done", D(2026, 4, 10), "215/BC-BQLKKTCK")
