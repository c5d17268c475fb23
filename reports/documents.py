"""The periodic CCHC report and the plan as DOCX in the Decree 30/2020 layout (core.nd30), with
their appendices as landscape tables; and the same contents as plain data for an uploaded
template (reports.templating)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from docx.shared import Cm

from core.models import Signer
from core.nd30 import (
    AdminDocument,
    Paragraph,
    add_grid,
    add_line,
    add_section,
    issuing_bodies,
    render,
    strip_kind,
)
from core.numbers import vi_number
from core.signers import configured_signer
from plans.models import Plan, Section, Task
from reports.figures import Figures, Table
from reports.outline import Part
from reports.periods import report_period

ROMAN_DIGITS = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
LETTERS = "abcdđeghiklmnopqrstuvxy"  # the Vietnamese order of item letters: no f, j, w, z


def roman(number: int) -> str:
    out = ""
    for value, digits in ROMAN_DIGITS:
        while number >= value:
            out, number = out + digits, number - value
    return out


# a heading line inside a text: "1. Mục đích", "a) ...", "2. Văn phòng" (short, no final stop)
HEADING = re.compile(r"^(\d+\.|[a-zđ]\))\s+\S.{0,90}$")
NUMBER = re.compile(r"^\s*(\d+)\s*/\s*(\S+)\s*$")


def split_number(text: str) -> tuple[int | None, str]:
    """'125/KH-BQLKKTCK' -> (125, 'KH-BQLKKTCK'); a draft '/KH-...' keeps no number."""
    match = NUMBER.match(text or "")
    if match:
        return int(match.group(1)), match.group(2)
    return None, (text or "").strip().lstrip("/").strip()


def split_signer(title: str) -> tuple[str, str]:
    """'KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN' -> ('KT. TRƯỞNG BAN', 'PHÓ TRƯỞNG BAN')."""
    if "/" in title:
        authority, _sep, rest = title.partition("/")
        return authority.strip(), rest.strip()
    return "", title.strip()


def text_paragraphs(text: str) -> list[Paragraph]:
    """An edited text as document paragraphs: one per line; short numbered lines are headings."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        out.append(Paragraph(line, heading=bool(HEADING.match(line)) and not line.endswith(".")))
    return out


def cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    return vi_number(value)


def _annex_table(doc, table: Table, *, number: str, reference: str) -> None:
    add_line(doc, f"Phụ lục {number}", size=14, bold=True, centred=True)
    add_line(doc, table.title.upper(), size=13, bold=True, centred=True)
    add_line(doc, f"({reference})", size=13, italic=True, centred=True)
    add_line(doc, f"{table.period}. Nguồn: {table.source}.", size=12, italic=True, centred=True)
    rows = [[cell(v) for v in row] for row in table.rows]
    bold = set()
    if table.total is not None:
        rows.append([cell(v) for v in table.total])
        bold.add(len(rows) - 1)
    if not rows:
        rows = [["Không có số liệu", *[""] * (len(table.header) - 1)]]
    add_grid(doc, table.header, rows, [Cm(w) for w in table.widths], size=11, bold_rows=bold, right_from=1)


def report_reference(report) -> str:
    number, _symbol = report.number, report_symbol(report)
    number_text = f"{number:02d}" if number else "     "
    day = f"ngày {report.issued_on:%d/%m/%Y}" if report.issued_on else f"ngày     tháng     năm {report.year}"
    return f"Kèm theo Báo cáo số {number_text}/{report_symbol(report)} {day} của {report.agency.name}"


def report_symbol(report) -> str:
    return f"BC-{report.agency.symbol or report.agency.code}"


def report_body(report, figures: Figures, parts: list[Part]) -> list[Paragraph]:
    """The report's text: its opening, each part's heading, the system's paragraphs and the
    Office's text, its closing line."""
    paragraphs: list[Paragraph] = [
        Paragraph(
            f"{report.agency.name} báo cáo tình hình, kết quả thực hiện công tác cải cách hành chính "
            f"{figures.period.label} (số liệu {figures.period.window_text()}) như sau:"
        )
    ]
    for part in parts:
        paragraphs.append(Paragraph(part.heading, heading=True))
        paragraphs += [Paragraph(line) for line in part.auto]
        paragraphs += text_paragraphs(part.text)
    paragraphs.append(
        Paragraph(
            f"Trên đây là báo cáo tình hình, kết quả thực hiện công tác cải cách hành chính {figures.period.label} "
            f"của {report.agency.name}./."
        )
    )
    return paragraphs


def report_document(report, figures: Figures, parts: list[Part]) -> AdminDocument:
    parent, body = issuing_bodies(report.agency)

    def appendices(doc: Any) -> None:
        add_section(doc, landscape=True)
        for index, table in enumerate(figures.tables):
            if index:
                doc.add_page_break()
            _annex_table(doc, table, number=f"{index + 1:02d}", reference=report_reference(report))

    return AdminDocument(
        parent_body=parent,
        issuing_body=body,
        number=report.number,
        symbol=report_symbol(report),
        place=report.agency.province.name,
        date=report.issued_on,
        kind="BÁO CÁO",
        title=report.title,
        body=report_body(report, figures, parts),
        recipients=[line.strip() for line in report.recipients.splitlines() if line.strip()],
        archive=report.archive,
        signer_authority=report.signer_authority,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        appendices=appendices,
        draft_month=figures.period.due.month,
        draft_year=report.year,
    )


def report_docx(report, figures: Figures, parts: list[Part]) -> bytes:
    return render(report_document(report, figures, parts))


def report_defaults(agency, kind: str, year: int) -> dict:
    """A new report's title, signer and recipients: the signer the administrator set for reports
    (core.signers), else the year's plan's; the recipients from the plan where there is one."""
    period = report_period(kind, year)
    plan = Plan.objects.filter(agency=agency, year=year).order_by("-pk").first()
    authority, title = split_signer(plan.signer_title) if plan else ("", "")
    name = plan.signer if plan else ""
    signer = configured_signer(agency, Signer.Use.REPORTS)
    if signer is not None:
        authority, title, name = signer.authority, signer.title, signer.name
    return {
        "title": f"Tình hình, kết quả thực hiện công tác cải cách hành chính {period.label}",
        "signer_authority": authority,
        "signer_title": title,
        "signer_name": name,
        "recipients": (plan.recipients if plan and plan.recipients else "UBND tỉnh (b/c)\nSở Nội vụ\nLãnh đạo cơ quan"),
    }


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
