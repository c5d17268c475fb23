"""The item page /pakn/<pk>/ and its steps: every taken step says so (D20), publishing says what it
does before anything is published, the answer begins "Kính gửi Ông/Bà …:" and the portal shows it
without the name (D28), the assignee list holds only people who may be given work (D32), the
history reads in Vietnamese (D23), dates are typed dd/mm/yyyy (D18), long texts are refused in
words and kept (D29)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Channel, Feedback


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def assigned(org, item):
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    return item


def _post(client, who, step, item, data=None):
    client.force_login(who)
    return client.post(reverse(f"feedback:{step}", args=[item.pk]), data or {})


def test_every_taken_step_shows_a_success_message(client, org, assigned, cal):
    steps = [
        (org.office, "classify", {"category": "regulation", "within_competence": "1", "assignee": org.officer.pk}),
        (org.officer, "note", {"text": "Đã gọi lại cho người gửi"}),
        (org.officer, "extend", {"until": "30/12/2026", "reason": "Chờ ý kiến Sở"}),
        (org.officer, "request_info", {"text": "Bản chụp giấy hẹn"}),
        (org.officer, "info_supplied", {"text": "Đã gửi bản chụp"}),
        (org.officer, "repeat", {"of": ""}),
        (org.officer, "answer", {"answer": "Kính gửi Ông/Bà Nguyễn Văn Bình: đã xử lý."}),
        (org.leader, "return_answer", {"reason": "Nêu căn cứ"}),
        (org.officer, "answer", {"answer": "Kính gửi Ông/Bà Nguyễn Văn Bình: theo quy định, đã xử lý."}),
        (org.leader, "approve", {}),
    ]
    for who, step, data in steps:
        client.force_login(who)
        response = client.post(reverse(f"feedback:{step}", args=[assigned.pk]), data, follow=True)
        assert response.redirect_chain == [(reverse("feedback:item", args=[assigned.pk]), 302)], step
        said = [str(m) for m in response.context["messages"]]
        assert len(said) == 1 and said[0], step  # one message per step, shown on the item page
    assigned.refresh_from_db()
    assert assigned.status == "awaiting_publication" and assigned.extended_to == dt.date(2026, 12, 30)
    assert f"{assigned.due_publish:%d/%m/%Y}" in said[0]  # the approval says by when it is published
    client.force_login(org.office)
    preview = client.post(reverse("feedback:publish", args=[assigned.pk]), {"action": "preview"})
    assert 'id="publish-warning"' in preview.content.decode()  # what publishing does, before it is done
    assigned.refresh_from_db()
    assert assigned.status == "awaiting_publication"  # the preview publishes nothing
    done = client.post(
        reverse("feedback:publish", args=[assigned.pk]),
        {"action": "publish", "confirmation": preview.context["preview"]["confirmation"]},
    )
    assert done.status_code == 302 and assigned.code in _said(done)[0]


def test_forward_and_reopen_say_so(client, org, item, receive, published):
    response = _post(client, org.office, "forward", item, {"to": "UBND huyện Cao Lộc"})
    assert response.status_code == 302 and "UBND huyện Cao Lộc" in _said(response)[0]
    done = published(receive())
    reopened = _post(client, org.leader, "reopen", done, {"reason": "Người gửi chưa hài lòng"})
    assert reopened.status_code == 302 and _said(reopened)


def test_a_refused_step_says_why_without_success(client, org, assigned):
    response = _post(client, org.officer, "extend", assigned, {"until": "01/01/2000", "reason": "x"})
    assert response.status_code == 400 and not any("extended" in m for m in _said(response))


def test_the_answer_begins_with_the_sender_addressed_and_the_portal_drops_the_name(client, org, receive, cal):
    item = receive(salutation="mr", name="Nguyễn Văn Bình", content="Hồ sơ đất đai chậm")
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    client.force_login(org.officer)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "Kính gửi Ông Nguyễn Văn Bình:" in page.split('id="answer-text"')[1].split("</textarea>")[0]
    services.submit_answer(
        item=item, actor=org.officer, answer="Kính gửi Ông Nguyễn Văn Bình: hồ sơ đã được giải quyết."
    )
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    services.publish(item=item, actor=org.office, now=timezone.now())
    item.refresh_from_db()
    assert item.public_answer == "Kính gửi Ông: hồ sơ đã được giải quyết."
    public = client.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "Kính gửi Ông: hồ sơ" in public and "Bình" not in public


def test_an_organisation_is_addressed_by_its_name_and_not_named_in_public(org, receive, cal):
    item = receive(sender_type="organisation", name="Công ty TNHH Hữu Nghị", content="Thủ tục chậm")
    assert services.answer_opening(item) == "Kính gửi Công ty TNHH Hữu Nghị:\n"
    services.submit_answer(item=item, actor=org.officer, answer=services.answer_opening(item) + "Ban đã xử lý.")
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    item.refresh_from_db()
    assert item.public_answer == "Kính gửi Quý cơ quan, tổ chức:\nBan đã xử lý."


def test_the_assignee_list_holds_only_people_who_may_be_given_work(client, org, item):
    client.force_login(org.office)
    form = client.get(reverse("feedback:item", args=[item.pk])).context["classify_form"]
    people = set(form.fields["assignee"].queryset)
    assert org.officer in people and org.head in people
    assert org.auditor not in people and org.admin not in people and org.appraiser not in people
    refused = client.post(
        reverse("feedback:classify", args=[item.pk]),
        {"category": "regulation", "within_competence": "1", "assignee": org.auditor.pk},
    )
    item.refresh_from_db()
    assert refused.status_code == 400 and item.assignee is None


def test_the_history_shows_the_channel_in_words(client, org, item):
    client.force_login(org.office)
    html = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    history = html.split('id="history"')[1].split("</ul>")[0]
    assert str(Channel.ONLINE.label) in history and "online" not in history


def test_dates_are_typed_day_first(client, org, assigned):
    client.force_login(org.office)
    page = client.get(reverse("feedback:item", args=[assigned.pk])).content.decode()
    extend = page.split('id="extend-until"')[1].split(">")[0]
    assert 'type="text"' in extend and "data-datepicker" in extend and 'type="date"' not in page
    for name in ("feedback:stats", "feedback:receptions", "feedback:new", "feedback:desk"):
        html = client.get(reverse(name)).content.decode()
        assert 'type="date"' not in html and 'type="datetime-local"' not in html, name
        assert "data-datepicker" in html, name
    assert 'value="01/01/2026"' in client.get(reverse("feedback:stats"), {"from": "2026-01-01"}).content.decode()
    session = {
        "held_on": "15/06/2026",
        "received_by": "Phó Trưởng ban",
        "citizen": "Nguyễn Văn D",
        "people": 1,
        "content": "Hỏi về giải phóng mặt bằng",
    }
    assert client.post(reverse("feedback:receptions"), session).status_code == 302


def test_long_staff_texts_are_refused_in_words_and_kept(client, org, assigned):
    long_answer = "Nội dung trả lời. " * 600  # 10,800 characters
    response = _post(client, org.officer, "answer", assigned, {"answer": long_answer})
    html = response.content.decode()
    assert response.status_code == 400 and "10.000" in html and long_answer.strip() in html
    assigned.refresh_from_db()
    assert assigned.answer == "" and assigned.status == "processing"
    long_body = "Ủy ban nhân dân huyện " * 10  # over the 200 characters the field holds
    response = _post(client, org.officer, "forward", assigned, {"to": long_body})
    assert response.status_code == 400 and long_body in response.content.decode()
    assert Feedback.objects.get(pk=assigned.pk).forwarded_to == ""
