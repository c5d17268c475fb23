"""The one notification builder and the one recipients query (core.jobs, core.access)."""

import datetime as dt

from core import jobs
from core.access import members_with, scope_for
from core.models import Membership, Notification, Role

DAY = dt.date(2026, 12, 7)


def test_members_with_gives_the_active_holders_of_the_roles(org):
    office = members_with(org.agency.pk, [Role.FOCAL_POINT])
    assert org.office.pk in office and org.officer.pk not in office
    unit = members_with(org.agency.pk, [Role.OFFICER, Role.UNIT_HEAD], unit_id=org.unit_a.pk)
    assert {org.officer.pk, org.head.pk} <= unit and org.other_officer.pk not in unit
    assert org.outsider.pk not in members_with(org.agency.pk, list(Role.values))
    org.officer.is_active = False
    org.officer.save()
    assert org.officer.pk not in members_with(org.agency.pk, [Role.OFFICER], unit_id=org.unit_a.pk)


def test_a_notification_is_sent_once_per_person_and_key(org):
    long_title = "Nhiệm vụ " + "x" * 400
    items = jobs.notifications(
        [org.officer.pk, org.head.pk, org.officer.pk],
        key="t:1",
        kind="task_due",
        title=long_title,
        url="/t/1/",
        day=DAY,
    )
    assert [n.user_id for n in items] == sorted({org.officer.pk, org.head.pk})
    assert all(len(n.title) == 300 and n.for_date == DAY for n in items)
    assert jobs.notify(items) == 2
    assert jobs.notify([jobs.notification(org.officer.pk, key="t:1", kind="task_due", title="again", day=DAY)]) == 0
    assert Notification.objects.filter(key="t:1").count() == 2


def test_can_manage_is_a_manager_who_is_not_read_only(org):
    assert scope_for(org.office).can_manage(org.agency.pk)
    assert scope_for(org.leader).can_manage(org.agency.pk)
    assert not scope_for(org.officer).can_manage(org.agency.pk)
    assert not scope_for(org.auditor).can_manage(org.agency.pk)
    Membership.objects.create(user=org.appraiser, agency=org.agency, role=Role.LEADER)
    org.appraiser.refresh_from_db()
    assert scope_for(org.appraiser).can_manage(org.agency.pk)  # read-only only when all roles are
