"""The parts of a periodic CCHC report (reports_nd30.md §2): for each, the paragraphs the system
writes from the figures (each number with its period and source) and the Office's own text,
edited in the page before export. The same parts feed the page, the DOCX and the templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from core.nd30 import strip_kind
from core.numbers import q2, vi_number
from plans.models import ParDomain, Task
from reports.figures import Figures, TaskCounts

# key, heading, PAR domain whose tasks it reports (or None), the Office's prompt
PARTS: list[tuple[str, str, int | None, str]] = [
    (
        "I",
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        ParDomain.DIRECTION,
        "Ban hành kế hoạch, kiểm tra, tuyên truyền; giải pháp nâng cao Chỉ số PAR INDEX, SIPAS.",
    ),
    ("II", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", None, ""),
    ("II.1", "1. Cải cách thể chế", ParDomain.INSTITUTIONS, "Văn bản quy phạm pháp luật xây dựng, rà soát."),
    (
        "II.2",
        "2. Cải cách thủ tục hành chính",
        ParDomain.PROCEDURES,
        "Kiểm soát TTHC, một cửa, dịch vụ công trực tuyến, số hóa, phản ánh kiến nghị.",
    ),
    ("II.3", "3. Cải cách tổ chức bộ máy hành chính", ParDomain.ORGANISATION, "Tổ chức bộ máy, biên chế."),
    ("II.4", "4. Cải cách chế độ công vụ", ParDomain.CIVIL_SERVICE, "Kỷ luật, kỷ cương; đào tạo, bồi dưỡng."),
    (
        "II.5",
        "5. Cải cách tài chính công",
        ParDomain.PUBLIC_FINANCE,
        "Giải ngân vốn đầu tư, tự chủ tài chính, tài sản công.",
    ),
    (
        "II.6",
        "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        ParDomain.DIGITAL_GOVERNMENT,
        "Văn bản điện tử, nền tảng số dùng chung, Nền tảng cửa khẩu số.",
    ),
    (
        "II.7",
        "7. Nâng cao Chỉ số hài lòng của người dân (SIPAS)",
        None,
        "Giải pháp nâng cao sự hài lòng của người dân, tổ chức.",
    ),
    ("III", "III. ĐÁNH GIÁ CHUNG", None, "1. Ưu điểm; 2. Tồn tại, hạn chế; 3. Nguyên nhân."),
    ("IV", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", None, "Nhiệm vụ trọng tâm kỳ tới."),
    ("V", "V. KIẾN NGHỊ, ĐỀ XUẤT", None, "Kiến nghị với UBND tỉnh, Sở Nội vụ và các cơ quan liên quan."),
]
PART_KEYS = [key for key, *_rest in PARTS]


@dataclass
class Part:
    key: str
    heading: str
    prompt: str
    auto: list[str] = field(default_factory=list)  # written by the system from the figures
    text: str = ""  # the Office's text
    editable: bool = True

    @property
    def paragraphs(self) -> list[str]:
        """The Office's text as paragraphs (a blank line or a line break separates them)."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def _percent(value: Decimal | int | None) -> str:
    return f"{vi_number(q2(Decimal(value)))}%" if value is not None else "chưa có số liệu"


def _tasks_sentence(label: str, counts: TaskCounts | None, end: dt.date) -> str | None:
    if counts is None or counts.total == 0:
        return None
    text = (
        f"{label}: {vi_number(counts.total)} nhiệm vụ; đã hoàn thành {vi_number(counts.done)} "
        f"({_percent(counts.done_percent)})"
    )
    if counts.done_late:
        text += f", trong đó {vi_number(counts.done_late)} nhiệm vụ hoàn thành trễ hạn"
    text += f"; chưa hoàn thành {vi_number(counts.open)}"
    if counts.overdue:
        text += f", trong đó {vi_number(counts.overdue)} nhiệm vụ quá hạn"
    return text + f" (số liệu tính đến ngày {end:%d/%m/%Y})."


def _done_lines(tasks: list[Task]) -> list[str]:
    lines = []
    for task in tasks:
        product = f": {task.expected_product}" if task.expected_product else ""
        lines.append(f"- {task.title} ({task.lead_unit.name}, hoàn thành ngày {task.completed_on:%d/%m/%Y}){product}.")
    return lines


def _done_block(title: str, tasks: list[Task]) -> list[str]:
    return [title, *_done_lines(tasks)] if tasks else []


def _direction(figures: Figures) -> list[str]:
    """Part I: the plan, its tasks and their risk; the window's inspections, news, evidence and
    citizen receptions."""
    plan, lines = figures.plan, []
    if plan is not None:
        number = f" số {plan.number}" if plan.number else ""
        issued = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
        subject = strip_kind(plan.title)
        lines.append(f"Cơ quan đã ban hành Kế hoạch{number}{issued} {subject[:1].lower()}{subject[1:]}.")
        sentence = _tasks_sentence("Tổng số nhiệm vụ của Kế hoạch", figures.tasks, figures.period.end)
        if sentence:
            lines.append(sentence)
        if figures.tasks.at_risk:
            lines.append(
                f"Có {vi_number(figures.tasks.at_risk)} nhiệm vụ có nguy cơ chậm tiến độ tại thời điểm "
                "lập báo cáo, đã được đôn đốc."
            )
    else:
        lines.append(f"Chưa có kế hoạch CCHC năm {figures.period.year} trên hệ thống.")
    lines.append(
        f"Trong kỳ ({figures.period.window_text()}): {vi_number(figures.inspections)} cuộc kiểm tra CCHC; "
        f"{vi_number(figures.posts)} tin, bài tuyên truyền CCHC đăng trên Trang thông tin điện tử; "
        f"{vi_number(figures.evidence_documents)} tài liệu kiểm chứng được cập nhật; "
        f"{vi_number(figures.receptions['sessions'])} buổi tiếp công dân "
        f"({vi_number(figures.receptions['by_leader'])} buổi do người đứng đầu chủ trì)."
    )
    return lines


def _domain(figures: Figures, domain: int, *, with_counts: bool) -> list[str]:
    """A PAR domain's tasks (counted, except in part I, which counts the whole plan) and those
    completed in the window."""
    lines = []
    if with_counts:
        sentence = _tasks_sentence("Nhiệm vụ của lĩnh vực", figures.by_domain.get(domain), figures.period.end)
        if sentence:
            lines.append(sentence)
    title = f"Các nhiệm vụ hoàn thành trong kỳ ({figures.period.window_text()}):"
    return lines + _done_block(title, figures.done_in_window.get(domain, []))


def _procedures(figures: Figures) -> list[str]:
    """Part II.2: dossiers of the window, the 766 indicators of the calendar period, feedback."""
    window, d, q, fb = figures.period.window_text(), figures.dossiers, figures.quality, figures.feedback
    on_time, online = q.get("on_time_rate"), q.get("online_rate")
    feedback_rate = q.get("feedback_on_time_rate")
    return [
        f"Giải quyết TTHC ({window}): tổng số hồ sơ {vi_number(d['received'])}; đã giải quyết "
        f"{vi_number(d['resolved'])}; đang giải quyết {vi_number(d['pending'])} (chi tiết tại Phụ lục).",
        f"Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg, kỳ {figures.calendar_label}: "
        f"tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn {_percent(on_time.rate if on_time else None)}; "
        f"tỷ lệ hồ sơ trực tuyến {_percent(online.rate if online else None)}; tỷ lệ phản ánh, kiến nghị "
        f"xử lý đúng hạn {_percent(feedback_rate.rate if feedback_rate else None)}.",
        f"Tiếp nhận {vi_number(fb.received)} phản ánh, kiến nghị ({window}); trả lời đúng hạn "
        f"{_percent(fb.steps['answer'].rate)}; tỷ lệ người gửi hài lòng với kết quả trả lời "
        f"{_percent(fb.satisfaction)}.",
    ]


def _sipas(figures: Figures) -> list[str]:
    """Part II.7: the SIPAS tasks completed in the window; the index over its own whole period."""
    title = f"Các nhiệm vụ nâng cao Chỉ số SIPAS hoàn thành trong kỳ ({figures.period.window_text()}):"
    lines = _done_block(title, figures.done_in_window.get("sipas", []))
    sipas_when = figures.sipas_period_text or "chưa có kỳ khảo sát trọn vẹn"  # its own whole period
    if figures.sipas_overall is not None:
        lines.append(
            f"Kết quả khảo sát do cơ quan tự thực hiện, {sipas_when}: Chỉ số hài lòng về sự phục vụ hành "
            f"chính đạt {_percent(figures.sipas_overall)} trên {vi_number(figures.sipas_responses)} phiếu."
        )
    else:
        lines.append(f"Chưa đủ phiếu khảo sát để công bố chỉ số hài lòng, {sipas_when}.")
    return lines


PAR_COLUMNS = {"self": "tự đánh giá", "a1": "thẩm định", "a2": "thẩm định lại", "final": "kết quả chính thức"}


def _assessment(figures: Figures) -> list[str]:
    """Part III: the plan's completion and the PAR self-score with the criteria losing most."""
    lines = []
    if figures.tasks.total:
        lines.append(
            f"Đến ngày {figures.period.end:%d/%m/%Y}, cơ quan hoàn thành {_percent(figures.tasks.done_percent)} "
            f"nhiệm vụ của Kế hoạch; {vi_number(figures.tasks.overdue)} nhiệm vụ quá hạn."
        )
    par = figures.par
    if par is None:
        return lines
    lines.append(
        f"Chỉ số CCHC ({par['round'].name}, {PAR_COLUMNS[par['column']]}): {vi_number(par['points'])}/"
        f"{vi_number(par['max'])} điểm ({_percent(par['index'])}); tổng số điểm bị mất "
        f"{vi_number(par['lost_total'])} điểm."
    )
    if par["lost"]:
        lines.append("Các tiêu chí bị mất nhiều điểm nhất:")
        lines += [
            f"- {row.code} {row.name}: mất {vi_number(row.lost)}/{vi_number(row.max)} điểm." for row in par["lost"]
        ]
    return lines


def _next_period(figures: Figures) -> list[str]:
    """Part IV: the open tasks due soon (at most 30)."""
    if not figures.next_tasks:
        return []
    return ["Các nhiệm vụ chưa hoàn thành cần tập trung thực hiện:"] + [
        f"- {task.title} ({task.lead_unit.name}"
        + (f", thời hạn {task.deadline:%d/%m/%Y}" if task.deadline else "")
        + ")."
        for task in figures.next_tasks[:30]
    ]


# what a part adds after its PAR domain's tasks
WRITERS: dict[str, Callable[[Figures], list[str]]] = {
    "II.2": _procedures,
    "II.7": _sipas,
    "III": _assessment,
    "IV": _next_period,
}


def auto_lines(key: str, domain: int | None, figures: Figures) -> list[str]:
    """The paragraphs the system writes in a part: part I's direction first, then a PAR domain's
    tasks, then what the part adds (one-stop and feedback figures, SIPAS, the assessment, the
    tasks of the next period)."""
    lines = _direction(figures) if key == "I" else []
    if domain is not None:
        lines += _domain(figures, domain, with_counts=key != "I")
    writer = WRITERS.get(key)
    return lines + writer(figures) if writer is not None else lines


def parts(figures: Figures, texts: dict[str, str]) -> list[Part]:
    """The report's parts with what the system writes and the Office's text (by part key)."""
    return [
        Part(
            key,
            heading,
            prompt,
            auto=auto_lines(key, domain, figures),
            text=texts.get(key, ""),
            editable=key != "II",
        )
        for key, heading, domain, prompt in PARTS
    ]
