"""The periodic CCHC report and the plan as DOCX in the Decree 30/2020 layout (core.nd30), with
their appendices as landscape tables; and the same contents as plain data for an uploaded
template (reports.templating)."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from core.models import Signer
from core.nd30 import (
    AdminDocument,
    Paragraph,
    add_grid,
    add_line,
    appendix_start,
    issuing_bodies,
    render,
)
from core.numbers import vi_number
from core.signers import configured_signer
from plans.models import Plan
from reports.figures import Figures, Table, TargetLine, plan_ref, report_plan
from reports.outline import Part, basis_from, basis_lines
from reports.periods import report_period
from targets.charts import trend_png

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


def _annex_table(doc, table: Table, *, reference: str) -> None:
    """An appendix: its own section numbered from 1 (core.nd30.appendix_start), the figures' period,
    cut-off and source, the table (biểu 06a with its grouped header), then what the figures are."""
    appendix_start(doc, number=table.number, title=table.title, reference=reference)
    add_line(doc, f"{table.period}. Nguồn: {table.source}.", size=12, italic=True, centred=True)
    rows = [[cell(v) for v in row] for row in table.rows]
    bold = set()
    if table.total is not None:
        rows.append([cell(v) for v in table.total])
        bold.add(len(rows) - 1)
    if not rows:
        rows = [[table.empty, *[""] * (len(table.header) - 1)]]
    groups = [(str(label), int(span)) for label, span in table.groups] if table.groups else None
    add_grid(
        doc,
        table.header,
        rows,
        [Cm(w) for w in table.widths],
        size=11,
        bold_rows=bold,
        right_from=table.right_from,
        groups=groups,
        centre_columns=set(table.centre),
    )
    for note in table.notes:
        add_line(doc, f"Ghi chú: {note}" if note is table.notes[0] else note, size=11, italic=True)


CHART_WIDTH = Cm(12)  # two charts side by side on the landscape appendix (24.7 cm of text)
CHARTS_TITLE = "Diễn biến các chỉ tiêu chưa đạt hoặc có nguy cơ không đạt"
CHARTS_MAX = 6  # one landscape page: the targets the report has to explain, the worst first
CHART_ORDER = {"off_track": 0, "at_risk": 1}


def charted(targets: list[TargetLine]) -> list[tuple[TargetLine, list[tuple[Any, Any]]]]:
    """The targets off track or at risk with a history to draw (two values or more), the worst
    first and at most CHARTS_MAX of them: their period-end values before the cut-off, then their
    value at the cut-off when it is later. The page of each target draws the same chart."""
    out = []
    for t in sorted(targets, key=lambda t: (CHART_ORDER.get(t.status, 9), t.code)):
        if t.status not in CHART_ORDER or len(out) == CHARTS_MAX:
            continue
        points = [(p.day, p.value) for p in t.history]
        if t.value is not None and t.as_of is not None and (not points or t.as_of > points[-1][0]):
            points.append((t.as_of, t.value))
        if len(points) >= 2:
            out.append((t, points))
    return out


def _target_charts(doc, targets: list[TargetLine]) -> None:
    """Under the targets' appendix: each target's trend (targets.charts.trend_png), two a row, in
    Vietnamese whatever the language of the person who asked for the file (a legal document)."""
    drawn = charted(targets)
    if not drawn:
        return
    add_line(doc, CHARTS_TITLE, size=13, bold=True, centred=True)
    grid = doc.add_table(rows=(len(drawn) + 1) // 2, cols=2)
    grid.autofit = False
    with translation.override("vi"):
        for index, (t, points) in enumerate(drawn):
            title = f"{t.code}. {t.name}"
            png = trend_png(points, target=t.target, baseline=t.baseline, unit=t.unit)
            box = grid.cell(index // 2, index % 2)
            paragraph = box.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
            caption = box.add_paragraph()  # the title as text: read aloud, searched, copied
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = caption.add_run(f"{title} ({t.status_label.lower()})")
            run.font.size = Pt(10)


def cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    return vi_number(value)


def report_reference(report) -> str:
    number = report.number
    number_text = f"{number:02d}" if number else "     "
    day = f"ngày {report.issued_on:%d/%m/%Y}" if report.issued_on else f"ngày     tháng     năm {report.year}"
    return f"Kèm theo Báo cáo số {number_text}/{report_symbol(report)} {day} của {report.agency.name}"


def report_symbol(report) -> str:
    return f"BC-{report.agency.symbol or report.agency.code}"


ILLUSTRATIVE_LINE = (
    "(Chỉ số cải cách hành chính trong báo cáo được tính theo bộ tiêu chí minh họa, chưa phải bộ tiêu chí "
    "chính thức do tỉnh ban hành)"
)


def basis(report, figures: Figures) -> list[str]:
    """The legal basis at the top: the report's own lines (edited in its page), else the lines
    built from the registers (reports.outline.basis_lines)."""
    typed = [line.strip() for line in (getattr(report, "basis", "") or "").splitlines() if line.strip()]
    return typed or basis_lines(figures)


def printed_parts(parts: list[Part]) -> list[Part]:
    """The parts with something to print: a missing Office part is never printed empty, and a
    heading over parts (II, III.3) only when one of them is printed."""
    shown = [p for p in parts if p.auto or p.paragraphs or p.key in ("II", "III", "III.3")]
    keys = {p.key for p in shown}
    if not keys & {"III.3.a", "III.3.b"}:
        shown = [p for p in shown if p.key != "III.3"]
    return shown


def report_body(report, figures: Figures, parts: list[Part]) -> list[Paragraph]:
    """The report's text: a note under the title when the PAR criteria are illustrative, its legal
    basis, its opening with the cut-off, each part's heading with the system's paragraphs and the
    Office's text, its closing line."""
    paragraphs: list[Paragraph] = []
    if figures.par is not None and figures.par.illustrative:
        paragraphs.append(Paragraph(ILLUSTRATIVE_LINE, italic=True))
    paragraphs += [Paragraph(line) for line in basis(report, figures)]
    paragraphs.append(
        Paragraph(
            f"{report.agency.name} báo cáo tình hình, kết quả thực hiện công tác cải cách hành chính "
            f"{figures.period.label} (số liệu {figures.window_text}) như sau:"
        )
    )
    for part in printed_parts(parts):
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
        for table in figures.tables:
            _annex_table(doc, table, reference=report_reference(report))
            if table.key == "targets":
                _target_charts(doc, figures.targets)

    return AdminDocument(
        parent_body=parent,
        issuing_body=body,
        author=report.agency.name,
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
    """A new report's title, signer, recipients and legal basis: the signer the administrator set
    for reports (core.signers), else the year's plan's; the recipients from the plan where there
    is one; the basis built from the registers (the province's document the plan answers and the
    agency's plan, each when dated by the window's end): no placeholder line."""
    period = report_period(kind, year)
    plan = Plan.objects.filter(agency=agency, year=year).order_by("-pk").first()
    authority, title = split_signer(plan.signer_title) if plan else ("", "")
    name = plan.signer if plan else ""
    signer = configured_signer(agency, Signer.Use.REPORTS)
    if signer is not None:
        authority, title, name = signer.authority, signer.title, signer.name
    cited = plan_ref(report_plan(agency, year), period.end)
    return {
        "title": f"Tình hình, kết quả thực hiện công tác cải cách hành chính {period.label}",
        "signer_authority": authority,
        "signer_title": title,
        "signer_name": name,
        "recipients": (plan.recipients if plan and plan.recipients else "UBND tỉnh (b/c)\nSở Nội vụ\nLãnh đạo cơ quan"),
        "basis": "\n".join(basis_from(cited, agency.name, period.end)),
    }
