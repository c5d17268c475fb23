"""Who is told about an item (feedback.recipients): the assignee, else the officers and head of its
unit, else the Office; the Office publishes; active people only; one query per agency, unit and
role however many items."""

import pytest

from feedback import services
from feedback.recipients import Recipients


def _names(org, ids):
    by_id = {u.pk: name for name, u in org.people.items()}
    return {by_id[i] for i in ids}


def test_who_acts_on_the_next_step(org, item):
    recipients = Recipients()
    assert _names(org, recipients.handlers(item)) == {"vanphong"}  # no unit yet: the Office
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    assert _names(org, recipients.handlers(item)) == {"chuyenvien.qldn", "truongphong.qldn"}
    assert _names(org, recipients.handlers(item, "publish")) == {"vanphong"}
    services.classify(
        item=item, actor=org.office, category="regulation", within_competence=True, assignee=org.other_officer
    )
    item.refresh_from_db()
    assert _names(org, recipients.handlers(item)) == {"chuyenvien.khth"}
    assert _names(org, recipients.leaders(org.agency.pk)) == {"lanhdao"}
    assert _names(org, recipients.office(org.other.pk)) == {"vanphong.sct"}


def test_people_no_longer_active_are_not_told(org, item):
    org.office.is_active = False
    org.office.save()
    assert Recipients().handlers(item) == set()


@pytest.mark.django_db
def test_each_group_is_asked_once(org, item, django_assert_num_queries):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    recipients = Recipients()
    with django_assert_num_queries(2):
        for _n in range(3):
            recipients.handlers(item)
            recipients.leaders(item.agency_id)
