"""Loading criteria sets and plan-to-criteria maps from files, and the demo round."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from core.models import Agency, Province, Unit
from core.reference import DATA_DIR
from scorecards import services
from scorecards.files import read_yaml
from scorecards.models import MetricSeries, Round, TaskLink
from scorecards.scoring import CriteriaError, Problem

CRITERIA_DIR = DATA_DIR / "criteria"
DEMO_SET = CRITERIA_DIR / "ls-dept-2026-illustrative.yaml"
DEMO_MAP = CRITERIA_DIR / "plan-2026-criteria-map.yaml"


def load_criteria_file(path: Path, *, province: Province, actor=None, publish: bool = False):
    data = read_yaml(path)
    return services.load_criteria_set(
        province=province,
        data=data,
        actor=actor,
        source_text=path.read_text(encoding="utf-8-sig"),
        source_name=path.name,
        publish=publish,
    )


@transaction.atomic
def load_task_links(path: Path, *, agency: Agency) -> int:
    """Links plan tasks to criteria from a map file ({criteria_set, plan, links: [{task, criteria}]});
    every task code must exist in the agency's plan, or nothing is loaded."""
    from plans.models import Task

    data = read_yaml(path) or {}
    set_code = str(data.get("criteria_set", ""))
    plan_number = str(data.get("plan", ""))
    tasks = {t.code: t for t in Task.objects.filter(agency=agency, plan__number=plan_number)}
    problems = []
    links = []
    for index, item in enumerate(data.get("links") or [], start=1):
        code = str(item.get("task", ""))
        task = tasks.get(code)
        if task is None:
            problems.append(Problem(f"{path.name}: link {index}", f"no task {code!r} in plan {plan_number}"))
            continue
        for criterion in item.get("criteria") or []:
            links.append(
                TaskLink(task=task, set_code=set_code, code=str(criterion), note=str(item.get("note", ""))[:300])
            )
    if not set_code:
        problems.append(Problem(path.name, "`criteria_set` is required"))
    if problems:
        raise CriteriaError(problems)
    TaskLink.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


DEMO_ROUND = "Xác định Chỉ số CCHC năm 2026 (minh họa)"


@transaction.atomic
def load_par_demo(*, today: dt.date) -> Round | None:
    """The illustrative set, the 2026 plan's links, a disbursement series and a round in
    self-scoring for the demo agencies (idempotent)."""
    organizer = Agency.objects.filter(kind=Agency.Kind.HOME_AFFAIRS).first()
    agency = Agency.objects.filter(code="BQLKKTCK").first()
    if organizer is None or agency is None:
        return None
    stored, _created = load_criteria_file(DEMO_SET, province=organizer.province, publish=True)
    if DEMO_MAP.exists() and not TaskLink.objects.filter(task__agency=agency).exists():
        load_task_links(DEMO_MAP, agency=agency)
    owner = Unit.objects.filter(agency=agency, code="KHTH").first()
    if owner and not MetricSeries.objects.filter(agency=agency, key="disbursement_rate").exists():
        series = MetricSeries.objects.create(
            agency=agency,
            key="disbursement_rate",
            name="Tỷ lệ giải ngân vốn đầu tư công",
            kind=MetricSeries.Kind.PERCENT,
            frequency=MetricSeries.Frequency.QUARTERLY,
            owner_unit=owner,
        )
        for end, value in ((dt.date(2026, 3, 31), 18), (dt.date(2026, 6, 30), 41), (dt.date(2026, 9, 30), 67)):
            if end < today:
                services.enter_metric(actor=None, series=series, period_end=end, value=value)
    round_ = Round.objects.filter(organizer=organizer, name=DEMO_ROUND).first()
    if round_ is None:
        agencies = list(Agency.objects.filter(province=organizer.province).exclude(pk=organizer.pk))
        round_ = services.create_round(
            actor=None,
            organizer=organizer,
            criteria_set=stored,
            agencies=agencies,
            name=DEMO_ROUND,
            year=2026,
            today=today,
            deadlines={"self_closes_on": dt.date(2027, 1, 15), "appraisal1_closes_on": dt.date(2027, 2, 10)},
        )
        services.advance_phase(actor=None, round_=round_)
    return round_
