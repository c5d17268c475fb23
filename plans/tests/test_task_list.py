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


def test_my_tasks_lists_the_units_tasks_under_its_tab(login, org, make_task):
    make_task(title="Của phòng QLDN")
    make_task(title="Của phòng KHTH", lead_unit=org.unit_b)
    response = login(org.officer).get(reverse("plans:my_tasks"), {"rel": "lead"})
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


def test_my_tasks_include_what_my_unit_coordinates_under_its_tab(login, org, make_task):
    make_task(title="KHTH chủ trì, QLDN phối hợp", lead_unit=org.unit_b, coordinating_units=[org.unit_a])
    response = login(org.officer).get(reverse("plans:my_tasks"), {"rel": "coordinating"})
    assert [t.title for t in response.context["page"]] == ["KHTH chủ trì, QLDN phối hợp"]


def test_my_tasks_are_personal_by_default_nearest_due_first_with_counts(login, org, make_task, today):
    later = make_task(title="Giao cho tôi, hạn xa", deadline=today + dt.timedelta(days=60))
    sooner = make_task(title="Giao cho tôi, sắp đến hạn", deadline=today + dt.timedelta(days=3))
    for task in (later, sooner):
        task.assignees.set([org.officer])
    make_task(title="Của phòng, không giao cho tôi")
    make_task(title="Phòng tôi phối hợp", lead_unit=org.unit_b, coordinating_units=[org.unit_a])
    response = login(org.officer).get(reverse("plans:my_tasks"))
    assert [t.title for t in response.context["page"]] == ["Giao cho tôi, sắp đến hạn", "Giao cho tôi, hạn xa"]
    tabs = {key: count for key, _label, count in response.context["relation_tabs"]}
    assert tabs == {"mine": 2, "lead": 3, "coordinating": 1, "unit": 4}
    body = response.content.decode()
    assert 'class="rel rel-lead"' in body and 'class="rel rel-assigned"' in body


def test_my_tasks_show_my_relation_on_each_row(login, org, make_task):
    make_task(title="Phòng tôi phối hợp", lead_unit=org.unit_b, coordinating_units=[org.unit_a])
    response = login(org.officer).get(reverse("plans:my_tasks"), {"rel": "unit"})
    [row] = response.context["page"]
    assert (row.is_lead, row.is_coordinating, row.is_assigned) == (False, True, False)
    assert 'class="rel rel-coordinating"' in response.content.decode()


def test_my_tasks_query_count_is_bounded(login, org, make_task, django_assert_max_num_queries):
    for _ in range(30):
        make_task().assignees.set([org.officer])
    client = login(org.officer)
    with django_assert_max_num_queries(16):
        client.get(reverse("plans:my_tasks"))


def test_filter_by_quarter_and_by_month_of_the_due_date(login, org, make_task):
    make_task(title="Tháng 2", start_date=dt.date(2026, 1, 5), deadline=dt.date(2026, 2, 27))
    make_task(title="Tháng 3", start_date=dt.date(2026, 1, 5), deadline=dt.date(2026, 3, 31))
    make_task(title="Tháng 7", start_date=dt.date(2026, 1, 5), deadline=dt.date(2026, 7, 1))
    client = login(org.office)
    quarter = client.get(reverse("plans:task_list"), {"due": "2026-Q1"})
    assert [t.title for t in quarter.context["page"]] == ["Tháng 2", "Tháng 3"]
    month = client.get(reverse("plans:task_list"), {"due": "2026-07"})
    assert [t.title for t in month.context["page"]] == ["Tháng 7"]
    nonsense = client.get(reverse("plans:task_list"), {"due": "2026-Q9"})
    assert len(nonsense.context["page"]) == 3  # not a period: no filter
    assert '<option value="2026-Q3"' in quarter.content.decode()


def test_filter_selects_are_not_cut_off_and_the_phone_keeps_status_and_progress(login, org, make_task):
    make_task(title="Một nhiệm vụ")
    body = login(org.office).get(reverse("plans:task_list")).content.decode()
    assert "col-md-2" not in body.split('class="filters')[1].split("</form>")[0]  # selects as wide as their text
    header = body.split("<thead>")[1].split("</thead>")[0]
    hidden = [th for th in header.split("<th")[1:] if "d-none" in th]
    shown = [th for th in header.split("<th")[1:] if "d-none" not in th]
    assert len(hidden) >= 3 and any("status" in th for th in shown) and any("progress" in th for th in shown)
