"""Loads a plan data file (YAML, see data/plans/) idempotently: sections and tasks are matched by code.

A plan's number and date are the văn thư's: a file that leaves them blank (the seed prints
"Số: /KH-BQLKKTCK", "ngày ... tháng 7 năm 2026") never blanks the number and date the Office has
registered since on the plan's text page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from core.calendar import WorkingCalendar
from core.models import Agency, Unit, User
from core.services import log_action
from plans.models import Plan, Section, Task
from plans.services import ensure_occurrences, refresh_task


class PlanFileError(ValueError):
    pass


REGISTERED = re.compile(r"^\s*\d+\s*/")  # "125/KH-..." has its number; "/KH-..." is waiting for one


def _evidence(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value or "")


@transaction.atomic
def load_plan_file(path: Path, *, today: dt.date, cal: WorkingCalendar, actor: User | None = None) -> tuple[Plan, int]:
    """Returns the plan and the number of tasks created (0 on a second run)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta = data["plan"]
    agency = Agency.objects.filter(code=meta["agency"]).first()
    if agency is None:
        raise PlanFileError(f"{path.name}: agency {meta['agency']!r} does not exist")
    plan = _plan(agency, path.stem, meta)
    sections = _sections(plan, data.get("sections", []))
    units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    existing = set(plan.tasks.values_list("code", flat=True))  # kept as users changed them since
    created = 0
    for item in data.get("tasks", []):
        if item["code"] not in existing:
            existing.add(item["code"])
            task = _task(plan, item, sections, units, source=path.name)
            ensure_occurrences(task)
            refresh_task(task, today=today, cal=cal)
            log_action(actor=actor, agency=agency, action="task.created", obj=task, note=path.name)
            created += 1
    return plan, created


def _plan(agency: Agency, key: str, meta: dict[str, Any]) -> Plan:
    stored = Plan.objects.filter(agency=agency, source_key=key).first()
    number, issued_on = str(meta.get("number") or ""), meta.get("issued_on")
    if stored is not None and not REGISTERED.match(number) and REGISTERED.match(stored.number):
        number = stored.number  # registered since the file was written
    if stored is not None and issued_on is None:
        issued_on = stored.issued_on
    plan, _ = Plan.objects.update_or_create(
        agency=agency,
        source_key=key,
        defaults={
            "year": meta["year"],
            "number": number,
            "title": meta["title"],
            "issued_on": issued_on,
            "issuer": meta.get("issuer", ""),
            "signer": meta.get("signer", ""),
            "signer_title": meta.get("signer_title", ""),
            "legal_basis": meta.get("legal_basis", ""),
            "preamble": (meta.get("preamble") or "").strip(),
            "closing": (meta.get("closing") or "").strip(),
            "recipients": "\n".join(meta.get("recipients") or []),
            "archive": meta.get("archive", "VT, VP"),
            "status": meta.get("status", "draft"),
        },
    )
    return plan


def _sections(plan: Plan, items: list[dict[str, Any]]) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for order, item in enumerate(items):
        section, _ = Section.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={
                "title": item["title"],
                "order": order,
                "parent": sections.get(item.get("parent") or ""),
                "par_domain": item.get("par_domain"),
                "sipas_element": item.get("sipas_element") or "",
                "text": (item.get("text") or "").strip(),
            },
        )
        sections[section.code] = section
    return sections


def _task(
    plan: Plan, item: dict[str, Any], sections: dict[str, Section], units: dict[str, Unit], *, source: str
) -> Task:
    def unit(code: str) -> Unit:
        if code not in units:
            raise PlanFileError(f"{source}: task {item['code']}: unknown unit {code!r}")
        return units[code]

    task = Task.objects.create(
        plan=plan,
        agency=plan.agency,
        code=item["code"],
        appendix=item.get("appendix", ""),
        section=sections.get(item.get("section") or ""),
        title=item["title"],
        description=item.get("description", ""),
        par_domain=item.get("par_domain"),
        sipas_element=item.get("sipas_element") or "",
        lead_unit=unit(item["lead_unit"]),
        start_date=item.get("start"),
        deadline=item.get("deadline"),
        recurrence=item.get("recurrence") or "",
        recurrence_day=item.get("recurrence_day"),
        expected_product=item.get("expected_product", ""),
        target=item.get("target", ""),
        evidence_required=_evidence(item.get("evidence_required")),
    )
    task.coordinating_units.set([unit(code) for code in item.get("coordinating_units") or []])
    return task
