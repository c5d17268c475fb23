"""The published figures (portal.figures, the indices page): each with its definition, period and
source; SIPAS over a whole period with small samples hidden; every 766 indicator with its points."""

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from procedures.models import Dossier, Procedure
from surveys import disclosure
from surveys.models import Response


def respond(org, day, value):
    """A valid SIPAS response of the agency, all items answered `value`."""
    return Response.objects.create(
        agency=org.agency,
        channel="online",
        source="receipt",
        questionnaire="sipas-service-2026",
        answered_on=day,
        answers={f"q{n}": value for n in range(15, 34)},
    )


def test_indices_with_definitions_and_small_samples_hidden(anon, org, cal):
    today = timezone.localdate()
    # SIPAS is published over the latest ended whole period of the year (issue 18 H2)
    whole = disclosure.latest_ended(today, kinds=("quarter", "half", "nine", "year"))
    day = whole.start
    for value in (5, 4, 4, 2):
        respond(org, day, value)
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value is None  # 4 responses: fewer than 5, not published
    # and its definition says hidden, never "0 responses" (issue 18 review, second pass)
    assert "0 responses" not in sipas.definition and "0 phiếu" not in sipas.definition
    assert "5" in sipas.definition and ("hidden" in sipas.definition or "ẩn" in sipas.definition)
    respond(org, day, 5)
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value is None  # the figures are cached for 5 minutes
    cache.clear()
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    sipas = next(f for f in page.context["indices"] if f.key == "sipas")
    assert sipas.value == Decimal("80.00") and "5" in sipas.definition and f"{whole.end:%d/%m/%Y}" in sipas.period
    assert "80,00%" in page.content.decode()  # Vietnamese decimal comma
    assert {f.key for f in page.context["indices"]} >= {"sipas", "on_time_rate", "online_rate", "feedback_on_time_rate"}


def test_year_boundary_uses_the_current_year(anon, org):
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    today = timezone.localdate()
    periods = [f.period for f in page.context["indices"] if f.key != "par"]
    assert periods and all(p.startswith(f"01/01/{today.year}") for p in periods)


def test_every_766_indicator_with_its_points_and_the_total(anon, org, cal):
    """Four dossiers received this year, three ended on time and one late, one of them online:
    2.1 = 75% (15 of 20 points), 3.3 = 25% (2 of 4 points, threshold 50%)."""
    today = timezone.localdate()
    procedure = Procedure.objects.create(agency=org.agency, code="1.001", name="Thủ tục", limit=5)
    received = dt.datetime.combine(today.replace(month=1, day=5), dt.time(9), tzinfo=dt.UTC)
    for n, (hours_late, channel) in enumerate(((-24, "online"), (-24, "direct"), (-24, "direct"), (48, "direct"))):
        due = received.date() + dt.timedelta(days=7)
        Dossier.objects.create(
            agency=org.agency,
            procedure=procedure,
            procedure_code="1.001",
            code=f"D{n}",
            received_at=received,
            due_date=due,
            status="finished",
            finished_at=dt.datetime.combine(due, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(hours=hours_late),
            channel=channel,
        )
    page = anon.get(reverse("portal_indices", args=[org.agency.code]))
    shown = {f.key: f for f in page.context["indices"]}
    assert set(shown) >= {
        "on_time_rate",
        "online_rate",
        "online_payment_rate",
        "e_result_rate",
        "digitization_rate",
        "reuse_rate",
        "tthc_satisfaction",
        "feedback_on_time_rate",
        "feedback_satisfaction",
        "766_total",
    }
    assert (shown["on_time_rate"].value, shown["on_time_rate"].points) == (Decimal("75.00"), Decimal("15.00"))
    assert (shown["online_rate"].value, shown["online_rate"].points) == (Decimal("25.00"), Decimal("2.00"))
    total = shown["766_total"]
    assert total.value == sum(f.points for f in shown.values() if f.points is not None and f.key != "766_total")
    assert all(f.definition and f.period for f in shown.values())
    html = page.content.decode()
    assert "75,00%" in html and "15,00" in html
    # the agency page shows the headline figures only
    agency_page = anon.get(reverse("portal_agency", args=[org.agency.code])).content.decode()
    assert str(shown["on_time_rate"].label) in agency_page and str(shown["reuse_rate"].label) not in agency_page
