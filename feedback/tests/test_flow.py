"""The whole life of an item through the pages: a citizen sends it, the Office classifies it, an
officer answers, the leader approves (the Office may not), the Office previews and publishes, the
citizen finds the redacted answer on the portal and rates it once."""

from django.test import Client
from django.urls import reverse

from feedback.models import Feedback


def test_the_whole_flow_through_the_pages(client, org):
    citizen = Client()
    form = citizen.get(reverse("feedback_submit"), {"co-quan": "BQLKKTCK"})
    assert form.status_code == 200
    token = form.context["submission"]  # the form's one-time key
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
            "submission": token,
        },
        follow=True,
    )
    item = Feedback.objects.get(name="Hoàng Thị Mai")
    link = sent.context["link"]
    assert item.code in link and "?k=" in link
    public = Client().get(reverse("feedback_status", args=[item.code])).content.decode()  # another browser
    assert (
        "Hoàng Thị Mai" not in public and "0987" not in public and "yêu cầu nộp thêm" not in public
    )  # not yet published
    assert "yêu cầu nộp thêm" in sent.content.decode()  # the session that sent it sees its text, once
    own = citizen.get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "yêu cầu nộp thêm" not in own  # never again, not even there (a shared computer)

    client.force_login(org.office)

    def step(name, data, who=None):
        if who is not None:
            client.force_login(who)
        return client.post(reverse(f"feedback:{name}", args=[item.pk]), data)

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

    page = Client().get(reverse("feedback_status", args=[item.code])).content.decode()
    assert "không bắt buộc" in page and "Hoàng Thị Mai" not in page and "mai@example.vn" not in page
    assert "Kính gửi bà: giấy tờ" in page  # the greeting without the removed name (D28)
    listed = citizen.get(reverse("feedback_published"), {"q": "đăng ký đầu tư"}).content.decode()
    assert item.code in listed
    stranger = Client().post(reverse("feedback_rate", args=[item.code]), {"k": "guess", "satisfied": "0"})
    assert stranger.status_code == 400
    key = link.split("?k=")[1]
    assert citizen.post(reverse("feedback_rate", args=[item.code]), {"k": key, "satisfied": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.rated_unsatisfied is False
    assert citizen.post(reverse("feedback_rate", args=[item.code]), {"k": key, "satisfied": "0"}).status_code == 400
