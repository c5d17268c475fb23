"""Comment review (surveys.views.comments and moderate): redacted on arrival, reviewed and logged,
shown on the dashboard only with a period whose figures are shown."""

from django.urls import reverse

from core.models import AuditEntry
from surveys.tests.helpers import given, make


def test_comments_are_redacted_reviewed_and_logged(client, org):
    response = given(org, 4, "Tôi là Lan, sđt 0912.345.678, email lan@example.vn, CCCD 012345678901")
    for secret in ("0912", "lan@example.vn", "012345678901"):
        assert secret not in response.comment_shown
    client.force_login(org.office)
    assert response.comment_shown in client.get(reverse("surveys:comments")).content.decode()
    client.post(
        reverse("surveys:moderate", args=[response.pk]), {"state": "shown", "shown": "Tôi là [tên], sđt 0912345678"}
    )
    response.refresh_from_db()
    assert response.comment_state == "shown" and "0912345678" not in response.comment_shown
    assert AuditEntry.objects.filter(action="sipas.comment", object_id=str(response.pk)).exists()
    q1 = {"campaign": "all", "year": 2026, "period": "quarter", "number": 1}
    assert "[tên]" not in client.get(reverse("surveys:dashboard"), q1).content.decode()  # 1 < 5
    for _n in range(4):
        make(org, 4)
    assert "[tên]" in client.get(reverse("surveys:dashboard"), q1).content.decode()
