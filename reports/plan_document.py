"""The plan as a DOCX in the Decree 30/2020 layout (core.nd30): its text as the seed lays it out,
and its appendices I (PAR INDEX tasks) and II (SIPAS tasks) as landscape tables generated from the
tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from docx.shared import Cm

from core.nd30 import AdminDocument, Paragraph, add_grid, add_line, add_section, issuing_bodies, render, strip_kind
from core.workbook import Sheet, workbook_bytes
from plans.models import Plan, Section, Task
from reports.documents import LETTERS, cell, roman, split_number, split_signer, text_paragraphs
from reports.workbook import characters

# --- the plan ----------------------------------------------------------------------------------

APPENDIX_TITLES = {
    "I": "NHIỆM VỤ NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)",
    "II": "NHIỆM VỤ NÂNG CAO CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN (SIPAS)",
}
APPENDIX_HEADER = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm"]
APPENDIX_WIDTHS = [1.2, 8.5, 3, 3.5, 2.5, 6]


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
                task.lead_unit.name,
                ", ".join(u.name for u in task.coordinating_units.all()),
                deadline,
                task.expected_product,
            ]
        )
    return rows, bold


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


def plan_appendices(plan: Plan, reference: str) -> Callable[[Any], None]:
    """Writes the plan's appendices I and II (those with tasks) on landscape pages."""

    def appendices(doc: Any) -> None:
        started = False
        for appendix in ("I", "II"):
            rows, bold = appendix_rows(plan, appendix)
            if not rows:
                continue
            if started:
                doc.add_page_break()
            else:  # the landscape section starts with the first appendix that has tasks
                add_section(doc, landscape=True)
                started = True
            add_line(doc, f"Phụ lục {appendix}", size=14, bold=True, centred=True)
            add_line(doc, APPENDIX_TITLES[appendix], size=13, bold=True, centred=True)
            add_line(doc, f"({reference})", size=13, italic=True, centred=True)
            cells = [[cell(v) for v in row] for row in rows]
            add_grid(doc, APPENDIX_HEADER, cells, [Cm(w) for w in APPENDIX_WIDTHS], size=11, span_rows=bold)

    return appendices


def plan_document(plan: Plan) -> AdminDocument:
    parent, body = issuing_bodies(plan.agency)
    number, symbol = split_number(plan.number)
    authority, title = split_signer(plan.signer_title)
    reference = (
        f"Kèm theo Kế hoạch số {plan.number or '     /' + symbol}"
        + (f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else "")
        + f" của {plan.agency.name}"
    )
    today = timezone.localdate()
    return AdminDocument(
        parent_body=parent,
        issuing_body=body,
        number=number,
        symbol=symbol or f"KH-{plan.agency.symbol or plan.agency.code}",
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
        appendices=plan_appendices(plan, reference),
        draft_month=today.month if plan.year == today.year else None,
        draft_year=plan.year,
    )


def plan_docx(plan: Plan) -> bytes:
    return render(plan_document(plan))


def plan_workbook(plan: Plan, appendices: dict[str, tuple[list[list[Any]], set[int]]], titles: dict[str, str]) -> bytes:
    """The plan's appendices: `appendices` maps I, II to (rows, bold group rows)."""
    return workbook_bytes(
        Sheet(
            name=f"Phụ lục {appendix}",
            heading=f"Phụ lục {appendix}: {titles[appendix]}",
            subtitle=[f"Kèm theo Kế hoạch {plan.number} của {plan.agency.name}".strip()],
            header=APPENDIX_HEADER,
            rows=rows,
            widths=characters(APPENDIX_WIDTHS),
            bold_rows=bold,
            frozen_columns=1,
        )
        for appendix, (rows, bold) in appendices.items()
    )
