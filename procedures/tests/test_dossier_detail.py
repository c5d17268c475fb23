"""The dossier's page: its steps for those who handle it, and its history in words (core.audit)."""

from django.urls import reverse
from django.utils import translation

from core import audit
from procedures import services
from procedures.tests.helpers import at


def test_the_history_speaks_vietnamese_not_codes(client, org, dossier):
    services.hand_over(
        dossier=dossier, actor=org.office, giver="Một cửa", receiver="QLDN", to_unit=org.unit_b, at=at(2026, 3, 9, 10)
    )
    services.finish(dossier=dossier, actor=org.office, outcome="finished", at=at(2026, 3, 20, 10))
    client.force_login(org.office)
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    for code in ("dossier.received", "dossier.handed_over", "dossier.finished", "supplement_count", "unit_id"):
        assert code not in page
    assert "Đã tiếp nhận → Đang giải quyết" in page  # the statuses by their labels
    assert f"→ {org.unit_b.name}" in page  # the unit by its name
    assert "→ 20/03/2026 10:00" in page  # a moment in local time, dd/mm/yyyy HH:MM
    with translation.override("vi"):
        assert audit.action_label("dossier.handed_over") in page  # the action in words


def test_only_those_who_handle_it_see_the_steps(client, org, dossier):
    client.force_login(org.auditor)
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    assert page.status_code == 200 and not page.context["handle"]
    assert reverse("procedures:handover", args=[dossier.pk]) not in page.content.decode()
    client.force_login(org.officer)
    page = client.get(reverse("procedures:dossier", args=[dossier.pk]))
    assert reverse("procedures:handover", args=[dossier.pk]) in page.content.decode()
