"""Loads a targets data file (YAML, data/targets/; format in docs/targets.md) idempotently.

The file names its plan by agency and `source_key` (the seed plan's key is its plan file's name,
as plans/loader.py stores it); a plan not in the system yet is created when the file gives its
title (the province's plan). Each target is keyed by `<file name>:<code>` (Target.source_key): a
second run creates nothing and leaves every loaded target as users changed it since, as the plan
loader does with tasks. The whole file is checked before anything is written, and a file with any
problem is refused whole, every problem named by target code and field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from core.metrics import METRICS
from core.models import Agency, Unit, User
from core.services import save_changes
from plans.models import ParDomain, Plan, PlanStatus, SipasElement, Task
from plans.plan_services import create_plan
from scorecards.models import MetricSeries
from targets.models import Target
from targets.selectors import LINKED_TASKS
from targets.services import TargetError, save_target


class TargetFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


PLAN_KEYS = {"agency", "source_key", "parent", "number", "issued_on", "issuer", "year", "status", "title"}
TARGET_KEYS = {
    "code",
    "section",
    "name",
    "source_text",
    "unit",
    "direction",
    "baseline",
    "baseline_label",
    "baseline_source",
    "target",
    "due",
    "tolerance",
    "owner_unit",
    "measure",
    "measure_key",
    "series",
    "tasks",
    "criteria",
    "sipas_items",
    "indicators_766",
    "par_domain",
    "sipas_element",
    "public",
    "to_be_confirmed",
    "confirmation_note",
    "parent",
}
SERIES_KEYS = {"name", "kind", "frequency"}
LIMITS = {"code": 30, "name": 300, "section": 20, "unit": 30, "baseline_label": 60, "baseline_source": 300}
LIMITS |= {"measure_key": 60, "confirmation_note": 300}


@dataclass
class _Checked:
    """One target of the file, checked: the model's values and the codes still to resolve."""

    code: str
    values: dict[str, Any]
    tasks: list[str] = field(default_factory=list)
    series: dict[str, str] | None = None


@transaction.atomic
def load_targets_file(path: Path, *, actor: User | None = None) -> tuple[Plan, int]:
    """Returns the plan and the number of targets created (0 on a second run)."""
    problems: list[str] = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        message = _("%(file)s: not a readable YAML file (%(error)s).") % {"file": path.name, "error": exc}
        raise TargetFileError([message]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        raise TargetFileError([_("%(file)s: the file has no “plan” block.") % {"file": path.name}])
    meta: dict[str, Any] = data["plan"]
    items = data.get("targets") or []
    if not isinstance(items, list):
        raise TargetFileError([_("%(file)s: “targets” must be a list.") % {"file": path.name}])
    plan, parent_plan = _plans(path, meta, problems)
    if plan is None:
        raise TargetFileError(problems)
    agency = plan.agency
    units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    tasks = {t.code: t for t in Task.objects.filter(plan=plan)} if plan.pk else {}
    parents = {t.code: t for t in Target.objects.filter(plan=parent_plan)} if parent_plan is not None else {}
    checked = _check_all(path, items, plan, units, tasks, parents, parent_plan, problems)
    if problems:
        raise TargetFileError(problems)
    if plan.pk is None:
        plan = _create_plan(plan, meta, actor)
    if parent_plan is not None and plan.parent_id != parent_plan.pk:
        save_changes(actor=actor, agency=agency, action="plan.parent_set", obj=plan, values={"parent": parent_plan})
    created = 0
    existing = set(Target.objects.filter(plan=plan).values_list("source_key", flat=True))
    for order, item in enumerate(checked):
        key = f"{path.stem}:{item.code}"
        if key in existing:
            continue
        _ensure_series(agency, item, units)
        target = Target(plan=plan, agency=agency, order=order, source_key=key, **item.values)
        try:
            save_target(actor=actor, target=target, tasks=[tasks[code] for code in item.tasks])
        except TargetError as exc:
            where = _("%(file)s, target %(code)s") % {"file": path.name, "code": item.code}
            name = exc.field or "code"
            raise TargetFileError(
                [_("%(where)s, field “%(field)s”: %(reason)s") % {"where": where, "field": name, "reason": exc}]
            ) from exc
        created += 1
    return plan, created


def _plans(path: Path, meta: dict[str, Any], problems: list[str]) -> tuple[Plan | None, Plan | None]:
    """The file's plan (unsaved when the file creates it) and the plan it carries out."""
    where = _("%(file)s, plan block") % {"file": path.name}
    for key in sorted(set(meta) - PLAN_KEYS):
        problems.append(_("%(where)s: unknown field “%(field)s”.") % {"where": where, "field": key})
    agency = Agency.objects.filter(code=str(meta.get("agency") or "")).first()
    if agency is None:
        problems.append(
            _("%(where)s: agency “%(code)s” does not exist.") % {"where": where, "code": meta.get("agency")}
        )
        return None, None
    source_key = str(meta.get("source_key") or "")
    plan = Plan.objects.filter(agency=agency, source_key=source_key).first() if source_key else None
    if plan is None:
        if not source_key or not meta.get("title") or not isinstance(meta.get("year"), int):
            problems.append(
                _(
                    "%(where)s: plan “%(key)s” of %(agency)s is not in the system; load its plan file first, "
                    "or give its title and year so that it is created."
                )
                % {"where": where, "key": source_key, "agency": agency.code}
            )
            return None, None
        plan = Plan(agency=agency, source_key=source_key, year=meta["year"], title=str(meta["title"]))
    parent = None
    spec = meta.get("parent")
    if spec is not None:
        if not isinstance(spec, dict):
            problems.append(_("%(where)s: “parent” must give agency and source_key.") % {"where": where})
            return None, None
        parent = Plan.objects.filter(
            agency__code=str(spec.get("agency") or ""), source_key=str(spec.get("source_key") or "")
        ).first()
        if parent is None:
            problems.append(
                _("%(where)s: the plan carried out (%(agency)s, “%(key)s”) is not in the system; load its file first.")
                % {"where": where, "agency": spec.get("agency"), "key": spec.get("source_key")}
            )
            return None, None
    return plan, parent


def _create_plan(plan: Plan, meta: dict[str, Any], actor: User | None) -> Plan:
    data = {name: meta[name] for name in ("year", "number", "title", "issued_on", "issuer") if meta.get(name)}
    created = create_plan(actor=actor, agency=plan.agency, data=data)
    created.source_key = plan.source_key
    created.status = meta.get("status") or created.status
    if created.status not in PlanStatus.values:
        created.status = PlanStatus.DRAFT
    created.save(update_fields=["source_key", "status"])
    return created


def _check_all(
    path: Path,
    items: list[Any],
    plan: Plan,
    units: dict[str, Unit],
    tasks: dict[str, Task],
    parents: dict[str, Target],
    parent_plan: Plan | None,
    problems: list[str],
) -> list[_Checked]:
    out = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(
                _("%(file)s: target no. %(n)s is not a mapping of fields.") % {"file": path.name, "n": number}
            )
            continue
        code = str(item.get("code") or "").strip()
        where = _("%(file)s, target %(code)s") % {"file": path.name, "code": code or f"#{number}"}
        if code and code in seen:
            problems.append(_("%(where)s: the code appears twice in the file.") % {"where": where})
        seen.add(code)
        checked = _check(where, code, item, plan, units, tasks, parents, parent_plan, problems)
        if checked is not None:
            out.append(checked)
    return out


def _check(
    where: str,
    code: str,
    item: dict[str, Any],
    plan: Plan,
    units: dict[str, Unit],
    tasks: dict[str, Task],
    parents: dict[str, Target],
    parent_plan: Plan | None,
    problems: list[str],
) -> _Checked | None:
    before = len(problems)

    def problem(name: str, reason: str) -> None:
        problems.append(
            _("%(where)s, field “%(field)s”: %(reason)s") % {"where": where, "field": name, "reason": reason}
        )

    for key in sorted(set(item) - TARGET_KEYS):
        problem(key, _("unknown field."))
    for name in ("code", "name"):
        if not str(item.get(name) or "").strip():
            problem(name, _("required."))
    for name, limit in LIMITS.items():
        if len(str(item.get(name) or "")) > limit:
            problem(name, _("longer than %(n)s characters.") % {"n": limit})
    direction = str(item.get("direction") or Target.Direction.AT_LEAST)
    if direction not in Target.Direction.values:
        problem("direction", _("must be one of %(values)s.") % {"values": ", ".join(Target.Direction.values)})
    measure = str(item.get("measure") or Target.Measure.COMPUTED)
    measure_key = str(item.get("measure_key") or "")
    if measure not in Target.Measure.values:
        problem("measure", _("must be one of %(values)s.") % {"values": ", ".join(Target.Measure.values)})
    elif measure == Target.Measure.COMPUTED and measure_key not in METRICS and measure_key != LINKED_TASKS:
        problem("measure_key", _("“%(key)s” is not a measure the system computes.") % {"key": measure_key})
    elif measure == Target.Measure.SERIES and not measure_key:
        problem("measure_key", _("required for a series."))
    series = _series(item.get("series"), measure, problem)
    numbers = {name: _number(item.get(name), name, problem) for name in ("baseline", "target", "tolerance")}
    if numbers["target"] is None and direction in (Target.Direction.ZERO, Target.Direction.YES):
        numbers["target"] = Decimal(0 if direction == Target.Direction.ZERO else 1)
    elif item.get("target") is None:
        problem("target", _("required (only a “zero” or a “yes” target goes without one)."))
    due = item.get("due", dt.date(plan.year, 12, 31))
    if not isinstance(due, dt.date):
        problem("due", _("not a date (write it as 2026-12-31)."))
    owner = None
    if item.get("owner_unit"):
        owner = units.get(str(item["owner_unit"]))
        if owner is None:
            problem(
                "owner_unit",
                _("unit “%(code)s” is not a unit of %(agency)s.")
                % {"code": item["owner_unit"], "agency": plan.agency.code},
            )
    task_codes = _strings(item.get("tasks"), "tasks", problem)
    for task_code in task_codes:
        if task_code not in tasks:
            problem("tasks", _("task “%(code)s” is not in the plan.") % {"code": task_code})
    parent = None
    if item.get("parent"):
        parent = parents.get(str(item["parent"]))
        if parent is None:
            problem(
                "parent",
                _("“%(code)s” is not a target of the plan carried out.") % {"code": item["parent"]}
                if parent_plan is not None
                else _("the plan block names no plan carried out (“parent”)."),
            )
    par_domain = item.get("par_domain")
    if par_domain is not None and par_domain not in ParDomain.values:
        problem("par_domain", _("must be a PAR domain number from 1 to 8."))
    sipas_element = str(item.get("sipas_element") or "")
    if sipas_element and sipas_element not in SipasElement.values:
        problem("sipas_element", _("must be one of %(values)s.") % {"values": ", ".join(SipasElement.values)})
    flags = {}
    for name in ("public", "to_be_confirmed"):
        flags[name] = item.get(name, False)
        if not isinstance(flags[name], bool):
            problem(name, _("must be true or false."))
    lists = {name: _strings(item.get(name), name, problem) for name in ("criteria", "sipas_items", "indicators_766")}
    if len(problems) > before:
        return None
    values = {
        "code": code,
        "name": str(item["name"]).strip(),
        "section": str(item.get("section") or ""),
        "source_text": str(item.get("source_text") or "").strip(),
        "unit": str(item.get("unit") or "%"),
        "direction": direction,
        "baseline": numbers["baseline"],
        "baseline_label": str(item.get("baseline_label") or "2025"),
        "baseline_source": str(item.get("baseline_source") or ""),
        "target_value": numbers["target"],
        "due_date": due,
        "tolerance": numbers["tolerance"],
        "owner_unit": owner,
        "measure": measure,
        "measure_key": measure_key,
        "par_domain": par_domain,
        "sipas_element": sipas_element,
        "public": flags["public"],
        "to_be_confirmed": flags["to_be_confirmed"],
        "confirmation_note": str(item.get("confirmation_note") or ""),
        "parent": parent,
        **lists,
    }
    return _Checked(code, values, task_codes, series)


def _number(value: Any, name: str, problem: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        problem(name, _("not a number."))
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problem(name, _("not a number."))
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        problem(name, _("not a number."))
        return None
    return number


def _strings(value: Any, name: str, problem: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problem(name, _("must be a list, e.g. [a, b]."))
        return []
    return [str(v) for v in value]


def _series(value: Any, measure: str, problem: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if measure != Target.Measure.SERIES or not isinstance(value, dict):
        problem("series", _("only for a series measure, as {name, kind, frequency}."))
        return None
    spec = {k: str(v) for k, v in value.items()}
    if set(spec) - SERIES_KEYS or not spec.get("name"):
        problem("series", _("give name, kind and frequency only."))
        return None
    if spec.setdefault("kind", MetricSeries.Kind.RATIO) not in MetricSeries.Kind.values:
        problem("series", _("kind must be one of %(values)s.") % {"values": ", ".join(MetricSeries.Kind.values)})
    if spec.setdefault("frequency", MetricSeries.Frequency.QUARTERLY) not in MetricSeries.Frequency.values:
        problem(
            "series",
            _("frequency must be one of %(values)s.") % {"values": ", ".join(MetricSeries.Frequency.values)},
        )
    return spec


def _ensure_series(agency: Agency, item: _Checked, units: dict[str, Unit]) -> None:
    """Creates the series a series target reads when the agency has none with its key yet, so
    that the owner unit can enter its values on the series page (a file without `series` for a
    key the agency does not keep is refused by save_target)."""
    if item.series is None or MetricSeries.objects.filter(agency=agency, key=item.values["measure_key"]).exists():
        return
    owner = item.values["owner_unit"] or next((u for u in units.values() if u.is_office), None)
    if owner is None:
        return
    MetricSeries.objects.create(
        agency=agency,
        key=item.values["measure_key"],
        name=item.series["name"],
        kind=item.series["kind"],
        frequency=item.series["frequency"],
        owner_unit=owner,
    )
