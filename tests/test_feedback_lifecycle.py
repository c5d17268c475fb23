"""The rest of an item's life (feedback_pakn.md §5): the sender's reminder, the e-mail to the
sender at each public step, reopening with a reason, closing when the rating window ends, and
marking a repeat of an earlier item (which the 766 ratio 5.3 counts as not satisfied)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Notification
from feedback import services
from feedback.metrics import figures_of
from feedback.models import Feedback

T = dt.datetime


def _receive(
    org, cal, *, phone="0912 345 678", email="binh@example.vn", at=None, dossier="", content="Hồ sơ chậm", **extra
):
    item, key = services.receive(
        agency=org.agency,
        channel="online",
        name="Nguyễn Văn Bình",
        address="Đồng Đăng",
        phone=phone,
        email=email,
        content=content,
        **extra,
        dossier_code=dossier,
        cal=cal,
        received_at=at or timezone.now(),
    )
    item.key = key
    return item


def _published(org, cal, item):
    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    services.submit_answer(item, actor=org.officer, answer="Đã giải quyết.")
    services.approve(item, actor=org.leader, cal=cal)
    services.publish(item, actor=org.office)
    item.refresh_from_db()
    return item


def test_the_sender_reminds_once_a_day_and_the_handlers_are_told(client, org, cal):
    item = _receive(org, cal)
    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    url = reverse("feedback_remind", args=[item.code])
    assert client.post(url, {"k": "wrong"}).status_code == 400
    response = client.post(url, {"k": item.key})
    assert response.status_code == 302 and "reminded=1" in response["Location"]
    told = set(Notification.objects.filter(kind="feedback_reminder").values_list("user__username", flat=True))
    assert told == {"chuyenvien.qldn", "truongphong.qldn"}  # the unit handling it
    again = client.post(url, {"k": item.key})
    assert again.status_code == 400 and "Hôm nay bạn đã nhắc lại" in again.content.decode()
    item.refresh_from_db()
    assert item.reminder_count == 1
    assert AuditEntry.objects.filter(action="feedback.sender_reminder", object_id=str(item.pk)).count() == 1
    # the next day, a second reminder
    services.sender_reminder(item, key=item.key, today=timezone.localdate() + dt.timedelta(days=1))
    item.refresh_from_db()
    assert item.reminder_count == 2
    assert Notification.objects.filter(kind="feedback_reminder").count() == 4


def test_the_status_page_offers_the_reminder_only_with_the_key_while_open(client, org, cal):
    item = _receive(org, cal)
    page = reverse("feedback_status", args=[item.code])
    remind = reverse("feedback_remind", args=[item.code])
    assert remind not in client.get(page).content.decode()
    assert remind not in client.get(page, {"k": "not-the-key"}).content.decode()
    assert remind in client.get(page, {"k": item.key}).content.decode()
    _published(org, cal, item)
    assert remind not in client.get(page, {"k": item.key}).content.decode()
    with pytest.raises(services.FeedbackError):
        services.sender_reminder(item, key=item.key, today=timezone.localdate())


def test_the_sender_is_emailed_at_each_public_step(org, cal, mailoutbox, django_capture_on_commit_callbacks):
    item = _receive(org, cal)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_info(item, actor=org.officer, text="Gửi bản chụp giấy hẹn")
    assert len(mailoutbox) == 1
    assert item.code in mailoutbox[0].subject and "Gửi bản chụp giấy hẹn" in mailoutbox[0].body
    assert f"/phan-anh/{item.code}/" in mailoutbox[0].body
    services.info_supplied(item, actor=org.officer, text="")
    with django_capture_on_commit_callbacks(execute=True):
        _published(org, cal, item)
    assert len(mailoutbox) == 2 and "công khai" in mailoutbox[1].subject
    no_mail = _receive(org, cal, email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.forward(no_mail, actor=org.officer, to="UBND tỉnh")
    assert len(mailoutbox) == 2


def test_a_mail_failure_does_not_undo_the_step(org, cal, monkeypatch, django_capture_on_commit_callbacks):
    item = _receive(org, cal)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.forward(item, actor=org.officer, to="Sở Tài chính")
    item.refresh_from_db()
    assert item.status == "forwarded"


def test_reopen_needs_a_reason_and_takes_the_answer_off_the_portal(client, org, cal):
    item = _published(org, cal, _receive(org, cal))
    assert item.code in client.get(reverse("feedback_published")).content.decode()
    with pytest.raises(services.FeedbackError):
        services.reopen(item, actor=org.leader, reason=" ")
    client.force_login(org.officer)
    client.post(reverse("feedback:step", args=[item.pk, "reopen"]), {"reason": "Công dân chưa hài lòng"})
    item.refresh_from_db()
    assert item.status == "published"  # an officer may not reopen
    client.force_login(org.leader)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert reverse("feedback:step", args=[item.pk, "reopen"]) in page
    services.rate(item, key=item.key, satisfied=False)
    client.post(reverse("feedback:step", args=[item.pk, "reopen"]), {"reason": "Công dân chưa hài lòng"})
    item.refresh_from_db()
    assert (item.status, item.reopen_count) == ("processing", 1)
    # the old answer's approval, publication and rating are cleared; the draft stays
    assert (item.answered_at, item.published_at, item.rated_at, item.public_answer) == (None, None, None, "")
    assert item.answer == "Đã giải quyết."
    assert item.code not in client.get(reverse("feedback_published")).content.decode()
    status_page = client.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "<dt>Đã công khai</dt>" not in status_page and "Đang xử lý" in status_page
    change = AuditEntry.objects.get(action="feedback.reopened", object_id=str(item.pk))
    assert change.changes["status"] == ["published", "processing"] and change.actor == org.leader
    assert item.notes.filter(text__contains="Công dân chưa hài lòng").exists()
    # answered and published again: the sender rates the new answer
    services.submit_answer(item, actor=org.officer, answer="Trả lời bổ sung.")
    services.approve(item, actor=org.leader, cal=cal)
    services.publish(item, actor=org.office)
    item.refresh_from_db()
    services.rate(item, key=item.key, satisfied=True)
    item.refresh_from_db()
    assert item.rated_unsatisfied is False


def test_published_items_close_when_the_rating_window_ends(org, cal, settings):
    from feedback.reminders import close_after_rating_window

    settings.FEEDBACK_RATING_DAYS = 30
    old = _published(org, cal, _receive(org, cal))
    recent = _published(org, cal, _receive(org, cal))
    Feedback.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=31))
    assert close_after_rating_window(today=timezone.localdate(), cal=cal) == {"closed": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "published")
    assert old.closed_at is not None
    with pytest.raises(services.FeedbackError):
        services.rate(old, key=old.key, satisfied=True)  # the window has ended
    services.rate(recent, key=recent.key, satisfied=True)
    assert AuditEntry.objects.filter(action="feedback.closed", object_id=str(old.pk)).exists()


def test_repeat_candidates_and_marking_count_in_the_766_ratio(client, org, cal):
    first = _receive(org, cal, phone="0912.345.678", at=timezone.now() - dt.timedelta(days=40))
    other = _receive(org, cal, phone="0988 000 111", email="", at=timezone.now() - dt.timedelta(days=20))
    second = _receive(org, cal, phone="0912345678", email="")
    everything = Feedback.objects.all()
    assert [c.code for c in services.repeat_candidates(second, everything)] == [first.code]
    # only among the items the user may see
    hidden = Feedback.objects.exclude(pk=first.pk)
    assert services.repeat_candidates(second, hidden) == []
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(second, actor=org.officer, of_code=first.code, visible=hidden)
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(first, actor=org.officer, of_code=second.code, visible=everything)  # not earlier
    with pytest.raises(services.FeedbackError):
        services.mark_repeat(second, actor=org.officer, of_code="PA-000000-XXXXXX", visible=everything)
    client.force_login(org.office)
    page = client.get(reverse("feedback:item", args=[second.pk])).content.decode()
    assert first.code in page and other.code not in page
    today = timezone.localdate()
    both = Feedback.objects.filter(pk__in=[second.pk, other.pk])
    period = (today - dt.timedelta(days=60), today)
    assert figures_of(both, *period)["feedback_satisfaction"].rate == 100
    client.post(reverse("feedback:step", args=[second.pk, "repeat"]), {"of": first.code.lower()})
    second.refresh_from_db()
    assert second.repeat_of == first
    assert figures_of(both, *period)["feedback_satisfaction"].rate == 50  # the repeat is not satisfied
    services.mark_repeat(second, actor=org.office, of_code="", visible=everything)
    second.refresh_from_db()
    assert second.repeat_of is None
    assert AuditEntry.objects.filter(action="feedback.repeat_marked", object_id=str(second.pk)).count() == 2


def test_the_published_list_searches_without_diacritics(client, org, cal):
    item = _receive(org, cal, content="Tôi là Nguyễn Văn Bình, hỏi về giấy phép")
    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    services.submit_answer(item, actor=org.officer, answer="Giấy phép xây dựng được cấp trong 15 ngày.")
    services.approve(item, actor=org.leader, cal=cal)
    services.publish(item, actor=org.office)
    item.refresh_from_db()
    assert "giay phep xay dung" in item.search_text and "nguyen van binh" not in item.search_text
    url = reverse("feedback_published")
    for query in ("giay phep", "GIẤY PHÉP", item.code):
        assert item.code in client.get(url, {"q": query}).content.decode(), query
    assert item.code not in client.get(url, {"q": "giay phep lai xe"}).content.decode()
    assert item.code not in client.get(url, {"q": "binh"}).content.decode()  # the sender's name is not searchable
    assert "hoi ve giay phep" in item.search_text  # the redacted summary is
    only_answer = _receive(org, cal, content="Hỏi về lệ phí trước bạ", answer_only=True)
    services.classify(only_answer, actor=org.office, category="regulation", within_competence=True)
    services.submit_answer(only_answer, actor=org.officer, answer="Đã trả lời.")
    services.approve(only_answer, actor=org.leader, cal=cal)
    services.publish(only_answer, actor=org.office)
    only_answer.refresh_from_db()
    assert "truoc ba" not in only_answer.search_text and "da tra loi" in only_answer.search_text
    assert only_answer.code not in client.get(url, {"q": "truoc ba"}).content.decode()


def test_every_logged_feedback_step_has_a_label_in_the_history():
    import re
    from pathlib import Path

    from plans.templatetags.plan_ui import ACTION_LABELS

    source = Path(services.__file__).read_text()
    actions = set(re.findall(r'action="(feedback\.\w+)"', source))
    assert {"feedback.reopened", "feedback.closed", "feedback.sender_reminder"} <= actions
    assert actions - set(ACTION_LABELS) == set()


@pytest.mark.django_db(transaction=True)  # the other thread reads the database on its own connection
def test_each_thread_keeps_its_own_calendar_until_the_overrides_change():
    import threading

    from core.models import CalendarOverride
    from core.services import load_calendar

    first = load_calendar()
    assert load_calendar() is first
    other = []

    def in_thread():
        from django.db import connection

        other.append(load_calendar())
        connection.close()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert other[0] is not first  # the holidays package is not safe to share between threads
    day = dt.date(2026, 12, 7)  # a Monday
    assert first.is_working_day(day)
    CalendarOverride.objects.create(date=day, kind="holiday", name="Nghỉ bù")
    changed = load_calendar()
    assert changed is not first and not changed.is_working_day(day)
