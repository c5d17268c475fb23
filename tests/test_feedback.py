"""The feedback (PAKN) workflow: intake with a tracking code and the deadlines of every step,
classification, the answer drafted, approved and published redacted, the sender's rating once,
not accepting, asking for information, forwarding and extending, all logged."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from core.models import AuditEntry
from feedback import services
from feedback.models import Feedback, Note

T = dt.datetime
RECEIVED = T(2026, 8, 27, 9, 0, tzinfo=dt.UTC)  # Thu 27/08/2026 16:00 local: after the cut-off


@pytest.fixture
def item(org, cal):
    created, key = services.receive(
        agency=org.agency,
        channel="online",
        name="Nguyễn Văn Bình",
        address="Thôn Nà Chào, xã Đồng Đăng",
        phone="0912 345 678",
        email="binh@example.vn",
        content="Tôi là Nguyễn Văn Bình, gọi 0912 345 678: hồ sơ H38.15-260810-0001 bị yêu cầu thêm giấy tờ.",
        cal=cal,
        received_at=T(2026, 8, 27, 2, 0, tzinfo=dt.UTC),  # 09:00 local
    )
    created.key = key
    return created


def test_intake_gives_a_code_the_deadlines_and_a_redacted_summary(item, org):
    assert re.fullmatch(r"PA-260827-[A-HJ-NP-Z2-9]{6}", item.code)
    # feedback_pakn.md §4: reject by 03/09, information or forwarding by 08/09, answer by 22/09
    assert (item.due_reject, item.due_info, item.due_forward, item.due_answer) == (
        dt.date(2026, 9, 3),
        dt.date(2026, 9, 8),
        dt.date(2026, 9, 8),
        dt.date(2026, 9, 22),
    )
    for private in ("Nguyễn Văn Bình", "0912", "H38.15-260810-0001"):
        assert private not in item.summary
    assert item.access_hash and item.key not in item.access_hash
    entry = AuditEntry.objects.get(action="feedback.received")
    assert "Nguyễn" not in str(entry.changes) + entry.note


def test_after_the_cut_off_the_clock_starts_the_next_working_day(org, cal):
    late, _key = services.receive(
        agency=org.agency,
        channel="phone",
        name="A",
        address="B",
        phone="0205 3812 345",
        content="C",
        cal=cal,
        received_at=RECEIVED,
    )
    assert late.due_answer == dt.date(2026, 9, 23)


def test_answer_approved_published_and_rated_once(item, org, cal):
    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    item.refresh_from_db()
    assert item.status == "processing"
    services.submit_answer(item, actor=org.officer, answer="Ông Nguyễn Văn Bình: giấy tờ đó không bắt buộc.")
    services.return_answer(item, actor=org.leader, reason="Nêu căn cứ pháp lý")
    assert Note.objects.filter(feedback=item, text__contains="Nêu căn cứ").exists()
    services.submit_answer(
        item, actor=org.officer, answer="Ông Nguyễn Văn Bình: theo Nghị định 118/2025, không bắt buộc."
    )
    approved_at = T(2026, 9, 10, 3, 0, tzinfo=dt.UTC)
    services.approve(item, actor=org.leader, cal=cal, at=approved_at)
    item.refresh_from_db()
    assert (item.status, item.answered_at, item.due_publish) == (
        "awaiting_publication",
        approved_at,
        dt.date(2026, 9, 14),
    )
    assert "Nguyễn Văn Bình" not in item.public_answer and "Nghị định 118/2025" in item.public_answer
    with pytest.raises(services.FeedbackError):
        services.rate(item, key=item.key, satisfied=True)  # not published yet
    services.publish(item, actor=org.office, summary="Hỏi về giấy tờ, gọi 0912345678")
    item.refresh_from_db()
    assert item.status == "published" and "0912345678" not in item.summary
    with pytest.raises(services.FeedbackError):
        services.rate(item, key="someone-else", satisfied=False)
    services.rate(item, key=item.key, satisfied=False)
    with pytest.raises(services.FeedbackError):
        services.rate(item, key=item.key, satisfied=True)
    item.refresh_from_db()
    assert item.rated_unsatisfied is True
    actions = list(
        AuditEntry.objects.filter(object_type="feedback.feedback", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "feedback.received",
        "feedback.classified",
        "feedback.answer_submitted",
        "feedback.answer_returned",
        "feedback.answer_submitted",
        "feedback.approved",
        "feedback.published",
        "feedback.rated",
    ]
    status_change = AuditEntry.objects.get(object_id=str(item.pk), action="feedback.published").changes["status"]
    assert status_change == ["awaiting_publication", "published"]


def test_not_accepted_needs_a_reason_and_only_while_new(item, org):
    with pytest.raises(services.FeedbackError):
        services.not_accept(item, actor=org.office, reason=" ")
    services.not_accept(item, actor=org.office, reason="Thiếu địa chỉ người gửi")
    item.refresh_from_db()
    assert item.status == "not_accepted"
    with pytest.raises(services.FeedbackError, match="Không thể thực hiện"):
        services.submit_answer(item, actor=org.officer, answer="x")


def test_information_requested_then_supplied(item, org):
    services.request_info(item, actor=org.office, text="Bổ sung bản chụp giấy hẹn")
    item.refresh_from_db()
    assert item.status == "info_requested" and item.reason == "Bổ sung bản chụp giấy hẹn"
    services.info_supplied(item, actor=org.office, text="Đã nhận qua thư điện tử")
    item.refresh_from_db()
    assert item.status == "processing"


def test_forwarded_out_of_competence(item, org):
    services.forward(item, actor=org.office, to="Sở Tư pháp tỉnh Lạng Sơn")
    item.refresh_from_db()
    assert (item.status, item.within_competence, item.forwarded_to) == ("forwarded", False, "Sở Tư pháp tỉnh Lạng Sơn")
    assert item.forwarded_at is not None


def test_extension_needs_a_reason_and_a_later_date(item, org):
    with pytest.raises(services.FeedbackError):
        services.extend(item, actor=org.office, until=dt.date(2026, 10, 1), reason="")
    with pytest.raises(services.FeedbackError):
        services.extend(item, actor=org.office, until=dt.date(2026, 9, 22), reason="Chờ ý kiến Sở")
    services.extend(item, actor=org.office, until=dt.date(2026, 10, 1), reason="Chờ ý kiến Sở")
    item.refresh_from_db()
    assert item.answer_due == dt.date(2026, 10, 1) and item.due_answer == dt.date(2026, 9, 22)  # 766 keeps the original


def test_deadlines_follow_the_settings(org, cal, settings):
    settings.FEEDBACK_ANSWER_DAYS = 10
    item, _key = services.receive(
        agency=org.agency,
        channel="letter",
        name="A",
        address="B",
        phone="0912000111",
        content="C",
        cal=cal,
        received_at=T(2026, 8, 27, 2, 0, tzinfo=dt.UTC),
    )
    assert item.due_answer == dt.date(2026, 9, 15)
    assert Feedback.objects.filter(code=item.code).count() == 1


def test_the_whole_flow_through_the_pages(client, org):
    from django.test import Client
    from django.urls import reverse

    citizen = Client()
    form = citizen.get(reverse("feedback_submit"), {"co-quan": "BQLKKTCK"})
    assert form.status_code == 200
    missing = citizen.post(reverse("feedback_submit") + "?co-quan=BQLKKTCK", {"content": "Hồ sơ bị chậm"})
    assert {"name", "address", "phone", "consent"} <= set(missing.context["form"].errors)
    sent = citizen.post(
        reverse("feedback_submit") + "?co-quan=BQLKKTCK",
        {
            "sender_type": "person",
            "kind": "report",
            "name": "Hoàng Thị Mai",
            "address": "Cao Lộc, Lạng Sơn",
            "phone": "0987 654 321",
            "email": "mai@example.vn",
            "consent": "on",
            "content": "Tôi là Hoàng Thị Mai (0987 654 321), hồ sơ đăng ký đầu tư bị yêu cầu nộp thêm giấy tờ.",
        },
    )
    item = Feedback.objects.get(name="Hoàng Thị Mai")
    link = sent.context["link"]
    assert item.code in link and "?k=" in link
    public = citizen.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert (
        "Hoàng Thị Mai" not in public and "0987" not in public and "yêu cầu nộp thêm" not in public
    )  # not yet published

    client.force_login(org.office)

    def step(name, data, who=None):
        if who is not None:
            client.force_login(who)
        return client.post(reverse("feedback:step", args=[item.pk, name]), data)

    step("classify", {"category": "regulation", "within_competence": "1", "unit": org.unit_a.pk})
    step("answer", {"answer": "Kính gửi bà Hoàng Thị Mai: giấy tờ đó không bắt buộc."}, org.officer)
    refused = step("approve", {}, org.office)  # the Office does not approve
    assert refused.status_code == 403
    step("approve", {}, org.leader)
    summary = {"summary": "Hỏi về giấy tờ phải nộp khi đăng ký đầu tư (bà Hoàng Thị Mai)."}
    preview = step("publish", {**summary, "action": "preview"}, org.office)  # staff see the public texts first
    item.refresh_from_db()
    assert item.status == "awaiting_publication" and "<mark" in preview.content.decode()
    step("publish", {**summary, "action": "publish", "confirmation": preview.context["preview"]["confirmation"]})
    item.refresh_from_db()
    assert item.status == "published"

    page = citizen.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "không bắt buộc" in page and "Hoàng Thị Mai" not in page and "mai@example.vn" not in page
    listed = citizen.get(reverse("feedback_published"), {"q": "đăng ký đầu tư"}).content.decode()
    assert item.code in listed
    stranger = Client().post(reverse("feedback_rate", args=[item.code]), {"k": "guess", "satisfied": "0"})
    assert stranger.status_code == 400
    key = link.split("?k=")[1]
    assert citizen.post(reverse("feedback_rate", args=[item.code]), {"k": key, "satisfied": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.rated_unsatisfied is False
    assert citizen.post(reverse("feedback_rate", args=[item.code]), {"k": key, "satisfied": "0"}).status_code == 400


def test_open311_export(client, org, item):
    from django.urls import reverse

    client.force_login(org.leader)
    rows = client.get(reverse("feedback:export")).json()
    assert rows == [
        {
            "service_request_id": item.code,
            "status": "open",
            "status_notes": item.get_status_display(),
            "service_name": "",
            "requested_datetime": "2026-08-27T09:00:00+07:00",
            "updated_datetime": rows[0]["updated_datetime"],
            "expected_datetime": "2026-09-22T23:59:59",
            "agency_responsible": org.agency.name,
        }
    ]
    services.not_accept(item, actor=org.office, reason="Thiếu địa chỉ")
    assert client.get(reverse("feedback:export")).json()[0]["status"] == "closed"
    csv_text = client.get(reverse("feedback:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.startswith("service_request_id,status,status_notes")
    client.force_login(org.outsider)
    assert client.get(reverse("feedback:export")).json() == []


def test_the_766_dashboard_shows_the_feedback_group(client, org, cal):
    from django.urls import reverse

    def received(day, hour=9):
        item, _key = services.receive(
            agency=org.agency,
            channel="phone",
            name="A",
            address="B",
            phone="0912000111",
            content="C",
            cal=cal,
            received_at=T(2026, 6, day, hour - 7, tzinfo=dt.UTC),
        )
        services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
        return item

    on_time, late = received(1), received(2)  # due 22/06 and 23/06
    for item, when in ((on_time, T(2026, 6, 10, 3, tzinfo=dt.UTC)), (late, T(2026, 6, 29, 3, tzinfo=dt.UTC))):
        services.submit_answer(item, actor=org.officer, answer="Trả lời")
        services.approve(item, actor=org.leader, cal=cal, at=when)
    received(25)  # open, due in July
    client.force_login(org.leader)
    page = client.get(reverse("procedures:quality"), {"period": "quarter", "n": 2, "year": 2026})
    rows = {r["key"]: r for r in page.context["rows"]}
    assert (rows["feedback_on_time_rate"]["figure"].numerator, rows["feedback_on_time_rate"]["figure"].denominator) == (
        2,
        3,
    )
    assert rows["feedback_satisfaction"]["rate"] == Decimal("66.67")
    assert "5.2" in page.content.decode()
    client.force_login(org.other_officer)  # KHTH sees none of QLDN's feedback
    rows = {
        r["key"]: r
        for r in client.get(reverse("procedures:quality"), {"period": "quarter", "n": 2, "year": 2026}).context["rows"]
    }
    assert rows["feedback_on_time_rate"]["figure"].denominator == 0


def test_reminders_before_and_after_the_deadline_with_escalation(org, cal, item):
    from core.models import Notification
    from feedback.reminders import deadline_reminders

    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    # answer due Tue 22/09/2026: two working days before, the unit is reminded once
    deadline_reminders(today=dt.date(2026, 9, 18), cal=cal)
    deadline_reminders(today=dt.date(2026, 9, 18), cal=cal)
    unit_people = set(Notification.objects.filter(kind="feedback_due").values_list("user__username", flat=True))
    assert unit_people == {"chuyenvien.qldn", "truongphong.qldn"}
    assert Notification.objects.filter(kind="feedback_due").count() == 2
    # the day after: overdue, the Office too; three working days late, the leader as well
    deadline_reminders(today=dt.date(2026, 9, 23), cal=cal)
    late = set(Notification.objects.filter(kind="feedback_overdue").values_list("user__username", flat=True))
    assert late == {"chuyenvien.qldn", "truongphong.qldn", "vanphong"}
    deadline_reminders(today=dt.date(2026, 9, 25), cal=cal)
    escalated = Notification.objects.filter(kind="feedback_overdue", for_date=dt.date(2026, 9, 25))
    assert "lanhdao" in set(escalated.values_list("user__username", flat=True))
    # answered: nothing more
    services.submit_answer(item, actor=org.officer, answer="Trả lời")
    services.approve(item, actor=org.leader, cal=cal, at=T(2026, 9, 28, 3, tzinfo=dt.UTC))
    before = Notification.objects.filter(kind="feedback_overdue").count()
    deadline_reminders(today=dt.date(2026, 9, 29), cal=cal)  # publication due 30/09: the Office
    assert Notification.objects.filter(kind="feedback_overdue").count() == before
    assert set(
        Notification.objects.filter(kind="feedback_due", title__contains="công khai").values_list(
            "user__username", flat=True
        )
    ) == {"vanphong"}


def test_statistics_per_deadline_category_and_unit(client, org, cal):
    from django.urls import reverse

    def received(day):
        item, _key = services.receive(
            agency=org.agency,
            channel="phone",
            name="A",
            address="B",
            phone="0912000111",
            content="C",
            cal=cal,
            received_at=T(2026, 6, day, 2, tzinfo=dt.UTC),
        )
        return item

    answered = received(1)  # answer due 22/06
    services.classify(answered, actor=org.office, category="conduct", within_competence=True, unit=org.unit_a)
    services.submit_answer(answered, actor=org.officer, answer="Trả lời")
    services.approve(answered, actor=org.leader, cal=cal, at=T(2026, 6, 23, 3, tzinfo=dt.UTC))  # a day late
    services.publish(answered, actor=org.office)
    refused = received(2)
    services.not_accept(refused, actor=org.office, reason="Thiếu địa chỉ")
    received(3)
    client.force_login(org.leader)
    page = client.get(reverse("feedback:stats"), {"from": "2026-06-01", "to": "2026-06-30"})
    result = page.context["stats"]
    assert result.received == 3
    assert (result.steps["answer"].on_time, result.steps["answer"].total) == (0, 1)
    assert (result.steps["reject"].on_time, result.steps["reject"].total) == (0, 1)  # refused today, long after
    assert (result.steps["publish"].on_time, result.steps["publish"].total) == (0, 1)  # published today: late
    by_category = {g.label: g for g in result.by_category}
    assert by_category["Hành vi của cán bộ, công chức"].received == 1
    assert result.classified_share == Decimal("33.33")
    by_unit = {g.label: g for g in result.by_unit}
    assert by_unit[org.unit_a.name].answered.total == 1 and by_unit["—"].received == 2


def test_citizen_reception_register(client, org):
    from django.urls import reverse

    from feedback.models import ReceptionSession

    client.force_login(org.office)
    data = {
        "held_on": "2026-06-15",
        "received_by": "Phó Trưởng ban",
        "leader_present": "on",
        "citizen": "Nguyễn Văn D",
        "people": 3,
        "content": "Hỏi về giải phóng mặt bằng",
        "handling": "Hướng dẫn",
        "result": "Đã trả lời",
    }
    assert client.post(reverse("feedback:receptions"), data).status_code == 302
    client.post(reverse("feedback:receptions"), {**data, "leader_present": "", "people": 1})
    bad = client.post(reverse("feedback:receptions"), {**data, "held_on": "2099-01-01", "people": 0})
    assert {"held_on", "people"} <= set(bad.context["form"].errors)
    page = client.get(reverse("feedback:receptions"), {"from": "2026-01-01", "to": "2026-12-31"})
    assert page.context["totals"] == {"sessions": 2, "people": 4, "by_leader": 1}
    assert ReceptionSession.objects.filter(agency=org.agency).count() == 2
    assert AuditEntry.objects.filter(action="reception.recorded").count() == 2
    client.force_login(org.auditor)
    assert client.post(reverse("feedback:receptions"), data).status_code == 403


SENDER = {
    "sender_type": "person",
    "kind": "report",
    "name": "Lò Thị E",
    "address": "Văn Lãng, Lạng Sơn",
    "phone": "0912 111 222",
    "email": "e@example.vn",
    "consent": "on",
    "content": "Hồ sơ của tôi bị trả lại nhiều lần không rõ lý do.",
}


def test_public_attachments_are_checked_and_all_or_nothing(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("feedback_submit") + "?co-quan=BQLKKTCK"
    bad = client.post(
        url,
        {**SENDER, "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), SimpleUploadedFile("b.exe", b"MZ\x90\x00")]},
    )
    assert bad.status_code == 200 and "b.exe" in bad.content.decode()
    assert not Feedback.objects.exists()
    good = client.post(url, {**SENDER, "files": [SimpleUploadedFile("giay-hen.pdf", b"%PDF-1.4\n%%EOF\n")]})
    item = Feedback.objects.get()
    assert good.status_code == 200 and item.attachments.get().name == "giay-hen.pdf"
    client.force_login(org.office)
    download = client.get(reverse("feedback:attachment", args=[item.pk, item.attachments.get().pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    public = client.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "giay-hen.pdf" not in public


def test_email_confirmation_before_the_queue(client, org, settings, mailoutbox):
    from django.urls import reverse

    settings.FEEDBACK_CONFIRM_EMAIL = True
    client.post(reverse("feedback_submit") + "?co-quan=BQLKKTCK", SENDER)
    item = Feedback.objects.get()
    assert not item.confirmed and len(mailoutbox) == 1 and item.code in mailoutbox[0].subject
    staff = client.__class__()
    staff.force_login(org.office)
    assert item.code not in staff.get(reverse("feedback:desk")).content.decode()  # not in the queue yet
    assert client.get(reverse("feedback_status", args=[item.code])).status_code == 404
    link = next(line for line in mailoutbox[0].body.splitlines() if "/phan-anh/xac-nhan/" in line)
    assert client.get(link.split("testserver")[1]).status_code == 200
    item.refresh_from_db()
    assert item.confirmed and item.code in staff.get(reverse("feedback:desk")).content.decode()
    assert client.get(reverse("feedback_confirm", args=["forged"])).status_code == 404


def test_templates_fill_the_answer(client, org, item):
    from django.urls import reverse

    from feedback.models import Template

    client.force_login(org.office)
    client.post(
        reverse("feedback:templates"),
        {
            "step": "answer",
            "category": "",
            "title": "Cảm ơn",
            "text": "Kính gửi {name}: về phản ánh {code} ngày {date}, ...",
        },
    )
    template = Template.objects.get(agency=org.agency)
    services.classify(item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    page = client.get(reverse("feedback:item", args=[item.pk]), {"template": template.pk}).content.decode()
    assert f"Kính gửi Nguyễn Văn Bình: về phản ánh {item.code} ngày 27/08/2026" in page
    client.force_login(org.officer)
    assert client.post(reverse("feedback:templates"), {"step": "answer", "title": "x", "text": "y"}).status_code == 403
