"""What a periodic CCHC report says in numbers, read from the registers: the plan's tasks, evidence,
inspections and news in the report's data window; the 766 indicators of its calendar period; the
one-stop statistics table (biểu 06a) per field; feedback and citizen reception; SIPAS; the PAR
self-score and where points are lost. Every table carries its period and source
(reports_nd30.md §1-2). Values stay native (int, Decimal, date) so the DOCX, the XLSX and the page
format them each in their own way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from core.deadlines import END_OF_DAY, LOCAL
from core.models import Document
from core.numbers import HUNDRED, q2
from feedback import stats as feedback_stats
from feedback.metrics import agency_766
from feedback.models import Feedback
from plans.models import Inspection, ParDomain, Plan, PlanStatus, Task, TaskStatus
from portal.models import Post
from procedures.forms import INDICATOR_LABELS
from procedures.models import Dossier
from procedures.quality import ENDED
from procedures.selectors import period as calendar_period
from reports.periods import ReportPeriod
from scorecards.columns import compute
from scorecards.models import Scorecard
from scorecards.selectors import points_lost
from surveys import selectors as sipas

DONE = (TaskStatus.DONE, TaskStatus.DONE_LATE)
OTHER_TASKS = "Nhiệm vụ nâng cao Chỉ số SIPAS và nhiệm vụ khác"
NEXT_PERIOD_DAYS = 92  # "phương hướng kỳ tới": open tasks due within about a quarter after the window


@dataclass
class Table:
    key: str
    title: str
    period: str  # "từ ngày … đến ngày …"
    source: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[float]  # column widths in cm (DOCX, landscape annex: 24.7 cm of text width)
    total: list[Any] | None = None


@dataclass
class TaskCounts:
    total: int = 0
    done: int = 0  # by the window's end
    done_late: int = 0
    open: int = 0
    overdue: int = 0  # due before the window's end, not done by then
    cancelled: int = 0
    at_risk: int = 0  # flagged now

    @property
    def done_percent(self) -> Decimal | None:
        return q2(Decimal(self.done) * HUNDRED / self.total) if self.total else None


@dataclass
class Figures:
    period: ReportPeriod
    calendar_label: str  # the 766 period, e.g. "quý I năm 2026 (01/01/2026 – 31/03/2026)"
    plan: Plan | None
    tasks: TaskCounts
    by_domain: dict[int | None, TaskCounts]  # None: tasks without a PAR domain (SIPAS, organisation)
    done_in_window: dict[int | str | None, list[Task]]  # PAR domain, "sipas" or None (other) -> tasks
    next_tasks: list[Task]
    evidence_documents: int
    inspections: int
    posts: int
    receptions: dict[str, int]
    quality: dict[str, Any]  # 766 key -> procedures.quality.Figure
    dossiers: dict[str, int]
    feedback: feedback_stats.Stats
    sipas_overall: Decimal | None
    sipas_responses: int
    par: dict[str, Any] | None
    tables: list[Table] = field(default_factory=list)
    sipas_period_text: str = ""  # the whole period SIPAS is computed over (not the data window)


def _window_end(end: dt.date) -> dt.datetime:
    return dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL)


def _window_start(start: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL)


def task_counts(tasks, end: dt.date) -> tuple[TaskCounts, dict[int | None, TaskCounts]]:
    """The tasks as they stood at the window's end: done (completed by then), overdue (due before
    it and not done by then), open; cancelled apart. One grouped query."""
    done_by_end = Q(status__in=DONE, completed_on__lte=end)
    rows = (
        tasks.order_by()
        .values("par_domain")
        .annotate(
            total=Count("pk", filter=~Q(status=TaskStatus.CANCELLED)),
            done=Count("pk", filter=done_by_end),
            done_late=Count("pk", filter=done_by_end & Q(status=TaskStatus.DONE_LATE)),
            overdue=Count(
                "pk",
                filter=~Q(status=TaskStatus.CANCELLED) & ~done_by_end & Q(deadline__lt=end, deadline__isnull=False),
            ),
            cancelled=Count("pk", filter=Q(status=TaskStatus.CANCELLED)),
            at_risk=Count("pk", filter=Q(at_risk=True) & ~Q(status__in=[*DONE, TaskStatus.CANCELLED])),
        )
    )
    overall, by_domain = TaskCounts(), {}
    for row in rows:
        counts = TaskCounts(
            total=row["total"],
            done=row["done"],
            done_late=row["done_late"],
            open=row["total"] - row["done"],
            overdue=row["overdue"],
            cancelled=row["cancelled"],
            at_risk=row["at_risk"],
        )
        by_domain[row["par_domain"]] = counts
        for name in ("total", "done", "done_late", "open", "overdue", "cancelled", "at_risk"):
            setattr(overall, name, getattr(overall, name) + getattr(counts, name))
    return overall, by_domain


def one_stop_rows(qs, start: dt.date, end: dt.date) -> list[list[Any]]:
    """Biểu 06a per field: received (total, online in the window, in person or by post in the
    window, carried over), resolved in the window (total, early, on time, late), pending at its end
    (total, within time, overdue). Resolved means really ended (a result, a refusal, a stop, a
    withdrawal) within the window, early, on time or late as the 766 rule says (the stored
    progress outcome); pending is everything else received by the end, overdue when the 766 rule
    already calls it late (e.g. a second supplement request) or its late date has come. One
    grouped query."""
    first, last = _window_start(start), _window_end(end)
    ended = Q(status__in=sorted(ENDED))
    ended_before = ended & Q(finished_at__lt=first)
    in_scope = Q(received_at__lte=last) & ~ended_before
    new = Q(received_at__gte=first, received_at__lte=last)
    resolved = ended & Q(finished_at__gte=first, finished_at__lte=last)
    pending = in_scope & ~resolved
    late_at_end = Q(progress_outcome="late") | Q(late_from__lte=end)
    rows = (
        qs.filter(in_scope)
        .order_by()
        .values("procedure__field")
        .annotate(
            received=Count("pk"),
            online=Count("pk", filter=new & Q(channel="online")),
            offline=Count("pk", filter=new & ~Q(channel="online")),
            carried=Count("pk", filter=Q(received_at__lt=first)),
            resolved=Count("pk", filter=resolved),
            early=Count("pk", filter=resolved & Q(progress_outcome="early")),
            late=Count("pk", filter=resolved & Q(progress_outcome="late")),
            pending=Count("pk", filter=pending),
            pending_late=Count("pk", filter=pending & late_at_end),
        )
        .order_by("procedure__field")
    )
    out = []
    for row in rows:
        on_time = row["resolved"] - row["early"] - row["late"]
        out.append(
            [
                row["procedure__field"] or "Khác",
                row["received"],
                row["online"],
                row["offline"],
                row["carried"],
                row["resolved"],
                row["early"],
                on_time,
                row["late"],
                row["pending"],
                row["pending"] - row["pending_late"],
                row["pending_late"],
            ]
        )
    return out


def _sum_columns(rows: list[list[Any]], label: str) -> list[Any]:
    if not rows:
        return [label] + [0] * 11
    return [label] + [sum(row[i] for row in rows) for i in range(1, len(rows[0]))]


def par_summary(agency, year: int) -> dict[str, Any] | None:
    """The agency's scorecard of the newest round of the year (else the year before): its
    self-score (or the newest column with points) and the five criteria losing the most points."""
    card = (
        Scorecard.objects.filter(agency=agency, round__year__in=[year, year - 1])
        .select_related("round", "round__criteria_set")
        .order_by("-round__year", "-round__pk")
        .first()
    )
    if card is None:
        return None
    results = compute(card.round.criteria_set.parsed(), list(card.scores.all()))
    column = next((c for c in ("final", "a2", "a1", "self") if results[c].total), "self")
    result = results[column]
    lost = points_lost(card, column)
    return {
        "round": card.round,
        "column": column,
        "points": q2(result.total),
        "max": q2(result.applicable_max),
        "index": q2(result.index_percent) if result.index_percent is not None else None,
        "lost": lost[:5],
        "lost_total": q2(sum((row.lost for row in lost), Decimal(0))),
    }


@dataclass
class SipasFigures:
    """SIPAS over a whole period only (issue 18 H2): the report's calendar period when it has
    ended, else the latest ended whole period inside it; `text` says which."""

    period: Any  # surveys.disclosure.Period | None
    result: Any  # surveys Result | None
    text: str

    @property
    def overall(self) -> Decimal | None:
        sipas_result = self.result
        sipas_shown = sipas_result is not None and sipas_result.overall is not None
        return q2(sipas_result.overall) if sipas_shown else None

    @property
    def count(self) -> int:
        sipas_result = self.result
        return sipas_result.n if sipas_result is not None and sipas_result.n is not None else 0


def sipas_figures(agency, period: ReportPeriod) -> SipasFigures:
    today = dt.datetime.now(tz=LOCAL).date()
    sipas_period = sipas.published_period(period.calendar_kind, period.year, period.calendar_number, today)
    sipas_result = sipas.agency_result(agency.pk, sipas_period, today=today)
    sipas_text = (
        f"Số liệu {sipas_period.text}: kỳ trọn vẹn gần nhất (kết quả khảo sát chỉ tính theo tháng, quý, "
        "6 tháng, 9 tháng, năm hoặc đợt khảo sát, không theo khung số liệu báo cáo)"
        if sipas_period
        else "Chưa có kỳ khảo sát trọn vẹn nào kết thúc trong kỳ báo cáo"
    )
    return SipasFigures(sipas_period, sipas_result, sipas_text)


def report_plan(agency, year: int) -> Plan | None:
    """The plan a report speaks of: the year's newest issued plan, else its newest draft."""
    plans = Plan.objects.filter(agency=agency, year=year).order_by("-pk")
    return plans.filter(status=PlanStatus.ISSUED).first() or plans.first()


def done_in_window(tasks, start: dt.date, end: dt.date) -> dict[int | str | None, list[Task]]:
    """Tasks completed in the window by PAR domain ("sipas" for SIPAS tasks, None for the others)."""
    out: dict[int | str | None, list[Task]] = {}
    done = tasks.filter(status__in=DONE, completed_on__gte=start, completed_on__lte=end)
    for task in done.select_related("lead_unit").order_by("code"):
        group = task.par_domain or ("sipas" if task.sipas_element else None)
        out.setdefault(group, []).append(task)
    return out


def next_tasks(tasks, end: dt.date) -> list[Task]:
    """Open tasks without a deadline or due within about a quarter after the window."""
    return list(
        tasks.exclude(status__in=[*DONE, TaskStatus.CANCELLED])
        .filter(Q(deadline__isnull=True) | Q(deadline__lte=end + dt.timedelta(days=NEXT_PERIOD_DAYS)))
        .select_related("lead_unit")
        .order_by("deadline", "code")
    )


def activity(agency, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Evidence documents filed, inspections, news posts and citizen receptions in the window."""
    first, last = _window_start(start), _window_end(end)
    return {
        "evidence_documents": Document.objects.filter(
            agency=agency, created_at__gte=first, created_at__lte=last
        ).count(),
        "inspections": Inspection.objects.filter(agency=agency, inspected_on__gte=start, inspected_on__lte=end).count(),
        "posts": Post.objects.filter(agency=agency, published_at__gte=first, published_at__lte=last).count(),
        "receptions": feedback_stats.receptions(agency, start, end),
    }


def collect(agency, period: ReportPeriod) -> Figures:
    """Every figure of the report, its annex tables included."""
    start, end = period.start, period.end
    calendar = calendar_period(period.calendar_kind, period.year, period.calendar_number)
    plan = report_plan(agency, period.year)
    tasks = Task.objects.filter(plan=plan) if plan else Task.objects.none()
    overall, by_domain = task_counts(tasks, end)
    one_stop = one_stop_rows(Dossier.objects.filter(agency=agency), start, end)
    one_stop_total = _sum_columns(one_stop, "Tổng cộng")
    feedback = feedback_stats.compute(
        feedback_stats.period(Feedback.objects.filter(agency=agency, confirmed=True), start, end)
    )
    survey = sipas_figures(agency, period)
    figures = Figures(
        period=period,
        calendar_label=f"{calendar.label} ({calendar.start:%d/%m/%Y} – {calendar.end:%d/%m/%Y})",
        plan=plan,
        tasks=overall,
        by_domain=by_domain,
        done_in_window=done_in_window(tasks, start, end),
        next_tasks=next_tasks(tasks, end),
        **activity(agency, start, end),
        quality=agency_766(agency, calendar.start, calendar.end),
        dossiers={"received": one_stop_total[1], "resolved": one_stop_total[5], "pending": one_stop_total[9]},
        feedback=feedback,
        sipas_overall=survey.overall,
        sipas_responses=survey.count,
        par=par_summary(agency, period.year),
        sipas_period_text=survey.period.text if survey.period else "",
    )
    calendar_text = f"từ ngày {calendar.start:%d/%m/%Y} đến ngày {calendar.end:%d/%m/%Y}"
    figures.tables = [
        tasks_table(figures),
        quality_table(figures, calendar_text),
        one_stop_table(period.window_text(), one_stop, one_stop_total),
        feedback_table(figures),
        sipas_table(figures, survey),
    ]
    return figures


# The annex tables, in the report's order --------------------------------------------------------------


def tasks_table(figures: Figures) -> Table:
    plan, overall, end = figures.plan, figures.tasks, figures.period.end
    plan_source = f"Kế hoạch {plan.number}" if plan and plan.number else "Kế hoạch CCHC của cơ quan"
    domain_rows = [
        [str(ParDomain(d).label) if d is not None else OTHER_TASKS, c.total, c.done, c.done_late, c.open, c.overdue]
        for d, c in sorted(figures.by_domain.items(), key=lambda item: (item[0] is None, item[0] or 0))
        if c.total  # a domain whose tasks were all cancelled has nothing to report
    ]
    return Table(
        "tasks",
        "Kết quả thực hiện nhiệm vụ theo lĩnh vực cải cách",
        f"Số liệu tính đến ngày {end:%d/%m/%Y}",
        f"{plan_source}; hệ thống theo dõi nhiệm vụ",
        ["Lĩnh vực", "Số nhiệm vụ", "Đã hoàn thành", "Trong đó: hoàn thành trễ hạn", "Chưa hoàn thành", "Quá hạn"],
        domain_rows,
        [9.7, 3, 3, 3, 3, 3],
        total=["Tổng cộng", overall.total, overall.done, overall.done_late, overall.open, overall.overdue],
    )


def quality_table(figures: Figures, calendar_text: str) -> Table:
    return Table(
        "766",
        "Chỉ số chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        f"Kỳ đánh giá {calendar_text}",
        "Sổ theo dõi hồ sơ TTHC và sổ phản ánh, kiến nghị của cơ quan",
        ["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Điểm tối đa"],
        [
            [
                str(INDICATOR_LABELS[key]),
                None if f.derived else int(f.numerator),  # 5.4 is computed from other indicators: no counts
                None if f.derived else int(f.denominator),
                q2(f.rate) if f.rate is not None else None,
                q2(f.points) if f.points is not None else None,
                f.max_points if f.scored else None,  # the complaint rate is a part of 5.4, not scored
            ]
            for key, f in figures.quality.items()
        ],
        [10.7, 2.6, 2.6, 2.8, 3, 3],
    )


ONE_STOP_HEADER = [
    "Lĩnh vực",
    "Tổng số hồ sơ",
    "Trong kỳ: trực tuyến",
    "Trong kỳ: trực tiếp, bưu chính",
    "Kỳ trước chuyển qua",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Đang giải quyết",
    "Trong hạn",
    "Quá hạn",
]


def one_stop_table(window: str, rows: list[list[Any]], total: list[Any]) -> Table:
    return Table(
        "06a",
        "Tình hình, kết quả giải quyết TTHC (biểu 06a)",
        f"Số liệu {window}",
        "Sổ theo dõi hồ sơ TTHC của cơ quan",
        ONE_STOP_HEADER,
        rows,
        [4.7, 1.8, 1.8, 2, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8],
        total=total,
    )


def feedback_table(figures: Figures) -> Table:
    feedback, receptions = figures.feedback, figures.receptions
    return Table(
        "feedback",
        "Tiếp nhận, xử lý phản ánh, kiến nghị và tiếp công dân",
        f"Số liệu {figures.period.window_text()}",
        "Sổ phản ánh, kiến nghị và sổ tiếp công dân của cơ quan",
        ["Nội dung", "Số lượng", "Tỷ lệ (%)"],
        [
            ["Phản ánh, kiến nghị tiếp nhận", feedback.received, None],
            ["Trả lời đúng hạn", feedback.steps["answer"].on_time, feedback.steps["answer"].rate],
            ["Được đánh giá hài lòng", feedback.satisfied, feedback.satisfaction],
            ["Buổi tiếp công dân", receptions["sessions"], None],
            ["Lượt người được tiếp", receptions["people"], None],
            ["Buổi người đứng đầu tiếp công dân", receptions["by_leader"], None],
        ],
        [14.7, 5, 5],
    )


def sipas_table(figures: Figures, survey: SipasFigures) -> Table:
    sipas_result, sipas_count = survey.result, survey.count
    return Table(
        "sipas",
        "Kết quả khảo sát sự hài lòng (SIPAS) do cơ quan tự thực hiện",
        survey.text,
        "Phiếu khảo sát người dân, tổ chức sử dụng dịch vụ của cơ quan",
        ["Nội dung", "Số phiếu", "Chỉ số (%)"],
        [
            [
                "Chỉ số hài lòng về sự phục vụ hành chính",
                sipas_count if sipas_result is not None and not sipas_result.suppressed else "ẩn",
                figures.sipas_overall,
            ]
        ],
        [14.7, 5, 5],
    )
