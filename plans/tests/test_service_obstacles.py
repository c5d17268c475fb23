"""services.report_obstacle and services.resolve_obstacle."""

import pytest

from core.models import AuditEntry
from plans import services

pytestmark = pytest.mark.usefixtures("module_data")  # the personas and the plan, built once


def test_obstacle_notifies_the_leaders_and_the_office(task, org):
    from core.models import Notification

    services.report_obstacle(actor=org.head, task=task, text="Chưa có kinh phí")
    notified = set(Notification.objects.filter(kind="obstacle").values_list("user__username", flat=True))
    assert notified == {"lanhdao", "vanphong"}


def test_a_direction_is_given_once(task, org):
    obstacle = services.report_obstacle(actor=org.office, task=task, text="Thiếu kinh phí", proposal="Bổ sung")
    services.resolve_obstacle(actor=org.leader, obstacle=obstacle, response="Điều chuyển kinh phí")
    obstacle.refresh_from_db()
    assert obstacle.status == "resolved" and obstacle.response == "Điều chuyển kinh phí"
    with pytest.raises(services.WorkflowError):
        services.resolve_obstacle(actor=org.office, obstacle=obstacle, response="Lần nữa")
    assert AuditEntry.objects.filter(action="task.obstacle_resolved").count() == 1


def test_the_reporter_is_not_told_of_their_own_obstacle(task, org):
    from core.models import Notification

    services.report_obstacle(actor=org.office, task=task, text="Chưa có kinh phí")
    assert set(Notification.objects.filter(kind="obstacle").values_list("user", flat=True)) == {org.leader.pk}
