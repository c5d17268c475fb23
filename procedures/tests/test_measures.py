"""procedures.metrics: the register's computed measures against a hand-counted fixture, the as-of
bound, and the 766 rates sharing one pass over the register inside `core.metrics.batch()`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.metrics import METRICS, batch, compute_metric, metric_link
from procedures.models import Dossier, OnlineLevel, Procedure
from procedures.tests.helpers import D, at

JUNE = D(2026, 6, 30)
PUBLIC = {
    "documents": "Đơn đề nghị",
    "steps": "Nộp hồ sơ; thẩm định; trả kết quả",
    "fees": "Không",
    "where": "Bộ phận một cửa",
    "legal_basis": "Luật Đầu tư 2020",
    "result": "Giấy chứng nhận",
}


def value(key, org, today, agency=None):
    return compute_metric(key, agency=agency or org.agency, year=2026, today=today)


def ratio(key, org, today):
    found = value(key, org, today)
    return None if found is None else (found.data["numerator"], found.data["denominator"])


@pytest.fixture
def catalogue(org):
    """A fully online procedure with every public part, a partly online one without its steps, a
    fully online one whose steps are only spaces, and one no longer in use (never published)."""
    make = Procedure.objects.create
    return {
        "full": make(agency=org.agency, code="1.001", name="Cấp GCN đầu tư", limit=10, online_level="full", **PUBLIC),
        "partial": make(
            agency=org.agency,
            code="1.002",
            name="Điều chỉnh GCN",
            limit=10,
            online_level=OnlineLevel.PARTIAL,
            **{**PUBLIC, "steps": ""},
        ),
        "blank": make(agency=org.agency, code="1.003", name="Gia hạn", limit=5, **{**PUBLIC, "steps": "  \n "}),
        "retired": make(agency=org.agency, code="1.004", name="Thủ tục cũ", limit=5, active=False),
    }


@pytest.fixture
def register(org, catalogue):
    """Dossiers of the first half of 2026 (10 working days; hand-checked due dates and outcomes)."""

    def make(code, procedure, received, due, status="finished", finished=None, **fields):
        return Dossier.objects.create(
            agency=fields.pop("agency", org.agency),
            unit=fields.pop("unit", org.unit_a),
            procedure=catalogue[procedure],
            procedure_code=catalogue[procedure].code,
            code=code,
            received_at=received,
            due_date=due,
            status=status,
            finished_at=finished,
            **fields,
        )

    # d1: fully online procedure, online, electronic result, early
    make("d1", "full", at(2026, 3, 2, 9), D(2026, 3, 16), finished=at(2026, 3, 10, 9), channel="online")
    # d2: online but a paper result only; late (25/03 after 19/03), apology issued on 18/03
    make(
        "d2",
        "full",
        at(2026, 3, 5, 9),
        D(2026, 3, 19),
        finished=at(2026, 3, 25, 9),
        channel="online",
        paper_result=True,
        apology_date=D(2026, 3, 30),
        apology_at=at(2026, 3, 18, 10),
    )
    # d3: at the counter, still open past its due date (24/04): late, no apology
    make("d3", "full", at(2026, 4, 10, 9), D(2026, 4, 24), status="processing")
    # d4: partly online procedure, early
    make("d4", "partial", at(2026, 5, 12, 9), D(2026, 5, 26), finished=at(2026, 5, 20, 9), channel="online")
    # d6: late (29/06 after 24/06), apology issued on 29/06
    make(
        "d6",
        "partial",
        at(2026, 6, 10, 9),
        D(2026, 6, 24),
        finished=at(2026, 6, 29, 16),
        apology_date=D(2026, 7, 1),
        apology_at=at(2026, 6, 29, 9),
    )
    # d5: received after 30/06
    make("d5", "full", at(2026, 7, 1, 9), D(2026, 7, 15), status="processing", channel="online")
    return make


def test_full_online_rate_counts_fully_online_procedures_only(org, register):
    # fully online procedure, received by 30/06: d1 (online, electronic), d2 (paper result), d3 (counter)
    assert ratio("full_online_rate", org, JUNE) == (1, 3)
    assert ratio("full_online_rate", org, D(2026, 3, 31)) == (1, 2)
    assert value("full_online_rate", org, D(2026, 3, 1)) is None  # nothing received yet


def test_overdue_dossiers_by_the_766_rule_as_of_the_day(org, register):
    found = value("overdue_dossiers", org, JUNE)
    assert found.data == {"count": 3}  # d2 (ended late), d3 (open past due), d6 (ended late)
    assert METRICS["overdue_dossiers"].unit == "hồ sơ"
    assert found.number == 3
    # on 19/03 d2 was still open and due that day (it ended late on 25/03): nothing overdue yet
    assert value("overdue_dossiers", org, D(2026, 3, 19)).data == {"count": 0}
    assert value("overdue_dossiers", org, D(2026, 3, 20)).data == {"count": 1}
    assert value("overdue_dossiers", org, D(2026, 3, 1)) is None  # no dossier in scope


def test_late_dossiers_apologised(org, register):
    assert ratio("late_dossiers_apologised_rate", org, JUNE) == (2, 3)  # d2 and d6 of d2, d3, d6
    # on 26/06 d6 was already late (due 24/06) and its apology came on 29/06
    assert ratio("late_dossiers_apologised_rate", org, D(2026, 6, 26)) == (1, 3)
    assert value("late_dossiers_apologised_rate", org, D(2026, 3, 19)) is None  # none late yet


def test_procedures_published_complete(org, catalogue):
    # in use: full (complete), partial (no steps), blank (steps only spaces); retired is not published
    assert ratio("procedures_published_complete_rate", org, JUNE) == (1, 3)
    Procedure.objects.filter(code="1.002").update(steps="Nộp hồ sơ")
    assert ratio("procedures_published_complete_rate", org, JUNE) == (2, 3)
    assert value("procedures_published_complete_rate", org, JUNE, agency=org.other) is None


def test_reuse_rate_and_the_766_rates_are_registered(org, register):
    Dossier.objects.filter(code__in=("d1", "d4")).update(reused_data=True)
    # received in the first half: d1, d2, d3, d4, d6
    assert ratio("reuse_rate", org, JUNE) == (2, 5)
    assert ratio("online_rate", org, JUNE) == (2, 5)  # d1, d4 (d2's result is on paper)
    assert ratio("dossier_on_time_rate", org, JUNE) == (2, 5)
    for key in ("dossier_on_time_rate", "online_rate", "online_payment_rate", "e_result_rate", "digitization_rate"):
        assert key in METRICS


def test_links_open_the_dossiers_behind_the_figure(org, db):
    drill = reverse("procedures:quality_drill")
    assert metric_link("overdue_dossiers", org.agency, 2026) == drill + "?key=progress&part=late&period=year&year=2026"
    assert metric_link("reuse_rate", org.agency, 2026).startswith(drill + "?key=reuse_rate&part=numerator")
    assert metric_link("procedures_published_complete_rate", org.agency, 2026) == reverse("procedures:catalogue")
    assert metric_link("full_online_rate", org.agency, 2026).startswith(reverse("procedures:register") + "?")


def test_the_766_measures_read_the_register_once_whatever_its_size(org, register):
    keys = [
        "dossier_on_time_rate",
        "online_rate",
        "online_payment_rate",
        "e_result_rate",
        "digitization_rate",
        "reuse_rate",
        "overdue_dossiers",
    ]

    def queries():
        with batch(), CaptureQueriesContext(connection) as captured:
            values = [value(key, org, JUNE) for key in keys]
        assert values[0] is not None
        return len(captured)

    few = queries()
    for n in range(30):
        register(f"more{n}", "full", at(2026, 4, 1 + n % 20, 9), D(2026, 6, 1), channel="online")
    assert queries() == few == 2  # one aggregate for progress, one for the ratios
    # outside a batch each figure reads the register again
    with CaptureQueriesContext(connection) as captured:
        for key in keys:
            value(key, org, JUNE)
    assert len(captured) == 2 * len(keys)


def test_inside_a_batch_the_number_of_queries_is_bounded(org, register, django_assert_max_num_queries):
    with batch(), django_assert_max_num_queries(6):
        for key in METRICS:
            if key.startswith(("dossier_", "online", "e_result", "digitization", "reuse", "overdue", "late_", "full_")):
                value(key, org, JUNE)


def test_the_766_page_and_the_measure_judge_a_running_year_alike(org, register):
    """One figure, one source (the new user's walk found 95,00 % on the targets' page and 92,50 %
    on the 766 page): while the year runs, the page judges open dossiers as of today, as the
    measure does; d5 (open, due 15/07) is not late on 10/07... and d3 (due 24/04) is."""
    from procedures.selectors import period, quality_report

    today = D(2026, 7, 10)
    year = period("year", 2026, 1)
    page = quality_report(org.office, org.agency, year, None, today=today).result.figures["on_time_rate"]
    measured = value("dossier_on_time_rate", org, today)
    assert (page.numerator, page.denominator) == (
        measured.data["numerator"],
        measured.data["denominator"],
    )
    ended = quality_report(org.office, org.agency, year, None).result  # judged at 31/12: d5 late too
    assert ended.counts["late"] == page_late(org, year, today) + 1


def page_late(org, year, today):
    from procedures.selectors import quality_report

    return quality_report(org.office, org.agency, year, None, today=today).result.counts["late"]
