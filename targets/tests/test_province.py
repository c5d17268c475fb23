"""The cascade's roll-up (targets.rollup, targets:province): each province target with the
agencies' targets serving it, rolled up by hand-counted rules, for the Sở Nội vụ's appraisers only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Agency
from plans.models import Plan
from scorecards.models import MetricEntry, MetricSeries
from targets import status as rules
from targets.models import Status, Target, TargetReading
from targets.rollup import aggregate, goal_text, roll_up
from targets.selectors import Actual, Row

URL = reverse("targets:province")


def _row(agency, actual, status=rules.ON_TRACK, parent_id=1, code="A", **fields):
    target = Target(pk=None, parent_id=parent_id, agency=agency, code=code, name="x", **fields)
    return Row(target, actual, rules.Verdict(status, "R3"))


def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators():
    a, b = Agency(pk=1, name="A"), Agency(pk=2, name="B")
    children = [
        _row(a, Actual(Decimal(90), numerator=Decimal(45), denominator=Decimal(50))),
        _row(b, Actual(Decimal(30), numerator=Decimal(3), denominator=Decimal(10))),
        _row(b, Actual(None), rules.NO_DATA),
    ]
    # 48 / 60 = 80 %, not the mean of 90 and 30 (60)
    assert aggregate(children) == (Decimal("80.00"), Decimal(48), Decimal(60), True)


def test_other_figures_are_the_mean_of_the_values_rounded_half_up():
    a = Agency(pk=1, name="A")
    b, c = Agency(pk=2, name="B"), Agency(pk=3, name="C")
    children = [_row(a, Actual(Decimal(1))), _row(b, Actual(Decimal(2))), _row(c, Actual(Decimal(2)))]
    assert aggregate(children) == (Decimal("1.67"), None, None, False)  # 5 / 3 = 1.666…
    mixed = [_row(a, Actual(Decimal(80), numerator=Decimal(8), denominator=Decimal(10))), _row(b, Actual(Decimal(95)))]
    assert aggregate(mixed) == (Decimal("87.50"), None, None, False)
    assert aggregate([_row(a, Actual(None), rules.NO_DATA)]) == (None, None, None, False)


def test_roll_up_counts_statuses_lists_the_agencies_without_a_target_and_judges_the_figure():
    snv, a, b, c = (Agency(pk=n, name=name) for n, name in ((9, "SNV"), (1, "An"), (2, "Bình"), (3, "Cao")))
    plan = Plan(year=2026, issued_on=dt.date(2026, 1, 1), agency=snv)
    parent = Target(pk=1, plan=plan, agency=snv, agency_id=9, code="CT1", name="x", unit="%", target_value=Decimal(95))
    parent.due_date = dt.date(2026, 12, 31)
    children = [
        _row(b, Actual(Decimal(99)), rules.ON_TRACK, code="B1"),
        _row(a, Actual(Decimal(80)), rules.OFF_TRACK, code="A1"),
        _row(a, Actual(None), rules.NO_DATA, parent_id=7, code="A2"),  # serves another target
    ]
    (line,) = roll_up([parent], children, [snv, a, b, c], today=dt.date(2026, 12, 31))
    assert [r.target.code for r in line.children] == ["A1", "B1"]  # by agency name
    assert line.value == Decimal("89.50") and not line.ratio
    assert line.counts == {"on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 0}
    assert [agency.name for agency in line.missing] == ["Cao"]  # the Sở Nội vụ itself is not expected
    assert line.status == Status.OFF_TRACK  # 89,5 < 95 on the due date (R4)
    assert line.display == "89,5 %" and goal_text(parent) == "≥ 95 %"


@pytest.fixture
def cascade(org, today):
    snv = Agency.objects.get(code="SNV")
    third = Agency.objects.create(province=org.agency.province, code="SXD", name="Sở Xây dựng tỉnh Lạng Sơn")
    due = dt.date(today.year, 12, 31)
    province_plan = Plan.objects.create(agency=snv, year=today.year, number="05/KH-SNV", title="KH tỉnh")
    rate = Target.objects.create(
        plan=province_plan, agency=snv, code="CT1", name="Tỷ lệ hồ sơ đúng hạn", target_value=95, due_date=due
    )
    done = Target.objects.create(
        plan=province_plan, agency=snv, code="CT2", name="Mức độ hài lòng", target_value=90, due_date=due, order=2
    )
    children = {}
    for agency, numerator, denominator, satisfaction in ((org.agency, 45, 50, 80), (org.other, 3, 10, None)):
        plan = Plan.objects.create(agency=agency, year=today.year, title="KH", parent=province_plan)
        series = MetricSeries.objects.create(
            agency=agency,
            key="ontime",
            name="Hồ sơ đúng hạn",
            kind=MetricSeries.Kind.RATIO,
            frequency=MetricSeries.Frequency.MONTHLY,
            owner_unit=agency.units.first(),
        )
        MetricEntry.objects.create(
            series=series,
            period_start=today.replace(day=1),
            period_end=today,
            period_label="tháng",
            numerator=numerator,
            denominator=denominator,
        )
        common = {"plan": plan, "agency": agency, "due_date": due, "target_value": 95}
        children[agency.code, "rate"] = Target.objects.create(
            parent=rate, code="T1", name="Đúng hạn", measure="series", measure_key="ontime", **common
        )
        mean_target = Target.objects.create(parent=done, code="T2", name="Hài lòng", measure="manual", **common)
        if satisfaction is not None:
            TargetReading.objects.create(target=mean_target, as_of=today, value=satisfaction)
    return {"rate": rate, "done": done, "third": third, "children": children}


def test_the_appraiser_sees_the_roll_up_of_each_province_target(login, org, cascade, django_assert_max_num_queries):
    client = login(org.appraiser)
    response = client.get(URL)
    assert response.status_code == 200
    rate, done = response.context["lines"]
    assert rate.target == cascade["rate"] and rate.ratio and rate.value == Decimal("80.00")  # 48 / 60
    assert (rate.numerator, rate.denominator) == (Decimal(48), Decimal(60))
    assert done.value == Decimal("80.00") and not done.ratio  # one agency's 80; the other has no data
    assert done.counts["no_data"] == 1
    assert [a.code for a in rate.missing] == ["SXD"]
    page = response.content.decode()
    assert "48/60 (80,00 %)" in page and "Sở Xây dựng tỉnh Lạng Sơn" in page
    # one reading of all the children: the queries do not grow with the agencies
    with django_assert_max_num_queries(40):
        client.get(URL)


@pytest.mark.parametrize("who", ["office", "leader", "officer", "admin", "auditor"])
def test_agency_staff_get_404(login, org, cascade, who):
    assert login(getattr(org, who)).get(URL).status_code == 404


def test_a_province_target_shows_only_the_agencies_figures_one_may_see(client, org, province_target, make_target):
    """The Sở Nội vụ's administrator sees the roll-up; an agency's member sees the province
    target it serves (its link no longer a 404) but not another agency's figures on it (found by
    the independent review: the children were listed without an access check)."""
    from core.models import Membership, Role, User

    ours = make_target(code="CT-P", parent=province_target)
    from plans.models import Plan

    assert org.other.province_id == org.agency.province_id
    their_plan = Plan.objects.create(agency=org.other, year=2026, title="Kế hoạch CCHC 2026 của Sở Công Thương")
    theirs = make_target(code="CT-O", parent=province_target, agency=org.other, plan=their_plan, owner_unit=None)
    client.force_login(org.office)
    page = client.get(reverse("targets:detail", args=[province_target.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "CT-P" in html
    assert "CT-O" not in html
    snv_admin = User.objects.create_user("quantri.snv.test")
    Membership.objects.create(user=snv_admin, agency=province_target.agency, role=Role.ADMINISTRATOR)
    client.force_login(snv_admin)
    assert client.get(reverse("targets:province")).status_code == 200
    assert client.get(reverse("targets:detail", args=[ours.pk])).status_code == 200
    assert "CT-O" in client.get(reverse("targets:detail", args=[province_target.pk])).content.decode()
    assert theirs.agency_id != ours.agency_id


def test_counts_add_up_done_needs_every_agency_and_an_agency_counts_once():
    """Found by the independent review: 3 overdue dossiers and none elsewhere were '1,50'."""
    a, b, c = Agency(pk=1, name="A"), Agency(pk=2, name="B"), Agency(pk=3, name="C")
    overdue = {"unit": "hồ sơ", "direction": rules.ZERO}
    counts = [_row(a, Actual(Decimal(3)), **overdue), _row(b, Actual(Decimal(0)), **overdue)]
    counts.append(_row(c, Actual(Decimal(0)), **overdue))
    assert aggregate(counts) == (Decimal(3), None, None, False)
    done = {"direction": rules.YES, "unit": ""}
    assert aggregate([_row(a, Actual(Decimal(1)), **done), _row(b, Actual(Decimal(0)), **done)]) == (
        Decimal(0),
        Decimal(1),
        Decimal(2),
        False,
    )
    twice = [
        _row(a, Actual(Decimal(90), numerator=Decimal(9), denominator=Decimal(10)), code="CT1"),
        _row(a, Actual(Decimal(50), numerator=Decimal(5), denominator=Decimal(10)), code="CT2"),
    ]
    assert aggregate(twice) == (Decimal("90.00"), Decimal(9), Decimal(10), True)
