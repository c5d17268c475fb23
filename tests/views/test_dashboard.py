import datetime as dt

from django.urls import reverse


def test_office_sees_counts_per_unit_and_lists(login, org, make_task, today):
    make_task(title="Nhiệm vụ quá hạn", deadline=today - dt.timedelta(days=5))
    make_task(title="Nhiệm vụ bình thường", lead_unit=org.unit_b, start_date=today)
    response = login(org.office).get(reverse("plans:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["total"] == 2 and summary["overdue"] == 1
    rows = {r["unit"].code: r for r in response.context["rows"]}
    assert rows["QLDN"]["overdue"] == 1 and rows["KHTH"]["overdue"] == 0
    assert "Nhiệm vụ quá hạn" in response.content.decode()


def test_outsider_dashboard_shows_only_their_agency(login, org, make_task):
    make_task(title="Nhiệm vụ riêng của Ban")
    response = login(org.outsider).get(reverse("plans:dashboard"))
    assert response.status_code == 200
    assert response.context["summary"]["total"] == 0
    assert "Nhiệm vụ riêng của Ban" not in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_tasks(login, org, make_task, django_assert_max_num_queries):
    client = login(org.office)
    for _ in range(3):
        make_task()
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("plans:dashboard"))
    for _ in range(30):
        make_task()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("plans:dashboard"))


def test_province_overview_for_the_appraiser(login, org, make_task):
    make_task()
    response = login(org.appraiser).get(reverse("plans:province"))
    assert response.status_code == 200
    assert {r["agency"].code for r in response.context["rows"]} == {"BQLKKTCK"}


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_plan_page_lists_tasks_without_a_section(login, org, plan, make_task):
    make_task(title="Nhiệm vụ chưa xếp mục", section=None)
    body = login(org.office).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Nhiệm vụ chưa xếp mục" in body


def test_inspection_page_links_only_visible_remediation_tasks(login, org, plan, today, cal):
    import datetime as dt

    from plans import services
    from plans.models import Inspection

    inspection = Inspection.objects.create(
        agency=org.agency, title="Kiểm tra", inspected_unit=org.unit_a, inspected_on=today
    )
    finding = services.add_finding(
        actor=org.office,
        inspection=inspection,
        plan=plan,
        text="Tồn tại",
        deadline=today + dt.timedelta(days=10),
        today=today,
        cal=cal,
    )
    link = reverse("plans:task_detail", args=[finding.remediation_task_id])
    url = reverse("plans:inspection_detail", args=[inspection.pk])
    assert link in login(org.officer).get(url).content.decode()
    assert link not in login(org.other_officer).get(url).content.decode()
