"""Intake (feedback.services.receive, the public form and the staff form): a tracking code, the
deadlines of every step, a redacted summary, the sender's files checked all or nothing, and the
e-mail confirmation before the queue."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from feedback.models import Feedback
from feedback.public import new_submission

T = dt.datetime
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


def test_after_the_cut_off_the_clock_starts_the_next_working_day(phoned):
    late = phoned(T(2026, 8, 27, 9, 0, tzinfo=dt.UTC), phone="0205 3812 345")
    assert late.due_answer == dt.date(2026, 9, 23)


def test_deadlines_follow_the_settings(phoned, settings):
    settings.FEEDBACK_ANSWER_DAYS = 10
    item = phoned(T(2026, 8, 27, 2, 0, tzinfo=dt.UTC), channel="letter")
    assert item.due_answer == dt.date(2026, 9, 15)
    assert Feedback.objects.filter(code=item.code).count() == 1


def test_public_attachments_are_checked_and_all_or_nothing(client, org):
    url = reverse("feedback_submit") + "?co-quan=BQLKKTCK"
    once = {"submission": new_submission()}
    bad = client.post(
        url,
        {
            **SENDER,
            **once,
            "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), SimpleUploadedFile("b.exe", b"MZ\x90\x00")],
        },
    )
    assert bad.status_code == 200 and "b.exe" in bad.content.decode()
    assert not Feedback.objects.exists()
    good = client.post(url, {**SENDER, **once, "files": [SimpleUploadedFile("giay-hen.pdf", b"%PDF-1.4\n%%EOF\n")]})
    item = Feedback.objects.get()
    assert good.status_code == 302 and item.attachments.get().name == "giay-hen.pdf"
    client.force_login(org.office)
    download = client.get(reverse("feedback:attachment", args=[item.pk, item.attachments.get().pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    public = client.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "giay-hen.pdf" not in public


def test_email_confirmation_before_the_queue(client, org, settings, mailoutbox):
    settings.FEEDBACK_CONFIRM_EMAIL = True
    sent = client.post(reverse("feedback_submit") + "?co-quan=BQLKKTCK", {**SENDER, "submission": new_submission()})
    item = Feedback.objects.get()
    page = client.get(sent["Location"])
    assert item.code in page.content.decode() and page.context["confirm_first"]  # asks to confirm by e-mail
    assert not item.confirmed and len(mailoutbox) == 1 and item.code in mailoutbox[0].subject
    staff = Client()
    staff.force_login(org.office)
    assert item.code not in staff.get(reverse("feedback:desk")).content.decode()  # not in the queue yet
    assert client.get(reverse("feedback_status", args=[item.code])).status_code == 404
    link = next(line for line in mailoutbox[0].body.splitlines() if "/phan-anh/xac-nhan/" in line)
    assert client.get(link.split("testserver")[1]).status_code == 200
    item.refresh_from_db()
    assert item.confirmed and item.code in staff.get(reverse("feedback:desk")).content.decode()
    assert client.get(reverse("feedback_confirm", args=["forged"])).status_code == 404


def test_staff_record_an_item_taken_by_phone_with_its_files(client, org):
    form = {k: v for k, v in SENDER.items() if k != "consent"}
    data = {**form, "channel": "phone", "received_at": "27/08/2026 09:00", "procedure": ""}
    client.force_login(org.auditor)
    assert client.post(reverse("feedback:new"), data).status_code == 403  # read-only
    client.force_login(org.officer)
    refused = client.post(reverse("feedback:new"), {**data, "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]})
    assert refused.status_code == 200 and "x.exe" in refused.content.decode() and not Feedback.objects.exists()
    response = client.post(reverse("feedback:new"), {**data, "files": [SimpleUploadedFile("thu.pdf", b"%PDF-1.4\n")]})
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("feedback:item", args=[item.pk])
    assert (item.channel, item.created_by, item.attachments.get().name) == ("phone", org.officer, "thu.pdf")
    assert item.received_at == T(2026, 8, 27, 2, 0, tzinfo=dt.UTC) and item.due_answer == dt.date(2026, 9, 22)
