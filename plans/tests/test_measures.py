"""plans.metrics: each computed measure of the plan and of the register of assigned tasks against
a small hand-counted fixture, the recurring due dates counted, and the as-of bound (a snapshot of
an earlier day leaves out what came after it)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.metrics import METRICS, batch, compute_metric, metric_link
from core.models import Document, Unit
from plans.models import AssignedTask, Finding, Inspection, Occurrence, Plan, Task, TaskEvidence

D = dt.date
JUNE = D(2026, 6, 30)
MARCH = D(2026, 3, 31)


def value(key, org, today, agency=None):
    return compute_metric(key, agency=agency or org.agency, year=2026, today=today)


def ratio(key, org, today):
    found = value(key, org, today)
    return None if found is None else (found.data["numerator"], found.data["denominator"])


@pytest.fixture
def tasks(org, plan):
    """One-off tasks of the 2026 plan (3 on time, 1 late, 1 open and due, 1 cancelled, 1 not due by
    30/06), a quarterly task (Q1 done on time, Q2 done late on 02/07, Q3 not due), and tasks of a
    2025 plan and of another agency that never count."""

    def task(code, deadline, status="not_started", completed_on=None, *, plan=plan, agency=None, **fields):
        return Task.objects.create(
            plan=plan,
            agency=agency or plan.agency,
            code=code,
            title=f"Nhiệm vụ {code}",
            lead_unit=org.unit_a,
            deadline=deadline,
            status=status,
            completed_on=completed_on,
            **fields,
        )

    made = {
        "T1": task("T1", D(2026, 3, 15), "done", D(2026, 3, 10)),
        "T2": task("T2", D(2026, 4, 20), "done", D(2026, 4, 1)),
        "T3": task("T3", D(2026, 5, 20), "done", D(2026, 5, 1), needs_evidence=False),
        "T4": task("T4", D(2026, 6, 1), "done_late", D(2026, 6, 10)),
        "T5": task("T5", D(2026, 5, 1), "cancelled"),
        "T6": task("T6", D(2026, 6, 20), "in_progress"),
        "T7": task("T7", D(2026, 9, 10)),
        "R": task("R", D(2026, 3, 1), "in_progress", recurrence="quarterly"),  # its deadline never counts
    }
    Occurrence.objects.create(task=made["R"], period_label="Q1", due_date=D(2026, 3, 31), done_on=D(2026, 3, 30))
    Occurrence.objects.create(task=made["R"], period_label="Q2", due_date=D(2026, 6, 30), done_on=D(2026, 7, 2))
    Occurrence.objects.create(task=made["R"], period_label="Q3", due_date=D(2026, 9, 30))
    old = Plan.objects.create(agency=org.agency, year=2025, title="Kế hoạch 2025", status="issued")
    task("OLD", D(2026, 1, 15), "in_progress", plan=old)
    other = Plan.objects.create(agency=org.other, year=2026, title="Kế hoạch SCT", status="issued")
    Task.objects.create(
        plan=other,
        agency=org.other,
        code="X1",
        title="Nhiệm vụ SCT",
        lead_unit=Unit.objects.filter(agency=org.other).first(),
        deadline=D(2026, 2, 1),
        status="done",
        completed_on=D(2026, 1, 20),
    )
    return made


def test_plan_completion_counts_one_off_tasks_and_each_recurring_due_date(org, tasks):
    # one-off: T1 T2 T3 on time, T4 late, T6 due and open (T5 cancelled, T7 not due): 3/5;
    # quarterly R: Q1 on time, Q2 due 30/06 not done by then: 1/2
    assert ratio("plan_completion_rate", org, JUNE) == (4, 7)
    # the former key, still named by stored criteria sets, is the same figure
    assert ratio("task_completion_rate", org, JUNE) == (4, 7)
    assert METRICS["task_completion_rate"].label == METRICS["plan_completion_rate"].label
    # Q2 was done on 02/07, after its due date: late whenever it is counted
    assert ratio("plan_completion_rate", org, D(2026, 7, 5)) == (4, 7)


def test_plan_completion_as_of_an_earlier_day(org, tasks):
    # on 31/03 only T1 (due 15/03) and Q1 (due 31/03) were due, both done on time
    assert ratio("plan_completion_rate", org, MARCH) == (2, 2)
    assert value("plan_completion_rate", org, MARCH).period == "01/01/2026 – 31/03/2026"
    assert value("plan_completion_rate", org, D(2025, 12, 31)) is None  # before the year
    # the other agency's own task only (X1, done on time)
    assert value("plan_completion_rate", org, JUNE, agency=org.other).data == {"numerator": 1, "denominator": 1}


def test_periodic_reports_on_time(org, tasks):
    assert ratio("periodic_reports_on_time_rate", org, JUNE) == (1, 2)
    assert ratio("periodic_reports_on_time_rate", org, MARCH) == (1, 1)
    assert ratio("periodic_reports_on_time_rate", org, D(2026, 12, 31)) == (1, 3)  # Q3 never done
    Task.objects.filter(code="R").update(status="cancelled")
    assert value("periodic_reports_on_time_rate", org, JUNE) is None


def test_evidence_coverage(org, tasks, new_document):
    document = new_document(org.office, "Báo cáo kết quả")
    for code in ("T1", "T4", "T6"):
        TaskEvidence.objects.create(task=tasks[code], document=document)
    TaskEvidence.objects.filter(task__code="T4").update(linked_at=dt.datetime(2026, 6, 12, 8, tzinfo=dt.UTC))
    TaskEvidence.objects.filter(task__code__in=("T1", "T6")).update(linked_at=dt.datetime(2026, 3, 12, tzinfo=dt.UTC))
    # closed as done and needing evidence: T1 (linked), T2 (none), T4 (linked); T3 needs none, T6 is open
    assert ratio("evidence_coverage_rate", org, JUNE) == (2, 3)
    # on 31/03 only T1 was closed, and its document was linked on 12/03
    assert ratio("evidence_coverage_rate", org, MARCH) == (1, 1)
    # T4's document was linked on 12/06: on 11/06 T4 was done (10/06) without evidence yet
    assert ratio("evidence_coverage_rate", org, D(2026, 6, 11)) == (1, 3)
    assert Document.objects.count() == 1


def test_inspection_findings_resolved(org, tasks):
    spring = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra CCHC quý I", inspected_unit=org.unit_a, inspected_on=D(2026, 2, 10)
    )
    for text, remedy in (("F1", "T1"), ("F2", "T4"), ("F3", "T6"), ("F4", None)):
        Finding.objects.create(inspection=spring, text=text, remediation_task=tasks.get(remedy))
    later = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra tháng 7", inspected_unit=org.unit_a, inspected_on=D(2026, 7, 15)
    )
    Finding.objects.create(inspection=later, text="F5")
    old = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra 2025", inspected_unit=org.unit_a, inspected_on=D(2025, 11, 5)
    )
    Finding.objects.create(inspection=old, text="F6", remediation_task=tasks["T2"])
    # F1 (T1 done) and F2 (T4 done late) resolved; F3 (T6 open), F4 (no task) not; F5 after 30/06
    assert ratio("inspection_findings_resolved_rate", org, JUNE) == (2, 4)
    # on 31/03 T4 was not done yet (10/06)
    assert ratio("inspection_findings_resolved_rate", org, MARCH) == (1, 4)
    assert ratio("inspection_findings_resolved_rate", org, D(2026, 12, 31)) == (2, 5)
    assert value("inspection_findings_resolved_rate", org, D(2026, 2, 9)) is None  # no inspection yet


def assigned(org, code, due, status="open", completed_on=None, agency=None, issuer="province"):
    return AssignedTask.objects.create(
        issuer=issuer,
        agency=agency or org.agency,
        code=code,
        document_number=f"{code}/UBND-KT",
        document_date=D(2026, 1, 5),
        content=f"Nhiệm vụ {code}",
        due_date=due,
        status=status,
        completed_on=completed_on,
    )


def test_assigned_tasks_on_time(org):
    assigned(org, "A1", D(2026, 3, 15), "done", D(2026, 3, 10))  # on time
    assigned(org, "A2", D(2026, 4, 20), "done", D(2026, 4, 25))  # late
    assigned(org, "A3", D(2026, 5, 10), "done", D(2026, 5, 10))  # on the due date: on time
    assigned(org, "A4", D(2026, 6, 1))  # open past its due date
    assigned(org, "A5", D(2026, 5, 1), "withdrawn")  # left out
    assigned(org, "A6", None, "done", D(2026, 2, 1))  # no due date: left out
    assigned(org, "A7", D(2026, 8, 15))  # not due by 30/06
    assigned(org, "A8", D(2025, 12, 20), "done", D(2025, 12, 1))  # due last year
    assigned(org, "A9", D(2026, 6, 30), "done", D(2026, 6, 30))  # on time
    assigned(org, "B1", D(2026, 3, 1), "done", D(2026, 3, 1), agency=org.other)
    assigned(org, "M1", D(2026, 4, 1), issuer="ministry")  # a ministry's task: not the province's rate
    assigned(org, "C1", D(2026, 4, 2), "done", D(2026, 4, 1), issuer="vice_chairman")  # on time
    assert ratio("assigned_tasks_on_time_rate", org, JUNE) == (4, 6)
    assert ratio("assigned_tasks_on_time_rate", org, MARCH) == (1, 1)
    assert value("assigned_tasks_on_time_rate", org, D(2026, 3, 14)) is None  # nothing due yet
    # done on its due date but recorded as completed later than the snapshot day: not yet done then
    assigned(org, "A10", D(2026, 3, 20), "done", D(2026, 3, 20))
    assert ratio("assigned_tasks_on_time_rate", org, D(2026, 3, 19)) == (1, 1)
    assert ratio("assigned_tasks_on_time_rate", org, MARCH) == (2, 2)


def test_the_plan_measures_are_registered_with_links_to_their_records(org, db):
    assert metric_link("assigned_tasks_on_time_rate", org.agency, 2026) == reverse("plans:assigned_list") + "?year=2026"
    assert metric_link("inspection_findings_resolved_rate", org.agency, 2026) == reverse("plans:inspections")
    assert metric_link("plan_completion_rate", org.agency, 2026).startswith(reverse("plans:task_list") + "?due=2026")
    assert "status=done" in metric_link("evidence_coverage_rate", org.agency, 2026)
    for key in ("periodic_reports_on_time_rate", "evidence_coverage_rate", "inspection_findings_resolved_rate"):
        assert METRICS[key].unit == "%"


def test_the_plan_and_periodic_rates_share_one_pass_over_the_due_dates(org, tasks, django_assert_num_queries):
    with batch():
        with django_assert_num_queries(2):  # the one-off tasks, the due dates
            value("plan_completion_rate", org, JUNE)
        with django_assert_num_queries(0):
            assert value("periodic_reports_on_time_rate", org, JUNE).data == {"numerator": 1, "denominator": 2}
