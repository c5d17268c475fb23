"""The plan as a DOCX in the Decree 30/2020 layout (core.nd30): its text as the seed lays it out,
and its appendices I (PAR INDEX tasks) and II (SIPAS tasks) as landscape tables generated from the
tasks, each in its own section with its own page numbers; the same appendices as a workbook.

Until the văn thư registers the plan (its number and date typed on the plan's text page), the
document leaves both blank, as the signed paper does before registration: "Số:     /KH-…",
"ngày     tháng … năm …", and every appendix's "(Kèm theo Kế hoạch số …)" line says the same.

The appendix rows name units as documents' tables do (`Unit.label`: the short name, else the
name). A task coordinated by every unit of the agency but its lead and its leadership reads
"Các phòng, đơn vị" (ALL_UNITS) instead of the list, when there are at least three such units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from docx.shared import Cm

from core.models import Unit
from core.nd30 import (
    AdminDocument,
    Paragraph,
    add_grid,
    appendix_start,
    date_line,
    issuing_bodies,
    number_line,
    render,
    strip_kind,
)
from core.workbook import Sheet, workbook_bytes
from plans.models import Plan, PlanStatus, Section, Task
from reports.documents import LETTERS, cell, roman, split_number, split_signer, text_paragraphs
from reports.workbook import characters

# --- the plan ----------------------------------------------------------------------------------

APPENDIX_TITLES = {
    "I": "NHIỆM VỤ NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)",
    "II": "NHIỆM VỤ NÂNG CAO CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN (SIPAS)",
}
APPENDIX_HEADER = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm"]
# cm, the 25.2 a landscape page holds: the task and its product take the room, the units'
# short names and the deadline little, so a row is two to four lines tall
APPENDIX_WIDTHS = [1.3, 7.4, 2.9, 3.6, 2.2, 7.8]
CENTRED = {0, 4}  # STT, Thời hạn
ALL_UNITS = "Các phòng, đơn vị"


def _section_label(section: Section, siblings: list[Section], depth: int) -> str:
    """I., II. for parts; 1., 2. for their sections; a), b) ... (Vietnamese order) below."""
    index = siblings.index(section)
    if depth == 0:
        return f"{roman(index + 1)}."
    if depth == 1:
        return f"{index + 1}."
    return f"{LETTERS[index % len(LETTERS)]})"


def walk_sections(sections: list[Section]) -> Iterable[tuple[Section, int, str]]:
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)

    def visit(parent_id: int | None, depth: int):
        siblings = children.get(parent_id, [])
        for section in siblings:
            yield section, depth, _section_label(section, siblings, depth)
            yield from visit(section.pk, depth + 1)

    yield from visit(None, 0)


def appendix_rows(plan: Plan, appendix: str) -> tuple[list[list[Any]], set[int]]:
    """The rows of an appendix (native values: the number, the deadline as a date), grouped under
    the plan's sections as bold rows ("a) ...")."""
    tasks = (
        Task.objects.filter(plan=plan, appendix=appendix)
        .exclude(status="cancelled")
        .select_related("lead_unit", "section")
        .prefetch_related("coordinating_units")
        .order_by("section__order", "code")
    )
    labels = {
        section.pk: label for section, _depth, label in walk_sections(list(plan.sections.order_by("order", "pk")))
    }
    units = list(
        Unit.objects.filter(agency=plan.agency).exclude(kind=Unit.Kind.LEADERSHIP).values_list("pk", flat=True)
    )
    rows: list[list[Any]] = []
    bold: set[int] = set()
    current = object()
    for number, task in enumerate(tasks, start=1):
        if task.section_id != current:
            current = task.section_id
            if task.section is not None:
                bold.add(len(rows))
                rows.append(["", f"{labels.get(task.section_id, '')} {task.section.title}".strip(), "", "", "", ""])
        deadline = task.deadline or str(task.get_recurrence_display() or "")
        rows.append(
            [
                number,
                task.title,
                task.lead_unit.label,
                coordinating_text(list(task.coordinating_units.all()), lead=task.lead_unit_id, units=units),
                deadline,
                task.expected_product,
            ]
        )
    return rows, bold


def coordinating_text(coordinating: list[Unit], *, lead: int | None, units: list[int]) -> str:
    """The coordinating units as the appendix writes them: "Các phòng, đơn vị" when they are every
    unit of the agency (`units`: its non-leadership units) other than the lead, at least three of
    them; else their short names in the units' order."""
    others = {pk for pk in units if pk != lead}
    if len(others) >= 3 and {unit.pk for unit in coordinating} == others:
        return ALL_UNITS
    return ", ".join(unit.label for unit in coordinating)


def appendices(plan: Plan) -> dict[str, tuple[list[list[Any]], set[int]]]:
    """The plan's appendices that have tasks ("I", "II") with their rows and bold group rows, as
    the DOCX, the XLSX and a template read them."""
    rows = {key: appendix_rows(plan, key) for key in ("I", "II")}
    return {key: value for key, value in rows.items() if value[0]}


def plan_body(plan: Plan) -> list[Paragraph]:
    """The plan's text: its opening, each section's heading and text (with "(Chi tiết tại Phụ lục
    I kèm theo)" after the last section whose tasks are in an appendix), its closing."""
    paragraphs: list[Paragraph] = [Paragraph(line) for line in (plan.preamble or "").splitlines() if line.strip()]
    appendix_of = {}
    for task in Task.objects.filter(plan=plan).exclude(appendix="").values("section_id", "appendix").distinct():
        appendix_of[task["section_id"]] = task["appendix"]
    walked = list(walk_sections(list(plan.sections.order_by("order", "pk"))))
    for index, (section, depth, label) in enumerate(walked):
        heading = f"{label} {section.title.upper() if depth == 0 else section.title}"
        paragraphs.append(Paragraph(heading, heading=True))
        paragraphs += text_paragraphs(section.text)
        following = walked[index + 1][1] if index + 1 < len(walked) else 0
        appendix = appendix_of.get(section.pk)
        if appendix and following < depth and depth >= 1:
            paragraphs.append(Paragraph(f"(Chi tiết tại Phụ lục {appendix} kèm theo)", italic=True))
    if plan.closing:
        paragraphs.append(Paragraph(plan.closing))
    return paragraphs


def draft_month(plan: Plan, today: dt.date) -> int | None:
    """The month a draft's date line shows: the month it is printed in, for a draft plan of this
    year (it is signed soon); none for a plan marked issued whose date nobody has typed (the
    system does not know it, and invents nothing)."""
    if plan.issued_on is None and plan.status == PlanStatus.DRAFT and plan.year == today.year:
        return today.month
    return None


def issue_day(day: dt.date | None, *, month: int | None, year: int) -> str:
    """'ngày 15 tháng 7 năm 2026', written as the header writes it (core.nd30.date_line, without
    the place): a plan not yet registered keeps the same blanks."""
    return date_line("", day, month=month, year=year).removeprefix(", ")


def plan_symbol(plan: Plan) -> tuple[int | None, str]:
    """The plan's number (None until registered) and symbol ('KH-BQLKKTCK')."""
    number, symbol = split_number(plan.number)
    return number, symbol or f"KH-{plan.agency.symbol or plan.agency.code}"


def plan_reference(plan: Plan, today: dt.date) -> str:
    """The appendices' line under their title (in brackets), the same in the DOCX and the workbook:
    "Kèm theo Kế hoạch số 05/KH-BQLKKTCK ngày 15 tháng 7 năm 2026 của Ban Quản lý …", with the
    header's blanks while the plan has no number or date."""
    number = number_line(*plan_symbol(plan)).removeprefix("Số: ")  # "05/KH-…", or the blank "    /KH-…"
    day = issue_day(plan.issued_on, month=draft_month(plan, today), year=plan.year)
    return f"Kèm theo Kế hoạch số {number} {day} của {plan.agency.name}"


def plan_appendices(plan: Plan, reference: str) -> Callable[[Any], None]:
    """Writes the plan's appendices I and II (those with tasks), each opening its own landscape
    section whose pages are numbered from 1 (core.nd30.appendix_start)."""

    def write(doc: Any) -> None:
        for appendix, (rows, bold) in appendices(plan).items():
            appendix_start(doc, number=appendix, title=APPENDIX_TITLES[appendix], reference=reference)
            cells = [[cell(v) for v in row] for row in rows]
            widths = [Cm(w) for w in APPENDIX_WIDTHS]
            table = add_grid(doc, APPENDIX_HEADER, cells, widths, size=11, span_rows=bold, centre_columns=CENTRED)
            for index in bold:  # a section's heading row stays on the page of its first task
                for paragraph in table.rows[index + 1].cells[0].paragraphs:
                    paragraph.paragraph_format.keep_with_next = True

    return write


def plan_document(plan: Plan) -> AdminDocument:
    parent, body = issuing_bodies(plan.agency)
    number, symbol = plan_symbol(plan)
    authority, title = split_signer(plan.signer_title)
    today = timezone.localdate()
    return AdminDocument(
        parent_body=parent,
        issuing_body=body,
        number=number,
        symbol=symbol,
        place=plan.agency.province.name,
        date=plan.issued_on,
        kind="KẾ HOẠCH",
        title=strip_kind(plan.title),
        body=plan_body(plan),
        recipients=[line.strip() for line in plan.recipients.splitlines() if line.strip()],
        archive=plan.archive or "VT",
        signer_authority=authority,
        signer_title=title,
        signer_name=plan.signer,
        appendices=plan_appendices(plan, plan_reference(plan, today)),
        draft_month=draft_month(plan, today),
        draft_year=plan.year,
    )


def plan_docx(plan: Plan) -> bytes:
    return render(plan_document(plan))


def plan_workbook(plan: Plan, appendices: dict[str, tuple[list[list[Any]], set[int]]], titles: dict[str, str]) -> bytes:
    """The plan's appendices: `appendices` maps I, II to (rows, bold group rows); under each
    sheet's title the DOCX's "(Kèm theo Kế hoạch số …)" line, word for word."""
    reference = plan_reference(plan, timezone.localdate())
    return workbook_bytes(
        Sheet(
            name=f"Phụ lục {appendix}",
            heading=f"Phụ lục {appendix}: {titles[appendix]}",
            subtitle=[f"({reference})"],
            header=APPENDIX_HEADER,
            rows=rows,
            widths=characters(APPENDIX_WIDTHS),
            bold_rows=bold,
            frozen_columns=1,
            printable=True,  # A4 landscape like the DOCX's appendices, the header repeated
            landscape=True,
            borders=True,
        )
        for appendix, (rows, bold) in appendices.items()
    )
