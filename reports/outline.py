"""The parts of a periodic CCHC report (reports_nd30.md §2): for each, the paragraphs the system
writes from the figures (each number with its period and source) and the Office's own text,
edited in the page before export. The same parts feed the page, the DOCX and the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.nd30 import strip_kind
from core.numbers import q2, vi_number
from plans.models import ParDomain
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


def _percent(value) -> str:
    return f"{vi_number(q2(Decimal(value)))}%" if value is not None else "chưa có số liệu"


def _tasks_sentence(label: str, counts: TaskCounts | None, end) -> str | None:
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


def _done_lines(tasks) -> list[str]:
    lines = []
    for task in tasks:
        product = f": {task.expected_product}" if task.expected_product else ""
        lines.append(f"- {task.title} ({task.lead_unit.name}, hoàn thành ngày {task.completed_on:%d/%m/%Y}){product}.")
    return lines


def parts(figures: Figures, texts: dict[str, str]) -> list[Part]:  # noqa: C901, PLR0912
    end = figures.period.end
    window = figures.period.window_text()
    plan = figures.plan
    out = []
    for key, heading, domain, prompt in PARTS:
        part = Part(key, heading, prompt, text=texts.get(key, ""), editable=key != "II")
        if key == "I":
            if plan is not None:
                number = f" số {plan.number}" if plan.number else ""
                issued = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
                subject = strip_kind(plan.title)
                part.auto.append(f"Cơ quan đã ban hành Kế hoạch{number}{issued} {subject[:1].lower()}{subject[1:]}.")
                sentence = _tasks_sentence("Tổng số nhiệm vụ của Kế hoạch", figures.tasks, end)
                if sentence:
                    part.auto.append(sentence)
                if figures.tasks.at_risk:
                    part.auto.append(
                        f"Có {vi_number(figures.tasks.at_risk)} nhiệm vụ có nguy cơ chậm tiến độ tại thời điểm "
                        "lập báo cáo, đã được đôn đốc."
                    )
            else:
                part.auto.append(f"Chưa có kế hoạch CCHC năm {figures.period.year} trên hệ thống.")
            part.auto.append(
                f"Trong kỳ ({window}): {vi_number(figures.inspections)} cuộc kiểm tra CCHC; "
                f"{vi_number(figures.posts)} tin, bài tuyên truyền CCHC đăng trên Trang thông tin điện tử; "
                f"{vi_number(figures.evidence_documents)} tài liệu kiểm chứng được cập nhật; "
                f"{vi_number(figures.receptions['sessions'])} buổi tiếp công dân "
                f"({vi_number(figures.receptions['by_leader'])} buổi do người đứng đầu chủ trì)."
            )
        if domain is not None and key != "I":
            sentence = _tasks_sentence("Nhiệm vụ của lĩnh vực", figures.by_domain.get(domain), end)
            if sentence:
                part.auto.append(sentence)
        if domain is not None:
            done = figures.done_in_window.get(domain, [])
            if done:
                part.auto.append(f"Các nhiệm vụ hoàn thành trong kỳ ({window}):")
                part.auto += _done_lines(done)
        if key == "II.2":
            d = figures.dossiers
            part.auto.append(
                f"Giải quyết TTHC ({window}): tổng số hồ sơ {vi_number(d['received'])}; đã giải quyết "
                f"{vi_number(d['resolved'])}; đang giải quyết {vi_number(d['pending'])} (chi tiết tại Phụ lục)."
            )
            q = figures.quality
            on_time, online = q.get("on_time_rate"), q.get("online_rate")
            feedback_rate = q.get("feedback_on_time_rate")
            part.auto.append(
                f"Chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg, kỳ {figures.calendar_label}: "
                f"tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn {_percent(on_time.rate if on_time else None)}; "
                f"tỷ lệ hồ sơ trực tuyến {_percent(online.rate if online else None)}; tỷ lệ phản ánh, kiến nghị "
                f"xử lý đúng hạn {_percent(feedback_rate.rate if feedback_rate else None)}."
            )
            fb = figures.feedback
            part.auto.append(
                f"Tiếp nhận {vi_number(fb.received)} phản ánh, kiến nghị ({window}); trả lời đúng hạn "
                f"{_percent(fb.steps['answer'].rate)}; tỷ lệ người gửi hài lòng với kết quả trả lời "
                f"{_percent(fb.satisfaction)}."
            )
        if key == "II.7":
            done = figures.done_in_window.get("sipas", [])
            if done:
                part.auto.append(f"Các nhiệm vụ nâng cao Chỉ số SIPAS hoàn thành trong kỳ ({window}):")
                part.auto += _done_lines(done)
            sipas_when = figures.sipas_period_text or "chưa có kỳ khảo sát trọn vẹn"  # its own whole period
            if figures.sipas_overall is not None:
                part.auto.append(
                    f"Kết quả khảo sát do cơ quan tự thực hiện, {sipas_when}: Chỉ số hài lòng về sự phục vụ hành "
                    f"chính đạt {_percent(figures.sipas_overall)} trên {vi_number(figures.sipas_responses)} phiếu."
                )
            else:
                part.auto.append(f"Chưa đủ phiếu khảo sát để công bố chỉ số hài lòng, {sipas_when}.")
        if key == "III":
            if figures.tasks.total:
                part.auto.append(
                    f"Đến ngày {end:%d/%m/%Y}, cơ quan hoàn thành {_percent(figures.tasks.done_percent)} nhiệm vụ "
                    f"của Kế hoạch; {vi_number(figures.tasks.overdue)} nhiệm vụ quá hạn."
                )
            par = figures.par
            if par is not None:
                column = {
                    "self": "tự đánh giá",
                    "a1": "thẩm định",
                    "a2": "thẩm định lại",
                    "final": "kết quả chính thức",
                }[par["column"]]
                part.auto.append(
                    f"Chỉ số CCHC ({par['round'].name}, {column}): {vi_number(par['points'])}/"
                    f"{vi_number(par['max'])} điểm ({_percent(par['index'])}); tổng số điểm bị mất "
                    f"{vi_number(par['lost_total'])} điểm."
                )
                if par["lost"]:
                    part.auto.append("Các tiêu chí bị mất nhiều điểm nhất:")
                    part.auto += [
                        f"- {row.code} {row.name}: mất {vi_number(row.lost)}/{vi_number(row.max)} điểm."
                        for row in par["lost"]
                    ]
        if key == "IV" and figures.next_tasks:
            part.auto.append("Các nhiệm vụ chưa hoàn thành cần tập trung thực hiện:")
            part.auto += [
                f"- {task.title} ({task.lead_unit.name}"
                + (f", thời hạn {task.deadline:%d/%m/%Y}" if task.deadline else "")
                + ")."
                for task in figures.next_tasks[:30]
            ]
        out.append(part)
    return out
