"""The portal's list of published answers (GET /phan-anh/): searchable by tracking code or by words
without diacritics, over the public texts only."""

from django.urls import reverse
from django.utils import timezone

from feedback import services


def test_the_published_list_searches_without_diacritics(client, org, cal, receive):
    item = receive(content="Tôi là Nguyễn Văn Bình, hỏi về giấy phép")
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    services.submit_answer(item=item, actor=org.officer, answer="Giấy phép xây dựng được cấp trong 15 ngày.")
    services.approve(item=item, actor=org.leader, cal=cal, now=timezone.now())
    services.publish(item=item, actor=org.office, now=timezone.now())
    item.refresh_from_db()
    assert "giay phep xay dung" in item.search_text and "nguyen van binh" not in item.search_text
    url = reverse("feedback_published")
    for query in ("giay phep", "GIẤY PHÉP", item.code):
        assert item.code in client.get(url, {"q": query}).content.decode(), query
    assert item.code not in client.get(url, {"q": "giay phep lai xe"}).content.decode()
    assert item.code not in client.get(url, {"q": "binh"}).content.decode()  # the sender's name is not searchable
    assert "hoi ve giay phep" in item.search_text  # the redacted summary is
    only_answer = receive(content="Hỏi về lệ phí trước bạ", answer_only=True)
    services.classify(item=only_answer, actor=org.office, category="regulation", within_competence=True)
    services.submit_answer(item=only_answer, actor=org.officer, answer="Đã trả lời.")
    services.approve(item=only_answer, actor=org.leader, cal=cal, now=timezone.now())
    services.publish(item=only_answer, actor=org.office, now=timezone.now())
    only_answer.refresh_from_db()
    assert "truoc ba" not in only_answer.search_text and "da tra loi" in only_answer.search_text
    assert only_answer.code not in client.get(url, {"q": "truoc ba"}).content.decode()
