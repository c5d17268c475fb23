"""The register of citizen reception (GET and POST /pakn/receptions/): sessions recorded and
logged, counted over a period; read-only roles may not record."""

from django.urls import reverse

from core.models import AuditEntry
from feedback.models import ReceptionSession


def test_citizen_reception_register(client, org):
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
