"""The task list (plans:task_list, plans:my_tasks): search, filters, sorting, the htmx table."""

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_search_ignores_diacritics(login, org, make_task):
    make_task(title="Đẩy mạnh cải cách thủ tục hành chính")
    make_task(title="Quản lý tài sản công")
    response = login(org.officer).get(reverse("plans:task_list"), {"q": "cai cach thu tuc"})
    titles = [t.title for t in response.context["page"]]
    assert titles == ["Đẩy mạnh cải cách thủ tục hành chính"]


def test_filters_by_unit_status_and_flag(login, org, make_task, today):
    make_task(title="A quá hạn", deadline=today - dt.timedelta(days=2))
    make_task(title="B", lead_unit=org.unit_b)
    client = login(org.office)
    by_unit = client.get(reverse("plans:task_list"), {"unit": org.unit_b.pk})
    assert [t.title for t in by_unit.context["page"]] == ["B"]
    overdue = client.get(reverse("plans:task_list"), {"flag": "overdue"})
    assert [t.title for t in overdue.context["page"]] == ["A quá hạn"]
    assert "overdue" in overdue.context["page"][0].flags


def test_sort_by_deadline_descending(login, org, make_task, today):
    make_task(title="sớm", deadline=today + dt.timedelta(days=5))
    make_task(title="muộn", deadline=today + dt.timedelta(days=50))
    response = login(org.office).get(reverse("plans:task_list"), {"sort": "-deadline"})
    assert [t.title for t in response.context["page"]] == ["muộn", "sớm"]


def test_htmx_request_gets_the_table_partial(login, org, make_task):
    make_task(title="Một nhiệm vụ")
    response = login(org.office).get(reverse("plans:task_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Một nhiệm vụ" in body and "<html" not in body


def test_my_tasks_lists_the_units_tasks(login, org, make_task):
    make_task(title="Của phòng QLDN")
    make_task(title="Của phòng KHTH", lead_unit=org.unit_b)
    response = login(org.officer).get(reverse("plans:my_tasks"))
    assert [t.title for t in response.context["page"]] == ["Của phòng QLDN"]


def test_list_query_count_is_bounded(login, org, make_task, django_assert_max_num_queries):
    for _ in range(40):
        make_task()
    client = login(org.office)
    with django_assert_max_num_queries(15):
        client.get(reverse("plans:task_list"))


def test_outsider_list_is_empty(login, org, make_task):
    make_task(title="Bí mật của Ban")
    response = login(org.outsider).get(reverse("plans:task_list"), {"q": "bi mat"})
    assert list(response.context["page"]) == []


def test_my_tasks_include_what_my_unit_coordinates(login, org, make_task):
    make_task(title="KHTH chủ trì, QLDN phối hợp", lead_unit=org.unit_b, coordinating_units=[org.unit_a])
    response = login(org.officer).get(reverse("plans:my_tasks"))
    assert [t.title for t in response.context["page"]] == ["KHTH chủ trì, QLDN phối hợp"]
