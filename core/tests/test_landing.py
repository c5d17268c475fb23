"""The landing page "Việc của tôi hôm nay" (core.views.home): each role lands where its work is,
from the panels the apps register (core.navigation), in a bounded number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Agency
from plans.models import Obstacle
from procedures.models import Dossier, Procedure
from scorecards import services as par_services
from scorecards.loader import DEMO_SET, load_criteria_file


def panels_of(client, person) -> dict:
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {p.key: p for p in response.context["panels"]}


def keys_of(client, person) -> list[str]:
    client.force_login(person)
    return [p.key for p in client.get(reverse("home")).context["panels"]]


@pytest.fixture
def work(org, make_task, today):
    """Tasks around the officer of QLDN (unit A): assigned to them, of their unit with nobody
    named, of their unit given to someone else, of another unit; one awaiting approval; one
    obstacle; a procedure with a late dossier of unit A."""
    tasks = {
        "far": make_task(deadline=today + dt.timedelta(days=40)),
        "late": make_task(deadline=today - dt.timedelta(days=3)),
        "week": make_task(deadline=today + dt.timedelta(days=4)),
        "others": make_task(deadline=today + dt.timedelta(days=2)),
        "other_unit": make_task(lead_unit=org.unit_b, deadline=today + dt.timedelta(days=1)),
        "assigned_elsewhere": make_task(lead_unit=org.unit_b, deadline=today + dt.timedelta(days=20)),
    }
    tasks["far"].assignees.add(org.officer)
    tasks["others"].assignees.add(org.head)
    tasks["assigned_elsewhere"].assignees.add(org.officer)
    tasks["week"].completion_requested_at = timezone.now()
    tasks["week"].save()
    Obstacle.objects.create(task=tasks["late"], reported_by=org.head, text="Thiếu kinh phí")
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Cấp giấy phép", limit=5)
    Dossier.objects.create(
        agency=org.agency,
        unit=org.unit_a,
        procedure=procedure,
        code="H38.15-0001",
        received_at=timezone.now() - dt.timedelta(days=10),
        due_date=today - dt.timedelta(days=1),
        status="processing",
    )
    return tasks


def test_the_officer_lands_on_their_tasks_nearest_due_first(client, org, work, today):
    panels = panels_of(client, org.officer)
    assert next(iter(panels)) == "my_tasks"
    mine = panels["my_tasks"]
    codes = [row.label.split(" · ")[0] for row in mine.rows]
    # theirs (assigned) and their unit's with nobody named; overdue, then within a week, then later
    assert codes == [work["late"].code, work["week"].code, work["assigned_elsewhere"].code, work["far"].code]
    assert work["others"].code not in codes and work["other_unit"].code not in codes
    counts = {c.label: c.value for c in mine.counts}
    assert list(counts.values()) == [1, 1]  # one overdue, one due within 7 days
    assert mine.count == 4
    assert mine.see_all[1] == reverse("plans:my_tasks")
    assert any(f"?unit={org.unit_a.pk}" in url for _label, url in mine.links)  # the unit's other tasks
    assert mine.rows[0].tone == "danger"
    assert "dossiers" in panels and [r.label for r in panels["dossiers"].rows] == ["H38.15-0001 · Cấp giấy phép"]


def test_the_unit_head_lands_on_approvals_and_the_late_work_of_the_unit(client, org, work):
    panels = panels_of(client, org.head)
    assert [r.url for r in panels["approvals"].rows] == [work["week"].get_absolute_url()]
    assert [r.url for r in panels["unit_late"].rows] == [work["late"].get_absolute_url()]
    assert panels["dossiers"].count == 1
    other_head = panels_of(client, org.people["truongphong.khth"])
    assert other_head["approvals"].rows == []  # a task of QLDN waits for QLDN's head, not KHTH's


def test_the_leader_lands_on_decisions(client, org, work):
    keys = keys_of(client, org.leader)
    assert keys[0] == "approvals"
    assert {"approvals", "obstacles", "dossiers"} <= set(keys)
    panels = panels_of(client, org.leader)
    assert panels["obstacles"].rows[0].url == work["late"].get_absolute_url()
    assert panels["dossiers"].title and panels["dossiers"].count == 1  # the agency's late dossiers


def test_the_office_lands_on_the_agency_dashboard_and_what_waits_for_it(client, org, work):
    keys = keys_of(client, org.office)
    assert keys[0] == "agency_tasks"
    panels = panels_of(client, org.office)
    figures = {c.label: c.value for c in panels["agency_tasks"].counts}
    assert panels["agency_tasks"].count == 6 and 1 in figures.values()
    assert panels["agency_tasks"].see_all[1] == reverse("plans:dashboard")
    assert "obstacles" in panels and "feedback_office" in panels


def test_the_appraiser_lands_on_the_province_overview_of_its_rounds(client, org, work, today):
    snv = Agency.objects.get(code="SNV")
    stored, _ = load_criteria_file(DEMO_SET, province=snv.province, publish=True)
    round_ = par_services.create_round(
        actor=org.appraiser,
        organizer=snv,
        criteria_set=stored,
        agencies=[org.agency, org.other],
        name="Chỉ số CCHC 2026",
        year=2026,
        today=today,
        deadlines={"self_closes_on": today + dt.timedelta(days=10)},
    )
    par_services.advance_phase(actor=org.appraiser, round_=round_)
    client.force_login(org.appraiser)
    response = client.get(reverse("home"))
    panels = {p.key: p for p in response.context["panels"]}
    assert list(panels)[:3] == ["rounds", "province_plans", "province_sipas"]
    assert panels["rounds"].rows[0].url == reverse("scorecards:round_detail", args=[round_.pk])
    assert re.findall(r"\d+", panels["rounds"].rows[0].detail) == ["0", "2"]  # 0 of the 2 agencies submitted
    assert panels["rounds"].rows[0].state  # the phase's closing date, in days
    html = response.content.decode()
    assert reverse("plans:province") in html and reverse("surveys:province") in html
    assert [r.label for r in panels["province_plans"].rows] == [org.agency.name]
    assert "my_tasks" not in panels and "agency_tasks" not in panels


def test_the_auditor_gets_a_read_only_summary(client, org, work):
    client.force_login(org.auditor)
    response = client.get(reverse("home"))
    keys = [p.key for p in response.context["panels"]]
    assert "agency_tasks" in keys and "my_tasks" not in keys and "approvals" not in keys
    main = re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)
    assert 'method="post"' not in main.lower()  # no step to take from here
    for url in set(re.findall(r'href="([^"#]+)"', main)):
        assert client.get(url).status_code == 200, url  # every link is a page the auditor may read


def test_an_agency_without_a_plan_tells_who_acts(client, org):
    panels = panels_of(client, org.outsider)
    guidance = panels["no_plan"]
    assert "Lý Thị Nga" in guidance.text  # the Office focal point of the SCT
    office = panels_of(client, org.people["vanphong.sct"])["no_plan"]
    assert "Lý Thị Nga" not in office.text and office.text != guidance.text  # the Office is told what to do


def test_the_administrator_sees_the_administration_and_the_agency(client, org, work):
    keys = keys_of(client, org.admin)
    assert "agency_tasks" in keys and "feedback_office" in keys  # the administrator also sees the agency
    assert keys[0] == "administration"
    assert "administration" not in keys_of(client, org.office)


@pytest.mark.parametrize(
    ("who", "most"),
    [("officer", 22), ("head", 24), ("leader", 30), ("office", 29), ("admin", 26), ("auditor", 20), ("appraiser", 16)],
)
def test_the_landing_page_takes_a_bounded_number_of_queries(
    client, org, work, who, most, django_assert_max_num_queries
):
    client.force_login(getattr(org, who))
    client.get(reverse("home"))  # the calendar and the navigation modules, loaded once per process
    with django_assert_max_num_queries(most):
        assert client.get(reverse("home")).status_code == 200
