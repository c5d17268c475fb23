"""One view and one URL per workflow step (POST /pakn/<pk>/<step>/, feedback.views._step): the
item must be visible (else 404), the step the user's to take (handling the item, or the leader's
for approve, return and reopen; else 403); a refused step shows the item again (400) with the
error; a taken step goes back to the item."""

import pytest
from django.urls import reverse

from feedback import services

HANDLING = ["classify", "not_accept", "request_info", "info_supplied", "forward", "answer", "extend", "note", "repeat"]
LEADERS = ["approve", "return_answer", "reopen"]


@pytest.fixture
def assigned(org, item):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("step", HANDLING + LEADERS)
def test_each_step_has_its_url_and_checks_who_takes_it(client, org, assigned, step):
    url = reverse(f"feedback:{step}", args=[assigned.pk])
    assert url.startswith(f"/pakn/{assigned.pk}/")
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    client.force_login(org.other_officer)  # another unit's officer does not see the item
    assert client.post(url).status_code == 404
    client.force_login(org.auditor)  # sees it, read-only
    assert client.post(url).status_code == 403
    client.force_login(org.office)
    assert client.get(url).status_code == 405
    answer = client.post(url)  # nothing typed: refused in words, or (the Office) not theirs
    if step in LEADERS:
        assert answer.status_code == 403
        client.force_login(org.leader)
        answer = client.post(url)
    if step == "repeat":  # an empty code unmarks: nothing to refuse
        assert answer.status_code == 302 and answer["Location"] == reverse("feedback:item", args=[assigned.pk])
    else:
        assert answer.status_code == 400 and answer.context["item"] == assigned


def test_the_old_dispatcher_url_is_gone(client, org, assigned):
    client.force_login(org.office)
    assert client.post(f"/pakn/{assigned.pk}/frobnicate/", {"text": "x"}).status_code == 404


def test_the_item_page_posts_each_form_to_its_own_step(client, org, assigned):
    client.force_login(org.leader)
    page = client.get(reverse("feedback:item", args=[assigned.pk])).content.decode()
    for step in ["classify", "answer", "request_info", "forward", "extend", "note", "repeat"]:
        assert f'action="{reverse(f"feedback:{step}", args=[assigned.pk])}"' in page, step
    services.submit_answer(item=assigned, actor=org.officer, answer="Trả lời")
    page = client.get(reverse("feedback:item", args=[assigned.pk])).content.decode()
    for step in ["approve", "return_answer"]:
        assert f'action="{reverse(f"feedback:{step}", args=[assigned.pk])}"' in page, step
