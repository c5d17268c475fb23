"""scorecards.measures (the PAR INDEX and its rank as computed measures) and the feeds of the
illustrative criteria set: 1.5 from the tasks the province assigned, 1.1.2 from the plan."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.metrics import METRICS, compute_metric, metric_link
from core.models import Agency
from plans.models import AssignedTask, Occurrence, Task
from scorecards import services
from scorecards.columns import COLUMN_LABELS
from scorecards.models import Round, Scorecard
from scorecards.tests.helpers import assigned_task, score_of


def measure(key, agency, today):
    return compute_metric(key, agency=agency, year=2026, today=today)


def test_par_1_5_is_fed_by_assigned_tasks_and_1_1_2_by_the_plan(par, org, make_task, today):
    round_, card = par
    plan = org.agency.plans.get()
    # the plan: two one-off tasks done on time, and a monthly report done late once
    make_task(deadline=today - dt.timedelta(days=5), status="done", completed_on=today - dt.timedelta(days=6))
    make_task(deadline=today - dt.timedelta(days=4), status="done", completed_on=today - dt.timedelta(days=4))
    monthly = Task.objects.create(
        plan=plan, agency=org.agency, code="RM", title="Báo cáo tháng", lead_unit=org.unit_a, recurrence="monthly"
    )
    Occurrence.objects.create(
        task=monthly, period_label="x", due_date=today - dt.timedelta(days=9), done_on=today - dt.timedelta(days=8)
    )
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    plan_row = score_of(card, "1.1.2")
    assert plan_row.metric["key"] == "plan_completion_rate"
    assert plan_row.declared == {"numerator": 2, "denominator": 3}  # the late monthly due date counts
    # no task assigned by the province yet: 1.5 is not fed by the plan's tasks
    assert score_of(card, "1.5").declared is None and score_of(card, "1.5").metric is None
    assigned_task(org, today, code="UBND-1")
    assigned_task(org, today, code="UBND-2")
    assigned_task(org, today, code="UBND-3", done=False)
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    row = score_of(card, "1.5")
    assert row.metric["key"] == "assigned_tasks_on_time_rate"
    assert row.declared == {"numerator": 2, "denominator": 3}
    card.refresh_from_db()
    # 1.5: 66.67 % is under the 90 band (0 of 2.5); 1.1.2: 66.67 % under 80 (0 of 2); then all on time
    assert card.results["self"]["total"] == "0.00"
    AssignedTask.objects.filter(code="UBND-3").update(status="done", completed_on=today - dt.timedelta(days=3))
    services.refresh_metrics(actor=None, scorecard=card, today=today)
    card.refresh_from_db()
    assert score_of(card, "1.5").declared == {"numerator": 3, "denominator": 3}
    assert card.results["self"]["total"] == "2.50"


def test_par_index_says_which_result_it_is(par, org, today):
    round_, card = par
    assert measure("par_index", org.agency, today) is None  # being self-scored: no index yet
    services.save_declared(actor=org.office, score=score_of(card, "1.1.1"), raw=True, note="KH", today=today)
    card.refresh_from_db()
    assert card.results["self"]["index"] != "0.00"
    assert measure("par_index", org.agency, today) is None  # still a draft
    Scorecard.objects.filter(pk=card.pk).update(status="submitted")
    found = measure("par_index", org.agency, today)
    assert found.data == {"percent": card.results["self"]["index"]} and found.number > 0
    assert found.source == _("Self-assessment (not appraised yet)")
    assert found.period == round_.name
    assert measure("par_rank", org.agency, today) is None  # not published
    # appraised: the column of the round's phase
    Round.objects.filter(pk=round_.pk).update(phase="appraisal1")
    Scorecard.objects.filter(pk=card.pk).update(results={**card.results, "a1": {"index": "75.50"}})
    found = measure("par_index", org.agency, today)
    assert found.data == {"percent": "75.50"}
    assert found.source == _("Appraised: %(column)s (not published yet)") % {"column": COLUMN_LABELS["a1"]}
    assert measure("par_index", Agency.objects.get(code="SNV"), today) is None  # not in any round


def published(round_, card, org, *, ours="80.00", theirs="90.00", on=dt.datetime(2027, 1, 20, 3, tzinfo=dt.UTC)):
    Round.objects.filter(pk=round_.pk).update(phase="published", published_at=on, decision_number="12/QĐ-UBND")
    Scorecard.objects.filter(pk=card.pk).update(
        status="submitted", published_results={"index": ours}, results={"final": {"index": "77.00"}}
    )
    Scorecard.objects.filter(round=round_, agency=org.other).update(
        status="submitted", published_results={"index": theirs}
    )


def test_par_index_and_rank_once_published(par, org):
    round_, card = par
    published(round_, card, org)
    after = dt.date(2027, 2, 1)
    found = measure("par_index", org.agency, after)
    assert found.data == {"percent": "80.00"} and "12/QĐ-UBND" in found.source
    rank = measure("par_rank", org.agency, after)
    assert rank.data == {"count": 2} and rank.number == 2
    assert measure("par_rank", org.other, after).data == {"count": 1}
    assert METRICS["par_rank"].unit == "hạng" and METRICS["par_index"].unit == "%"


def test_a_snapshot_before_publication_sees_the_council_column_and_no_rank(par, org):
    round_, card = par
    published(round_, card, org)
    before = dt.date(2026, 12, 31)  # published on 20/01/2027
    assert measure("par_index", org.agency, before).data == {"percent": "77.00"}
    assert measure("par_rank", org.agency, before) is None


def test_the_link_opens_the_scorecard(par, org, db):
    round_, card = par
    assert metric_link("par_index", org.agency, 2026) == reverse("scorecards:scorecard", args=[card.pk])
    assert metric_link("par_rank", org.agency, 2025) is None
