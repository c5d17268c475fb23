"""Dossiers due within a working day: the list, the page flag and the daily alert to the unit's
officers and head and the Office focal point (procedures.reminders)."""

from django.urls import reverse

from core.models import Membership, Notification, Role
from procedures import services
from procedures.models import Dossier
from procedures.reminders import at_risk_alerts
from procedures.tests.helpers import D, at


def test_at_risk_list_and_daily_alert(org, receive, cal):
    today = D(2026, 3, 20)  # Friday: the next working day is Mon 23/03
    due_monday = receive(at(2026, 3, 9, 9))
    later = receive(at(2026, 3, 12, 9))
    paused = receive(at(2026, 3, 9, 10))
    services.request_supplement(dossier=paused, actor=org.officer, items="Bổ sung")
    risky = set(services.at_risk(Dossier.objects.all(), today=today, cal=cal))
    assert due_monday in risky and later not in risky and paused not in risky
    paused.refresh_from_db()
    for one in (due_monday, later, paused):  # the dossier page's flag says the same
        assert services.is_at_risk(one, today=today, cal=cal) == (one in risky)
    result = at_risk_alerts(today=today, cal=cal)
    notified = set(Notification.objects.filter(kind="dossier_due").values_list("user__username", flat=True))
    assert result["notifications"] >= 3 and {"chuyenvien.qldn", "truongphong.qldn", "vanphong"} <= notified
    assert "chuyenvien.khth" not in notified
    assert at_risk_alerts(today=today, cal=cal)["notifications"] == 0  # never twice


def test_the_alert_names_the_dossier_and_links_to_it(org, receive, cal):
    dossier = receive(at(2026, 3, 9, 9), unit=None)  # no unit yet: the focal points only
    at_risk_alerts(today=D(2026, 3, 20), cal=cal)
    focal = set(Membership.objects.filter(agency=org.agency, role=Role.FOCAL_POINT).values_list("user_id", flat=True))
    sent = Notification.objects.filter(kind="dossier_due")
    assert set(sent.values_list("user_id", flat=True)) == focal
    first = sent.first()
    assert dossier.code in first.title and "23/03/2026" in first.title
    assert first.url == reverse("procedures:dossier", args=[dossier.pk]) and first.for_date == D(2026, 3, 20)


def test_the_at_risk_page_splits_overdue_and_due_soon(client, org, receive):
    receive(at(2020, 3, 9, 9))
    client.force_login(org.office)
    page = client.get(reverse("procedures:at_risk"))
    assert len(page.context["overdue"]) == 1 and page.context["due_soon"] == []
