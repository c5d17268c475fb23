"""The Office dashboard (plans:dashboard): counts per unit, the short lists, its queries."""

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


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


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
