"""The obstacles page (plans:obstacles): the leader writes the direction right there."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from plans.models import Obstacle

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


@pytest.fixture
def obstacle(org, task):
    return Obstacle.objects.create(task=task, reported_by=org.head, text="Thiếu kinh phí số hóa", proposal="Bổ sung")


def test_the_leader_gives_the_direction_from_the_obstacles_page(login, org, obstacle, said):
    client = login(org.leader)
    page = client.get(reverse("plans:obstacles"))
    assert reverse("plans:resolve_obstacle", args=[obstacle.pk]) in page.content.decode()
    response = client.post(
        reverse("plans:resolve_obstacle", args=[obstacle.pk]),
        {"response": "Văn phòng bố trí kinh phí", "back": "obstacles"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("plans:obstacles")
    assert said(response) == [_("Direction recorded.")]
    obstacle.refresh_from_db()
    assert obstacle.status == Obstacle.Status.RESOLVED and obstacle.response == "Văn phòng bố trí kinh phí"
    again = client.get(reverse("plans:obstacles")).content.decode()
    assert "Văn phòng bố trí kinh phí" in again
    assert reverse("plans:resolve_obstacle", args=[obstacle.pk]) not in again


def test_an_invalid_direction_comes_back_on_the_obstacles_page_with_the_text(login, org, obstacle):
    text = "Chỉ đạo " * 600  # more than 4.000 characters
    response = login(org.leader).post(
        reverse("plans:resolve_obstacle", args=[obstacle.pk]), {"response": text, "back": "obstacles"}
    )
    assert response.status_code == 400
    assert text.strip() in response.content.decode()
    [item] = response.context["items"]
    assert "response" in item.form.errors
    obstacle.refresh_from_db()
    assert obstacle.status == Obstacle.Status.OPEN


def test_the_auditor_and_the_unit_head_see_no_direction_form(login, org, obstacle):
    for person in (org.auditor, org.head):
        body = login(person).get(reverse("plans:obstacles")).content.decode()
        assert "Thiếu kinh phí số hóa" in body
        assert reverse("plans:resolve_obstacle", args=[obstacle.pk]) not in body
