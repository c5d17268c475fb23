"""The public feedback form under a burst (finding M3 of the December 2026 probe): a per-address
limit and a daily cap (429 with Retry-After, the typed text kept), the honeypot, and identical
attachments stored once however many submissions carry them."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Attachment, Feedback
from feedback.public import new_submission

URL = reverse("feedback_submit") + "?co-quan=BQLKKTCK"
SENDER = {
    "sender_type": "person",
    "kind": "report",
    "name": "Lò Thị E",
    "address": "Văn Lãng, Lạng Sơn",
    "phone": "0912 111 222",
    "email": "",
    "consent": "on",
    "content": "Hồ sơ của tôi bị trả lại nhiều lần không rõ lý do.",
}
PDF = b"%PDF-1.4\n" + b"x" * 4096 + b"\n%%EOF\n"


def _send(client, n, **extra):
    """n forms sent, each with its own one-time key (feedback.public: a key creates one item)."""
    return [
        client.post(
            URL, {**SENDER, "content": f"{SENDER['content']} Lần {i}.", "submission": new_submission(), **extra}
        )
        for i in range(n)
    ]


def test_a_burst_from_one_address_is_refused_with_retry_after(client, org, settings):
    settings.FEEDBACK_BURST_LIMIT, settings.FEEDBACK_DAILY_LIMIT = 5, 100
    answers = _send(client, 8)
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 3  # sent: redirected to the sent page
    assert Feedback.objects.count() == 5
    refused = answers[-1]
    assert int(refused["Retry-After"]) == settings.FEEDBACK_BURST_WINDOW_SECONDS
    page = refused.content.decode()
    assert "Lần 7." in page and "Lò Thị E" in page  # what was typed is still in the form
    assert 'name="content"' in page


def test_another_address_is_not_affected(client, org, settings):
    settings.FEEDBACK_BURST_LIMIT = 2
    _send(client, 3)
    other = client.post(
        URL,
        {**SENDER, "content": "Một phản ánh từ nơi khác, đủ dài.", "submission": new_submission()},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 302 and Feedback.objects.count() == 3


def test_the_daily_cap_holds_after_the_burst_window(client, org, settings):
    settings.FEEDBACK_BURST_LIMIT, settings.FEEDBACK_BURST_WINDOW_SECONDS, settings.FEEDBACK_DAILY_LIMIT = 3, 1, 5
    assert [a.status_code for a in _send(client, 3)] == [302] * 3
    time.sleep(1.1)  # the burst window is over
    settings.FEEDBACK_BURST_LIMIT = 100
    answers = _send(client, 4)
    assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert Feedback.objects.count() == 5
    assert 60 <= int(answers[-1]["Retry-After"]) <= 86400  # until local midnight


def test_the_honeypot_stores_nothing(client, org):
    answer = client.post(URL, {**SENDER, "website": "http://spam.example"})
    assert answer.status_code == 200 and not Feedback.objects.exists()
    assert answer.context["code"] is None


def test_identical_attachments_are_stored_once(client, org, settings):
    settings.FEEDBACK_BURST_LIMIT = 10
    for i in range(3):
        client.post(
            URL,
            {
                **SENDER,
                "content": f"{SENDER['content']} Bản {i}.",
                "submission": new_submission(),
                "files": [SimpleUploadedFile("giay-hen.pdf", PDF), SimpleUploadedFile(f"ban-sao-{i}.pdf", PDF)],
            },
        )
    assert Feedback.objects.count() == 3 and Attachment.objects.count() == 6
    assert len({a.file.name for a in Attachment.objects.all()}) == 1
    stored = [p for p in (settings.MEDIA_ROOT / "feedback").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF


@pytest.fixture(autouse=True)
def _one_address(settings):
    settings.BEHIND_PROXY = False


def test_a_refused_staff_step_keeps_what_was_typed(client, org, cal):
    item, _key = services.receive(
        agency=org.agency,
        channel="phone",
        name="A B",
        address="C",
        phone="0912111222",
        content="Nội dung",
        cal=cal,
        received_at=timezone.now(),
    )
    client.force_login(org.office)
    reason = "Chờ ý kiến của Sở Kế hoạch và Đầu tư về hồ sơ"
    refused = client.post(reverse("feedback:extend", args=[item.pk]), {"until": "2000-01-01", "reason": reason})
    assert refused.status_code == 400 and reason in refused.content.decode()
    wrong = client.post(reverse("feedback:repeat", args=[item.pk]), {"of": "PA-000000-XXXXXX"})
    assert wrong.status_code == 400 and 'value="PA-000000-XXXXXX"' in wrong.content.decode()
