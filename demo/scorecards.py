"""ILLUSTRATIVE PAR INDEX demo: the illustrative criteria set, the 2026 plan's links to it, a
disbursement series and a round in self-scoring for the demo agencies (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.models import Agency, Unit
from scorecards import metrics, services
from scorecards.loader import CRITERIA_DIR, DEMO_SET, load_criteria_file, load_task_links
from scorecards.models import CriteriaSet, MetricSeries, Round, TaskLink

DEMO_MAP = CRITERIA_DIR / "plan-2026-criteria-map.yaml"
DEMO_ROUND = "Xác định Chỉ số CCHC năm 2026 (minh họa)"
DISBURSEMENT = ((dt.date(2026, 3, 31), 18), (dt.date(2026, 6, 30), 41), (dt.date(2026, 9, 30), 67))


@transaction.atomic
def load_par_demo(*, today: dt.date) -> Round | None:
    organizer = Agency.objects.filter(kind=Agency.Kind.HOME_AFFAIRS).first()
    agency = Agency.objects.filter(code="BQLKKTCK").first()
    if organizer is None or agency is None:
        return None
    stored, _created = load_criteria_file(DEMO_SET, province=organizer.province, publish=True)
    if DEMO_MAP.exists() and not TaskLink.objects.filter(task__agency=agency).exists():
        load_task_links(DEMO_MAP, agency=agency)
    _disbursement_series(agency, today=today)
    return _round(organizer, stored, today=today)


def _disbursement_series(agency: Agency, *, today: dt.date) -> None:
    """The quarterly public-investment disbursement rate, entered for the quarters already ended."""
    owner = Unit.objects.filter(agency=agency, code="KHTH").first()
    if owner is None or MetricSeries.objects.filter(agency=agency, key="disbursement_rate").exists():
        return
    series = MetricSeries.objects.create(
        agency=agency,
        key="disbursement_rate",
        name="Tỷ lệ giải ngân vốn đầu tư công",
        kind=MetricSeries.Kind.PERCENT,
        frequency=MetricSeries.Frequency.QUARTERLY,
        owner_unit=owner,
    )
    for end, value in DISBURSEMENT:
        if end < today:
            metrics.enter_metric(actor=None, series=series, period_end=end, value=value)


def _round(organizer: Agency, criteria_set: CriteriaSet, *, today: dt.date) -> Round:
    """The province's 2026 round over every other agency, opened for self-scoring."""
    round_ = Round.objects.filter(organizer=organizer, name=DEMO_ROUND).first()
    if round_ is not None:
        return round_
    agencies = list(Agency.objects.filter(province=organizer.province).exclude(pk=organizer.pk))
    round_ = services.create_round(
        actor=None,
        organizer=organizer,
        criteria_set=criteria_set,
        agencies=agencies,
        name=DEMO_ROUND,
        year=2026,
        today=today,
        deadlines={"self_closes_on": dt.date(2027, 1, 15), "appraisal1_closes_on": dt.date(2027, 2, 10)},
    )
    services.advance_phase(actor=None, round_=round_)
    return round_
