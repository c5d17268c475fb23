"""procedures.selectors: the periods, and the 766 indicators counted by the database over the stored
facts, which must agree with the pure module (procedures.quality)."""

import datetime as dt
import random
from decimal import Decimal

from core.deadlines import LOCAL
from procedures.models import RECORD_FIELDS, Dossier
from procedures.quality import Dossier as Record
from procedures.quality import compute
from procedures.selectors import drill, period, quality
from procedures.tests.helpers import D, T

STATUSES = ["received", "processing", "supplement_requested", "finished", "returned", "rejected", "withdrawn"]


def test_periods():
    assert (period("month", 2026, 2).start, period("month", 2026, 2).end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert (period("quarter", 2026, 4).start, period("quarter", 2026, 4).end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period("nine", 2026).end == D(2026, 9, 30) and period("half", 2026).end == D(2026, 6, 30)
    assert period("month", 2026, 12).end == D(2026, 12, 31)


def test_dashboard_figures_from_the_database(org, quarter):
    result = quality(Dossier.objects.filter(agency=org.agency), D(2026, 1, 1), D(2026, 3, 31))
    assert result.counts == {"in_scope": 4, "early": 3, "on_time": 0, "late": 1, "received": 3}
    figures = result.figures
    assert figures["on_time_rate"].rate == Decimal(75) and figures["on_time_rate"].points == Decimal(15)
    assert (figures["online_rate"].numerator, figures["online_rate"].denominator) == (1, 3)
    assert (figures["e_result_rate"].numerator, figures["e_result_rate"].denominator) == (1, 2)
    assert figures["online_payment_rate"].rate == Decimal(100)
    unit_a = quality(Dossier.objects.filter(unit=org.unit_a), D(2026, 1, 1), D(2026, 3, 31))
    assert unit_a.counts["in_scope"] == 3


def random_dossier(rng, n):
    received = T(2026, 1, 1, tzinfo=LOCAL) + dt.timedelta(seconds=rng.randrange(0, 181 * 86400))
    if n % 17 == 0:  # the last instant of a day: a period's edge
        received = received.replace(hour=23, minute=59, second=59, microsecond=rng.randrange(1, 999_999))
    fields = {
        "code": f"R{n}",
        "received_at": received,
        "due_date": received.date() + dt.timedelta(days=rng.randrange(0, 25)),
        "status": rng.choice(STATUSES),
        "channel": rng.choice(["direct", "online", "postal"]),
        "supplement_count": rng.choice([0, 0, 0, 1, 1, 2]),
        **{flag: rng.random() < 0.5 for flag in ("paper_result", "e_result", "digitized", "reused_data")},
        **{flag: rng.random() < 0.4 for flag in ("fee_bearing", "paid_online", "complaint")},
    }
    if fields["supplement_count"]:
        fields["supplement_requested_at"] = received + dt.timedelta(hours=rng.randrange(1, 200))
        if rng.random() < 0.6:
            fields["supplement_completed_at"] = fields["supplement_requested_at"] + dt.timedelta(
                hours=rng.randrange(1, 300)
            )
    if fields["status"] in ("finished", "returned", "rejected", "withdrawn"):
        fields["finished_at"] = received + dt.timedelta(hours=rng.randrange(1, 40 * 24))
    return fields


def test_the_database_counts_agree_with_the_pure_module(org):
    rng = random.Random(766)
    for n in range(400):
        Dossier.objects.create(agency=org.agency, **random_dossier(rng, n))
    qs = Dossier.objects.filter(agency=org.agency)
    everything = [Record(*values) for values in qs.values_list(*RECORD_FIELDS)]  # not through the facts
    periods = [period("month", 2026, m) for m in range(1, 9)] + [
        period("quarter", 2026, 1),
        period("half", 2026),
        period("year", 2026),
        period("year", 2025),
    ]
    for chosen in periods:
        ours = quality(qs, chosen.start, chosen.end)
        pure = compute(everything, chosen.start, chosen.end)
        assert ours.counts == pure.counts, chosen
        assert ours.as_data() == pure.as_data(), chosen
        for part in ("in_scope", "early", "on_time", "late"):
            behind = drill(qs, chosen.start, chosen.end, "progress", part)
            assert behind.count() == pure.counts[part]
            if part != "in_scope":
                assert sorted(behind.values_list("code", flat=True)) == sorted(pure.codes[part])
    assert {"early", "on_time", "late"} <= set(qs.values_list("progress_outcome", flat=True))
    assert qs.filter(progress_outcome="").exists()  # open dossiers: decided by the period's end
