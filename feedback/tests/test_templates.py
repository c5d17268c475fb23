"""Response templates (GET and POST /pakn/templates/, POST /pakn/templates/<pk>/delete/): kept by
the managers, filled in for an item's answer."""

from django.urls import reverse

from core.models import AuditEntry
from feedback import services
from feedback.models import Template


def test_templates_fill_the_answer(client, org, item):
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
    services.classify(item=item, actor=org.office, category="regulation", within_competence=True, unit=org.unit_a)
    page = client.get(reverse("feedback:item", args=[item.pk]), {"template": template.pk}).content.decode()
    # {name}: the sender as an answer addresses them (no title given: "Ông/Bà")
    assert f"Kính gửi Ông/Bà Nguyễn Văn Bình: về phản ánh {item.code} ngày 27/08/2026" in page
    client.force_login(org.officer)
    assert client.post(reverse("feedback:templates"), {"step": "answer", "title": "x", "text": "y"}).status_code == 403


def test_templates_are_deleted_by_their_own_step(client, org):
    other = Template.objects.create(agency=org.other, step="answer", title="SCT", text="z")
    mine = Template.objects.create(agency=org.agency, step="answer", title="Cảm ơn", text="y")
    url = reverse("feedback:delete_template", args=[mine.pk])
    assert url == f"/pakn/templates/{mine.pk}/delete/"
    client.force_login(org.officer)
    assert client.post(url).status_code == 403
    client.force_login(org.office)
    assert client.get(url).status_code == 405
    page = client.get(reverse("feedback:templates")).content.decode()
    assert f'action="{url}"' in page
    assert client.post(reverse("feedback:delete_template", args=[other.pk])).status_code == 302  # not ours: kept
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("feedback:templates")
    assert list(Template.objects.values_list("title", flat=True)) == ["SCT"]
    assert AuditEntry.objects.filter(action="feedback.template_deleted").count() == 1
