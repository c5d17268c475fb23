"""Loading criteria sets and plan-to-criteria maps from files (the demo round: demo/scorecards.py)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from core.models import Agency, Province
from core.reference import DATA_DIR
from plans.models import Task
from scorecards import services
from scorecards.criteria import CriteriaError, Problem
from scorecards.files import read_yaml
from scorecards.models import TaskLink

CRITERIA_DIR = DATA_DIR / "criteria"
DEMO_SET = CRITERIA_DIR / "ls-dept-2026-illustrative.yaml"


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
