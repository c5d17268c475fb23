"""The Office's posts editor (portal.views.posts, edit_post; portal.services.save_post)."""

from django.urls import reverse

from core.models import AuditEntry
from portal.models import Post


def test_the_office_publishes_news(client, org):
    client.force_login(org.office)
    client.post(
        reverse("portal:new_post"), {"kind": "news", "title": "Tuần lễ CCHC", "body": "Nội dung", "publish": "1"}
    )
    post = Post.objects.get(title="Tuần lễ CCHC")
    assert post.published_at is not None and AuditEntry.objects.filter(action="post.published").exists()
    client.post(
        reverse("portal:edit_post", args=[post.pk]),
        {"kind": "news", "title": "Tuần lễ CCHC", "body": "x", "publish": "0"},
    )
    post.refresh_from_db()
    assert post.published_at is None
    client.force_login(org.officer)
    assert client.get(reverse("portal:posts")).status_code == 403
    client.force_login(org.outsider)  # an officer of another agency cannot open this agency's post
    assert client.get(reverse("portal:edit_post", args=[post.pk])).status_code in (403, 404)
