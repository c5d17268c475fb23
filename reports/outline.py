"""The parts of a periodic CCHC report in the outline of the province's CCHC reporting guidance
(reports_nd30.md §2): I. chỉ đạo, điều hành; II. results by PAR domain (1-6) and SIPAS (7), each
with what was planned, what was done (products, evidence documents), its figures and what is not
done; III. đánh giá chung (ưu điểm; tồn tại, hạn chế; nguyên nhân khách quan, chủ quan);
IV. phương hướng (next-period tasks and overdue tasks apart); V. đề xuất, kiến nghị.

For each part: the paragraphs the system writes from the figures (`auto`, every number as of the
cut-off, the appendix it is detailed in named) and the Office's text. Parts the Office must write
(`office`) have no system text standing for them: while one is empty (`missing`) no file is made
(reports.jobs / the page list `missing_parts`). `texts[key + ":system"]` is the Office's edited
version of the system's paragraphs of a part and replaces them. Pure: reads only `Figures`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from core.nd30 import strip_kind
from core.numbers import q2, vi_number
from plans.models import ParDomain
from reports.figures import (
    DOMAIN_NAMES,
    FEEDBACK_ON_TIME,
    FEEDBACK_SATISFIED,
    SIPAS_GROUP,
    Figures,
    PlanRef,
    TaskCounts,
    TaskLine,
    next_period_end,
)

SYSTEM = ":system"

# key, heading, PAR domain whose tasks it reports (or None), the Office's prompt, office part, editable
PARTS: list[tuple[str, str, int | None, str, bool, bool]] = [
    (
        "I",
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        ParDomain.DIRECTION,
        "Ban hành kế hoạch, kiểm tra, tuyên truyền; giải pháp nâng cao Chỉ số PAR INDEX, SIPAS.",
        False,
        True,
    ),
    ("II", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", None, "", False, False),
    (
        "II.1",
        "1. Cải cách thể chế",
        ParDomain.INSTITUTIONS,
        "Văn bản quy phạm pháp luật xây dựng, rà soát.",
        False,
        True,
    ),
    (
        "II.2",
        "2. Cải cách thủ tục hành chính",
        ParDomain.PROCEDURES,
        "Kiểm soát TTHC, một cửa, dịch vụ công trực tuyến, số hóa, phản ánh kiến nghị.",
        False,
        True,
    ),
    (
        "II.3",
        "3. Cải cách tổ chức bộ máy hành chính",
        ParDomain.ORGANISATION,
        "Tổ chức bộ máy, biên chế.",
        False,
        True,
    ),
    (
        "II.4",
        "4. Cải cách chế độ công vụ",
        ParDomain.CIVIL_SERVICE,
        "Kỷ luật, kỷ cương; đào tạo, bồi dưỡng.",
        False,
        True,
    ),
    (
        "II.5",
        "5. Cải cách tài chính công",
        ParDomain.PUBLIC_FINANCE,
        "Giải ngân vốn đầu tư, tự chủ tài chính, tài sản công.",
        False,
        True,
    ),
    (
        "II.6",
        "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        ParDomain.DIGITAL_GOVERNMENT,
        "Văn bản điện tử, chữ ký số, nền tảng số dùng chung, Nền tảng cửa khẩu số.",
        False,
        True,
    ),
    (
        "II.7",
        "7. Nâng cao Chỉ số hài lòng của người dân, tổ chức (SIPAS)",
        None,
        "Giải pháp nâng cao sự hài lòng của người dân, tổ chức.",
        False,
        True,
    ),
    ("III", "III. ĐÁNH GIÁ CHUNG", None, "Nhận xét chung (không bắt buộc).", False, True),
    ("III.1", "1. Ưu điểm", None, "Những kết quả nổi bật trong kỳ.", True, True),
    ("III.2", "2. Tồn tại, hạn chế", None, "Nhiệm vụ chậm, chỉ số chưa đạt, khó khăn.", True, True),
    ("III.3", "3. Nguyên nhân", None, "", False, False),
    ("III.3.a", "a) Nguyên nhân khách quan", None, "Nguyên nhân khách quan của tồn tại, hạn chế.", True, True),
    ("III.3.b", "b) Nguyên nhân chủ quan", None, "Nguyên nhân chủ quan của tồn tại, hạn chế.", True, True),
    ("IV", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", None, "Nhiệm vụ trọng tâm thời gian tới.", False, True),
    (
        "V",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
        None,
        "Đề xuất, kiến nghị với UBND tỉnh, Sở Nội vụ và các cơ quan liên quan.",
        True,
        True,
    ),
]
PART_KEYS = [key for key, *_rest in PARTS]
OFFICE_KEYS = [key for key, _h, _d, _p, office, _e in PARTS if office]

# the appendices, by table key (reports.figures.build_tables numbers them in this order)
APPENDIX = {"tasks": "I", "units": "II", "06a": "III", "766": "IV", "feedback": "V", "sipas": "VI", "targets": "VII"}


@dataclass
class Part:
    key: str
    heading: str
    prompt: str
    auto: list[str] = field(default_factory=list)  # written by the system (or the Office's edit of it)
    text: str = ""  # the Office's text
    editable: bool = True
    office: bool = False  # the Office must write it: no system text stands for it
    system_edited: bool = False  # `auto` is the Office's edited version of the system's paragraphs
    generated: list[str] = field(default_factory=list)  # the system's own paragraphs, before any edit

    @property
    def paragraphs(self) -> list[str]:
        """The Office's text as paragraphs (a blank line or a line break separates them)."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    @property
    def missing(self) -> bool:
        return self.office and not self.paragraphs


# ---------------------------------------------------------------------------------------------------
# Words


def number(value: int | Decimal | None) -> str:
    return vi_number(value)


def percent(value: Decimal | int | None) -> str:
    return f"{vi_number(q2(Decimal(value)))}%" if value is not None else "chưa có số liệu"


def cutoff_phrase(figures: Figures) -> str:
    return f"tính đến hết ngày {figures.cutoff:%d/%m/%Y}"


def appendix_number(key: str, figures: Figures) -> str:
    table = figures.table(key)
    return table.number if table is not None and table.number else APPENDIX[key]


def appendix(key: str, figures: Figures) -> str:
    return f"(chi tiết tại Phụ lục {appendix_number(key, figures)})"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def plan_title(plan: PlanRef, agency: str = "") -> str:
    """'Kế hoạch số 125/KH-BQLKKTCK ngày 15/07/2026 [của …] nâng cao …' when issued by the
    cut-off, else 'dự thảo Kế hoạch …'."""
    subject = lower_first(strip_kind(plan.title))
    of = f" của {agency}" if agency else ""
    if plan.issued:
        number_text = f" số {plan.number}" if plan.number else ""
        day = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
        return f"Kế hoạch{number_text}{day}{of} {subject}"
    return f"dự thảo Kế hoạch{of} {subject}"


def plan_name(figures: Figures) -> str:
    return plan_title(figures.plan) if figures.plan is not None else ""


def tasks_sentence(subject: str, counts: TaskCounts, figures: Figures, detail: str = "", what: str = "") -> str:
    """'{subject} 12 nhiệm vụ; đã hoàn thành 5 nhiệm vụ (41,67%), …' with no zero phrases."""
    if counts.done:
        done = f"đã hoàn thành {number(counts.done)} nhiệm vụ ({percent(counts.done_percent)})"
        if counts.done_late:
            done += f", trong đó {number(counts.done_late)} nhiệm vụ hoàn thành sau thời hạn"
    else:
        done = "chưa có nhiệm vụ hoàn thành"
    text = f"{subject} {number(counts.total)} nhiệm vụ{what}; {done}"
    if counts.open and counts.done:
        text += f"; {number(counts.open)} nhiệm vụ đang thực hiện"
    if counts.overdue:
        text += f", trong đó {number(counts.overdue)} nhiệm vụ đã quá thời hạn"
    return text + f" (số liệu {cutoff_phrase(figures)}{detail})."


def task_done_line(line: TaskLine) -> str:
    text = f"- {line.title} ({line.unit}, hoàn thành ngày {line.completed_on:%d/%m/%Y})"
    if line.product:
        text += f"; sản phẩm: {lower_first(line.product.rstrip('.'))}"
    if line.evidence:
        text += "; văn bản: " + ", ".join(e.text for e in line.evidence)
    return text + "."


def task_open_line(line: TaskLine) -> str:
    deadline = f", thời hạn {line.deadline:%d/%m/%Y}" if line.deadline else ""
    return f"- {line.title} ({line.unit}{deadline})."


def lines_of(figures: Figures, group: int | str | None) -> list[TaskLine]:
    return [line for line in figures.task_lines if line.group == group]


def done_in_window(lines: list[TaskLine], figures: Figures) -> list[TaskLine]:
    return [
        line
        for line in lines
        if line.completed_on is not None and figures.period.start <= line.completed_on <= figures.cutoff
    ]


def overdue(lines: list[TaskLine], figures: Figures) -> list[TaskLine]:
    return sorted(
        (line for line in lines if line.overdue_at(figures.cutoff)), key=lambda line: (line.deadline, line.code)
    )


def tasks_block(figures: Figures, group: int | str | None, *, counted: bool = True) -> list[str]:
    """A domain's tasks: planned (count), done in the window (products, evidence), overdue."""
    lines = lines_of(figures, group)
    if not lines:
        return []
    out = []
    if counted:
        counts = TaskCounts()
        for line in lines:
            counts.add(line, figures.cutoff)
        subject = "Kế hoạch có" if group == SIPAS_GROUP else "Kế hoạch giao lĩnh vực này"
        what = " nâng cao Chỉ số SIPAS" if group == SIPAS_GROUP else ""
        out.append(tasks_sentence(subject, counts, figures, what=what))
    which = "Các nhiệm vụ khác" if group is None else "Các nhiệm vụ"  # part I lists the other tasks after its own
    done = done_in_window(lines, figures)
    if done:
        out.append(f"{which} hoàn thành trong kỳ ({figures.window_text}):")
        out += [task_done_line(line) for line in done]
    late = overdue(lines, figures)
    if late:
        out.append(f"{which} đã quá thời hạn nhưng chưa hoàn thành tại ngày {figures.cutoff:%d/%m/%Y}:")
        out += [task_open_line(line) for line in late]
    return out


# ---------------------------------------------------------------------------------------------------
# The parts


def _direction(figures: Figures) -> list[str]:
    """Part I: the plan, its tasks; the window's inspections, news, evidence, citizen receptions."""
    lines = []
    who = figures.agency_short
    plan = figures.plan
    if plan is not None and plan.issued:
        lines.append(
            f"{who} đã ban hành {plan_name(figures)} để triển khai công tác cải cách hành chính năm {plan.year}."
        )
    elif plan is not None:
        lines.append(
            f"Tại ngày {figures.cutoff:%d/%m/%Y}, {who} đang xây dựng Kế hoạch cải cách hành chính năm "
            f"{plan.year}; các nhiệm vụ dưới đây là nhiệm vụ của {plan_name(figures)}."
        )
    else:
        lines.append(
            f"Tại ngày {figures.cutoff:%d/%m/%Y}, {who} chưa có kế hoạch cải cách hành chính năm "
            f"{figures.period.year} trên hệ thống."
        )
    if figures.tasks.total:
        by_domain, by_unit = appendix_number("tasks", figures), appendix_number("units", figures)
        detail = f"; chi tiết tại Phụ lục {by_domain} và Phụ lục {by_unit}"
        subject = "Kế hoạch có" if plan is not None and plan.issued else "Dự thảo Kế hoạch có"
        lines.append(tasks_sentence(subject, figures.tasks, figures, detail))
    activity = []
    if figures.inspections:
        activity.append(f"tổ chức {number(figures.inspections)} cuộc kiểm tra công tác cải cách hành chính")
    if figures.posts:
        activity.append(
            f"đăng {number(figures.posts)} tin, bài tuyên truyền về cải cách hành chính trên Trang thông tin điện tử"
        )
    if figures.evidence_documents:
        activity.append(f"cập nhật {number(figures.evidence_documents)} văn bản, tài liệu kiểm chứng lên hệ thống")
    if activity:
        lines.append(f"Trong kỳ, {who} đã " + "; ".join(activity) + ".")
    if not figures.inspections:
        lines.append("Trong kỳ chưa tổ chức kiểm tra công tác cải cách hành chính.")
    fb = figures.feedback
    if fb.sessions:
        leader = f", trong đó người đứng đầu chủ trì {number(fb.by_leader)} buổi" if fb.by_leader else ""
        people = f", tiếp {number(fb.people)} lượt người" if fb.people else ""
        lines.append(
            f"Tổ chức {number(fb.sessions)} buổi tiếp công dân{people}{leader} {appendix('feedback', figures)}."
        )
    return lines + tasks_block(figures, ParDomain.DIRECTION, counted=False) + tasks_block(figures, None, counted=False)


def indicator_phrase(figures: Figures, key: str, base: str) -> str | None:
    i = figures.indicator(key)
    if i is None or i.rate is None:
        return None
    return f"{percent(i.rate)} ({number(i.numerator)}/{number(i.denominator)} {base})"


def _procedures(figures: Figures) -> list[str]:
    """Part II.2: biểu 06a, the 766 indicators, feedback — each figure once, as in its appendix."""
    d = figures.one_stop
    out = []
    if d.total:
        received = d.online + d.offline
        text = (
            f"Giải quyết TTHC ({figures.window_text}): tổng số hồ sơ {number(d.total)}, trong đó "
            + (
                f"tiếp nhận trong kỳ {number(received)} hồ sơ (nộp trực tuyến {number(d.online)}; "
                f"trực tiếp, qua bưu chính {number(d.offline)})"
                if received
                else "không có hồ sơ tiếp nhận mới"
            )
            + (f", kỳ trước chuyển qua {number(d.carried)}" if d.carried else "")
            + "."
        )
        out.append(text)
        parts = []
        if d.resolved:
            parts.append(
                f"đã giải quyết {number(d.resolved)} hồ sơ (trước hạn {number(d.early)}, đúng hạn "
                f"{number(d.on_time)}, quá hạn {number(d.late)})"
            )
        if d.pending:
            parts.append(
                f"đang giải quyết {number(d.pending)} hồ sơ (trong hạn {number(d.pending_in_time)}, quá hạn "
                f"{number(d.pending_late)})"
            )
        if parts:
            out.append(f"Tại ngày {figures.cutoff:%d/%m/%Y}: " + "; ".join(parts) + f" {appendix('06a', figures)}.")
    else:
        out.append(
            f"Trong kỳ ({figures.window_text}), {figures.agency_short} không có hồ sơ TTHC tiếp nhận, giải quyết."
        )
    rated = []
    on_time = indicator_phrase(figures, "on_time_rate", "hồ sơ")
    if on_time:
        rated.append(f"chỉ số 2.1 (hồ sơ giải quyết trước hạn, đúng hạn) đạt {on_time}")
    online = indicator_phrase(figures, "online_rate", "hồ sơ tiếp nhận trong kỳ")
    if online:
        rated.append(f"chỉ số 3.3 (hồ sơ nộp trực tuyến và nhận kết quả điện tử) đạt {online}")
    digit = indicator_phrase(figures, "digitization_rate", "hồ sơ tiếp nhận trong kỳ")
    if digit:
        rated.append(f"chỉ số 4.2 (hồ sơ được số hóa) đạt {digit}")
    satisfaction = figures.indicator("tthc_satisfaction")
    if satisfaction is not None and satisfaction.rate is not None:
        rated.append(
            "chỉ số 5.4 (mức độ hài lòng, tính từ chỉ số 2.1 và tỷ lệ hồ sơ bị phản ánh) đạt "
            + percent(satisfaction.rate)
        )
    if rated:
        out.append(
            "Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg do hệ thống tính trên số liệu của kỳ: "
            + "; ".join(rated)
            + f" {appendix('766', figures)}."
        )
    if d.online and online:
        out.append(
            f"Số hồ sơ nộp trực tuyến tại biểu 06a ({number(d.online)}) gồm cả hồ sơ trực tuyến trả kết quả giấy; "
            "chỉ số 3.3 chỉ tính hồ sơ nộp trực tuyến và nhận kết quả điện tử."
        )
    fb = figures.feedback
    if fb.received or fb.handled:
        text = f"Phản ánh, kiến nghị: tiếp nhận trong kỳ {number(fb.received)} phản ánh, kiến nghị"
        handled = indicator_phrase(figures, "feedback_on_time_rate", "phản ánh, kiến nghị phải xử lý trong kỳ")
        if handled:
            text += f"; chỉ số 5.2 ({lower_first(FEEDBACK_ON_TIME)}) đạt {handled}"
        satisfied = indicator_phrase(figures, "feedback_satisfaction", "phản ánh, kiến nghị tiếp nhận trong kỳ")
        if satisfied:
            text += f"; chỉ số 5.3 ({lower_first(FEEDBACK_SATISFIED)}) đạt {satisfied}"
        out.append(text + f" {appendix('feedback', figures)}.")
    else:
        out.append(
            f"Trong kỳ, {figures.agency_short} không nhận được phản ánh, kiến nghị về quy định hành chính, TTHC."
        )
    return out


def _digital(figures: Figures) -> list[str]:
    """Part II.6: what the registers hold on online service (the 766 indicators 3.3, 3.6, 4.1, 4.3)."""
    phrases = []
    for key, code, what, base in (
        ("online_payment_rate", "3.6", "hồ sơ thanh toán trực tuyến", "hồ sơ có phí, lệ phí"),
        ("e_result_rate", "4.1", "hồ sơ trả kết quả điện tử", "hồ sơ trả kết quả giấy"),
        ("reuse_rate", "4.3", "hồ sơ tái sử dụng dữ liệu đã số hóa", "hồ sơ tiếp nhận trong kỳ"),
    ):
        value = indicator_phrase(figures, key, base)
        if value:
            phrases.append(f"chỉ số {code} ({what}) đạt {value}")
    if not phrases:
        return []
    return ["Dịch vụ công trực tuyến và số hóa: " + "; ".join(phrases) + f" {appendix('766', figures)}."]


def _sipas(figures: Figures) -> list[str]:
    """Part II.7: SIPAS tasks; the index over its own whole period, with its base."""
    lines = tasks_block(figures, SIPAS_GROUP)
    s = figures.sipas
    if s.overall is not None:
        base = f" trên {number(s.responses)} phiếu" if s.responses else ""
        lines.append(
            f"Kết quả khảo sát do {figures.agency_short} tự thực hiện, {s.period_text}: Chỉ số hài lòng về "
            f"sự phục vụ hành chính đạt {percent(s.overall)}{base} {appendix('sipas', figures)}."
        )
    elif s.period_text:
        lines.append(
            f"Chỉ số hài lòng theo kết quả khảo sát {s.period_text} và các kỳ trước trong năm chưa được công "
            "bố: chưa đủ số phiếu tối thiểu, hoặc công bố sẽ làm lộ câu trả lời của một nhóm nhỏ người trả lời."
        )
    else:
        lines.append("Chưa có kỳ khảo sát trọn vẹn nào kết thúc trong kỳ báo cáo để công bố chỉ số hài lòng.")
    return lines


def par_sentence(figures: Figures) -> list[str]:
    par = figures.par
    if par is None:
        return []
    index = f" ({percent(par.index)})" if par.index is not None else ""
    lost = f"số điểm bị mất {number(par.lost_total)} điểm" if par.lost_total else "chưa có tiêu chí bị mất điểm"
    unscored = (
        f"; còn {number(par.unscored)} tiêu chí chưa chấm điểm ({number(par.unscored_max)} điểm)"
        if par.unscored
        else ""
    )
    lines = [
        f"Chỉ số cải cách hành chính năm {par.year} ({par.stage_text}): {number(par.points)}/{number(par.max)} "
        f"điểm{index}; {lost}{unscored}."
    ]
    if par.lost:
        lines.append("Các tiêu chí bị mất nhiều điểm nhất:")
        lines += [f"- {row.code} {row.name}: mất {number(row.lost)}/{number(row.max)} điểm." for row in par.lost]
    return lines


def _assessment(figures: Figures) -> list[str]:
    """Part III's factual paragraph: the plan's completion, the PAR score with its stage."""
    lines = []
    t = figures.tasks
    if t.total:
        text = f"Đến hết ngày {figures.cutoff:%d/%m/%Y}, " + (
            f"đã hoàn thành {number(t.done)}/{number(t.total)} nhiệm vụ của Kế hoạch ({percent(t.done_percent)})"
            if t.done
            else f"chưa có nhiệm vụ nào của Kế hoạch hoàn thành ({number(t.total)} nhiệm vụ)"
        )
        text += f"; {number(t.overdue)} nhiệm vụ đã quá thời hạn." if t.overdue else "; không có nhiệm vụ quá thời hạn."
        lines.append(text)
    return lines + targets_sentence(figures) + par_sentence(figures)


# the statuses of the plan's targets, in the order the sentence names them
TARGET_COUNTS = (
    ("on_track", "đạt hoặc đúng tiến độ"),
    ("at_risk", "có nguy cơ không đạt"),
    ("off_track", "không đạt hoặc chậm tiến độ"),
    ("no_data", "chưa có số liệu"),
)


def targets_sentence(figures: Figures) -> list[str]:
    """The plan's targets at the cut-off, counted by status (the appendix lists them)."""
    if not figures.targets:
        return []
    by_status: dict[str, int] = {}
    for line in figures.targets:
        by_status[line.status] = by_status.get(line.status, 0) + 1
    parts = [f"{number(by_status[key])} chỉ tiêu {label}" for key, label in TARGET_COUNTS if by_status.get(key)]
    return [
        f"Kết quả thực hiện {number(len(figures.targets))} chỉ tiêu của Kế hoạch {cutoff_phrase(figures)}: "
        f"{', '.join(parts)} {appendix('targets', figures)}."
    ]


def _next_period(figures: Figures) -> list[str]:
    """Part IV: the tasks of the next period (due after the cut-off, by the next report's window
    end, or recurring or without a deadline) and the overdue tasks to finish, apart; a year
    report also names the next year's plan."""
    cutoff, until = figures.cutoff, next_period_end(figures.period)
    open_lines = [line for line in figures.task_lines if not line.done]
    coming = sorted(
        (line for line in open_lines if line.recurring or line.deadline is None or cutoff <= line.deadline <= until),
        key=lambda line: (line.deadline or until, line.code),
    )
    late = overdue(open_lines, figures)
    coming = [line for line in coming if line not in late]
    out = []
    if coming:
        out.append(f"1. Các nhiệm vụ thực hiện trong kỳ tới (đến ngày {until:%d/%m/%Y}):")
        out += [task_open_line(line) for line in coming]
    if late:
        out.append(f"{2 if coming else 1}. Các nhiệm vụ đã quá thời hạn, cần tập trung hoàn thành:")
        out += [task_open_line(line) for line in late]
    if figures.period.kind == "year" and figures.next_plan is not None:
        plan = figures.next_plan
        if plan.issued:
            out.append(f"Triển khai {plan_title(plan)} ({number(figures.next_plan_tasks)} nhiệm vụ).")
        else:
            out.append(f"Hoàn thành, ban hành Kế hoạch cải cách hành chính năm {plan.year}.")
    return out


WRITERS: dict[str, Callable[[Figures], list[str]]] = {
    "II.2": _procedures,
    "II.6": _digital,
    "II.7": _sipas,
    "III": _assessment,
    "IV": _next_period,
}


def auto_lines(key: str, domain: int | None, figures: Figures) -> list[str]:
    """The paragraphs the system writes in a part: part I's direction; a PAR domain's tasks
    (planned, done, overdue), then what the part adds (figures, SIPAS, assessment, next tasks)."""
    if key == "I":
        return _direction(figures)
    lines = tasks_block(figures, domain) if domain is not None else []
    writer = WRITERS.get(key)
    lines = lines + writer(figures) if writer is not None else lines
    if domain is not None and not lines:
        name = lower_first(DOMAIN_NAMES.get(ParDomain(domain), ""))
        lines = [f"Kế hoạch cải cách hành chính năm {figures.period.year} không giao nhiệm vụ về {name}."]
    return lines


def parts(figures: Figures, texts: dict[str, str]) -> list[Part]:
    """The report's parts with what the system writes and the Office's text (by part key)."""
    out = []
    for key, heading, domain, prompt, office, editable in PARTS:
        generated = [] if office else auto_lines(key, domain, figures)
        edited = texts.get(key + SYSTEM)
        system_edited = edited is not None and not office and editable
        auto = [line.strip() for line in (edited or "").splitlines() if line.strip()] if system_edited else generated
        out.append(
            Part(
                key,
                heading,
                prompt,
                auto=auto,
                text=texts.get(key, "") if editable else "",
                editable=editable,
                office=office,
                system_edited=system_edited,
                generated=generated,
            )
        )
    return out


def missing_parts(figures: Figures, texts: dict[str, str]) -> list[Part]:
    """The parts the Office must write and has not: no file is made while there is one."""
    return [part for part in parts(figures, texts) if part.missing]


# ---------------------------------------------------------------------------------------------------
# The legal basis at the top of the report


DATE_IN_TEXT = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def _dated_after(text: str, day: dt.date) -> bool:
    match = DATE_IN_TEXT.search(text)
    if not match:
        return False
    try:
        found = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return False
    return found > day


def basis_from(plan: PlanRef | None, agency_name: str, cutoff: dt.date) -> list[str]:
    """The legal basis built only from data: the province's document the plan answers (its legal
    basis) and the agency's plan, each when dated by the cut-off."""
    lines: list[str] = []
    if plan is None:
        return lines
    for raw in plan.legal_basis.splitlines():
        text = raw.strip().strip(";.").strip()
        text = re.sub(r"^(Căn cứ|Thực hiện)\s+", "", text, flags=re.IGNORECASE)
        if text and not _dated_after(text, cutoff):
            lines.append(f"Thực hiện {text};")
    if plan.issued:
        lines.append(f"Căn cứ {plan_title(plan, agency_name)};")
    return lines


def basis_lines(figures: Figures) -> list[str]:
    return basis_from(figures.plan, figures.agency_name, figures.cutoff)
