"""The plan's own text (what its document says besides the task tables), edited by the Office, and
next year's plan started from this year's: the same sections, texts and tasks, dated a year later,
as a draft to revise and issue from the system."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.services import StepRefused, diff, log_action
from plans.models import Plan, PlanStatus, Section, Task, TaskStatus
from plans.services import create_task

TEXT_FIELDS = ("number", "title", "issued_on", "signer", "signer_title", "preamble", "closing", "recipients", "archive")
YEAR_WORDS = re.compile(r"\bnăm (\d{4})\b")


class PlanCopyError(StepRefused):
    """The next year has a plan already."""


def _plan_state(plan: Plan) -> dict:
    return {
        **{name: getattr(plan, name) for name in TEXT_FIELDS},
        "sections": {s.code: s.text for s in plan.sections.all()},
    }


@transaction.atomic
def save_text(*, actor, plan: Plan, data: dict, section_texts: dict[int, str]) -> Plan:
    """The plan's details and its sections' texts (by section id), logged with before (as stored:
    `plan` may carry its form's changes already) and after."""
    before = _plan_state(Plan.objects.get(pk=plan.pk))
    for name in TEXT_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.save()
    for section in plan.sections.all():
        if section.pk in section_texts and section_texts[section.pk] != section.text:
            section.text = section_texts[section.pk]
            section.save(update_fields=["text"])
    log_action(
        actor=actor, agency=plan.agency, action="plan.text_saved", obj=plan, changes=diff(before, _plan_state(plan))
    )
    return plan


def shift_years(text: str, year: int) -> str:
    """'năm 2025 ... năm 2026' in the 2026 plan -> 'năm 2026 ... năm 2027': the years the plan
    speaks of (this one and the one before) move on by one; other years stay."""

    def move(match: re.Match) -> str:
        value = int(match.group(1))
        return f"năm {value + 1}" if value in (year - 1, year) else match.group(0)

    return YEAR_WORDS.sub(move, text or "")


def _next_year(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def copy_to_next_year(*, actor, plan: Plan, today: dt.date, cal: WorkingCalendar) -> Plan:
    """A draft plan for the next year with this plan's sections, texts and tasks (cancelled ones
    left out), every date a year later, every task not started; no number and no date yet."""
    year = plan.year + 1
    if Plan.objects.filter(agency=plan.agency, year=year).exists():
        raise PlanCopyError(_("There is a plan for %(year)s already.") % {"year": year})
    new = Plan.objects.create(
        agency=plan.agency,
        year=year,
        number="",
        title=shift_years(plan.title, plan.year),
        issuer=plan.issuer,
        signer=plan.signer,
        signer_title=plan.signer_title,
        legal_basis=plan.legal_basis,
        preamble=shift_years(plan.preamble, plan.year),
        closing=shift_years(plan.closing, plan.year),
        recipients=plan.recipients,
        archive=plan.archive,
        status=PlanStatus.DRAFT,
    )
    sections: dict[int, Section] = {}
    for section in plan.sections.order_by("order", "pk"):
        sections[section.pk] = Section.objects.create(
            plan=new,
            parent=sections.get(section.parent_id),
            code=section.code,
            title=shift_years(section.title, plan.year),
            order=section.order,
            par_domain=section.par_domain,
            sipas_element=section.sipas_element,
            text=shift_years(section.text, plan.year),
        )
    tasks = (
        Task.objects.filter(plan=plan)
        .exclude(status=TaskStatus.CANCELLED)
        .prefetch_related("coordinating_units")
        .order_by("section__order", "code")
    )
    for task in tasks:
        create_task(
            actor=actor,
            plan=new,
            data={
                "section": sections.get(task.section_id),
                "code": task.code,
                "appendix": task.appendix,
                "title": shift_years(task.title, plan.year),
                "description": shift_years(task.description, plan.year),
                "par_domain": task.par_domain,
                "sipas_element": task.sipas_element,
                "lead_unit": task.lead_unit,
                "coordinating_units": list(task.coordinating_units.all()),
                "start_date": _next_year(task.start_date),
                "deadline": _next_year(task.deadline),
                "recurrence": task.recurrence,
                "recurrence_day": task.recurrence_day,
                "expected_product": shift_years(task.expected_product, plan.year),
                "target": task.target,
                "evidence_required": task.evidence_required,
            },
            today=today,
            cal=cal,
        )
    log_action(actor=actor, agency=plan.agency, action="plan.copied", obj=new, note=f"{plan.year} -> {year}")
    return new
