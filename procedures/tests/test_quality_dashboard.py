"""The Decision 766 dashboard, its drill-down to the dossiers behind a number, and the portal's
official scores entered beside ours."""

from decimal import Decimal

from django.urls import reverse

from core.models import AuditEntry
from procedures.models import OfficialScore
from procedures.tests.helpers import D


def test_dashboard_page_drill_down_and_portal_scores(client, org, quarter):
    client.force_login(org.office)
    query = {"period": "quarter", "year": 2026, "n": 1}
    page = client.get(reverse("procedures:quality"), query)
    assert page.status_code == 200 and page.context["result"].counts["late"] == 1
    late = client.get(reverse("procedures:quality_drill"), {**query, "key": "progress", "part": "late"})
    assert [d.code for d in late.context["dossiers"]] == ["late"]
    online = client.get(reverse("procedures:quality_drill"), {**query, "key": "online_rate", "part": "denominator"})
    assert sorted(d.code for d in online.context["dossiers"]) == ["early", "late", "pending"]
    assert client.get(reverse("procedures:quality_drill"), {**query, "key": "x", "part": "y"}).status_code == 404
    url = reverse("procedures:official_score") + "?period=quarter&year=2026&n=1"
    client.post(url, {"indicator": "on_time_rate", "points": "19.5", "source_url": "https://dichvucong.gov.vn/"})
    score = OfficialScore.objects.get()
    assert (score.period_start, score.period_end, score.points) == (D(2026, 1, 1), D(2026, 3, 31), Decimal("19.5"))
    row = next(
        r for r in client.get(reverse("procedures:quality"), query).context["rows"] if r["key"] == "on_time_rate"
    )
    assert row["gap"] == Decimal("-4.50") and row["big_gap"]
    assert AuditEntry.objects.filter(action="official_766.entered").exists()
    client.force_login(org.officer)
    assert client.post(url, {"indicator": "on_time_rate", "points": "1"}).status_code == 403


def test_a_portal_score_entered_again_replaces_the_first_and_the_audit_says_so(client, org, quarter):
    client.force_login(org.leader)
    url = reverse("procedures:official_score") + "?period=month&year=2026&n=2"
    client.post(url, {"indicator": "total", "points": "80", "rate": "90"})
    client.post(url, {"indicator": "total", "points": "81.25"})
    score = OfficialScore.objects.get()
    assert (score.period_start, score.period_end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert (score.points, score.rate, score.entered_by) == (Decimal("81.25"), None, org.leader)
    changes = [e.changes for e in AuditEntry.objects.filter(action="official_766.entered").order_by("pk")]
    first, second = ({key: [v if v is None else Decimal(v) for v in pair] for key, pair in c.items()} for c in changes)
    assert first == {"points": [None, 80], "rate": [None, 90]}
    assert second == {"points": [80, Decimal("81.25")], "rate": [90, None]}
    bad = client.post(url, {"indicator": "total", "points": "-1"})
    assert bad.status_code == 302 and OfficialScore.objects.get().points == Decimal("81.25")


def test_a_bad_period_falls_back_to_this_quarter(client, org):
    client.force_login(org.office)
    page = client.get(reverse("procedures:quality"), {"period": "decade", "year": "x"})
    assert page.status_code == 200 and page.context["period"].kind == "quarter"
