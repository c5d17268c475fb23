"""What a periodic CCHC report says in numbers, read ONCE from the registers (`collect`) as of the
report's data cut-off: the plan's tasks, evidence, inspections and news, biểu 06a per field, the
Decision 766 indicators this system computes, feedback and citizen reception over the report's data
window (NĐ 09/2019: from the window's start to the cut-off); SIPAS over its own whole period; the
PAR score with its stage. Every table carries its period, its cut-off and its source
(reports_nd30.md §1-2).

The result (`Figures`) is plain data: values stay native (int, Decimal, date) so the DOCX, the XLSX
and the page format them each in their own way, and nothing that writes the report (outline,
documents, workbook, templating) reads the database again. `Figures.to_json()` /
`Figures.from_json()` round-trip it exactly: a report's snapshot (`Report.snapshot`,
`GeneratedFile.snapshot`) makes a file made later say the same (`for_report`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from core.deadlines import END_OF_DAY, LOCAL
from core.models import Document
from core.numbers import HUNDRED, q2, vi_number
from feedback import stats as feedback_stats
from feedback.metrics import figures_of
from feedback.models import Feedback
from plans.models import Inspection, ParDomain, Plan, PlanStatus, Task, TaskStatus
from portal.models import Post
from procedures.models import Dossier
from procedures.quality import ENDED
from procedures.selectors import conditions as dossier_conditions
from procedures.selectors import quality as dossier_quality
from reports.periods import ReportPeriod, report_period
from scorecards.columns import compute
from scorecards.models import Phase, Scorecard
from scorecards.selectors import points_lost
from surveys import selectors as sipas
from targets.models import Target
from targets.selectors import rows as target_rows

DONE = (TaskStatus.DONE, TaskStatus.DONE_LATE)
OTHER_TASKS = "Nhiệm vụ khác"  # tasks of no PAR domain and no SIPAS element (e.g. the Office's own)
SIPAS_TASKS = "Nhiệm vụ nâng cao Chỉ số SIPAS"
SIPAS_GROUP = "sipas"
# the PAR domains a report has a part for (II.1-II.6); direction (1) is part I, impact (8) none
DOMAIN_PARTS = (
    ParDomain.INSTITUTIONS,
    ParDomain.PROCEDURES,
    ParDomain.ORGANISATION,
    ParDomain.CIVIL_SERVICE,
    ParDomain.PUBLIC_FINANCE,
    ParDomain.DIGITAL_GOVERNMENT,
)
DOMAIN_NAMES = {
    ParDomain.DIRECTION: "Công tác chỉ đạo, điều hành",
    ParDomain.INSTITUTIONS: "Cải cách thể chế",
    ParDomain.PROCEDURES: "Cải cách thủ tục hành chính",
    ParDomain.ORGANISATION: "Cải cách tổ chức bộ máy",
    ParDomain.CIVIL_SERVICE: "Cải cách chế độ công vụ",
    ParDomain.PUBLIC_FINANCE: "Cải cách tài chính công",
    ParDomain.DIGITAL_GOVERNMENT: "Chính quyền điện tử, chính quyền số",
    ParDomain.IMPACT: "Tác động của cải cách hành chính",
}
# the report after each kind: where "the next period" (part IV) ends
NEXT_KIND = {"q1": ("half", 0), "half": ("q3", 0), "q3": ("year", 0), "nine": ("year", 0), "year": ("q1", 1)}
REMEDY_PREFIX = re.compile(r"^\s*(Khắc phục|Remedy)\s*:\s*", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------
# The plain data


@dataclass
class Table:
    key: str
    title: str
    period: str  # "Số liệu từ ngày … đến hết ngày … (ngày chốt số liệu)"
    source: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[float]  # column widths in cm (DOCX, landscape annex: 24.7 cm of text width)
    total: list[Any] | None = None
    number: str = ""  # the appendix's Roman numeral ("I")
    groups: list[list[Any]] | None = None  # a first header row: [label, span], spans add up to the columns
    notes: list[str] = field(default_factory=list)  # lines under the table (what the figures are)
    empty: str = "Không có số liệu trong kỳ"  # the one row of a table without rows
    right_from: int = 1  # the columns from this one on are numbers (right-aligned in the DOCX)
    centre: list[int] = field(default_factory=list)  # columns centred in the DOCX (codes, dates, statuses)


@dataclass
class TaskCounts:
    total: int = 0  # not cancelled
    done: int = 0  # completed by the cut-off
    done_late: int = 0
    open: int = 0
    overdue: int = 0  # due before the cut-off, not done by then

    @property
    def done_percent(self) -> Decimal | None:
        return q2(Decimal(self.done) * HUNDRED / self.total) if self.total else None

    def add(self, line: TaskLine, cutoff: dt.date) -> None:
        self.total += 1
        if line.done:
            self.done += 1
            self.done_late += int(line.late)
        else:
            self.open += 1
            self.overdue += int(line.overdue_at(cutoff))


@dataclass
class EvidenceRef:
    number: str  # "12/QĐ-BQLKKTCK"
    issued_on: dt.date | None
    abstract: str

    @property
    def text(self) -> str:
        head = f"số {self.number}" if self.number else self.abstract
        return head + (f" ngày {self.issued_on:%d/%m/%Y}" if self.issued_on else "")


@dataclass
class TaskLine:
    """A task of the plan as the report speaks of it, as it stood at the cut-off."""

    code: str
    title: str
    unit: str  # the lead unit's label (its short name, else its name)
    deadline: dt.date | None
    completed_on: dt.date | None  # only when completed by the cut-off
    product: str
    evidence: list[EvidenceRef]
    domain: int | None
    sipas: bool
    late: bool = False  # completed after its deadline
    recurring: bool = False

    @property
    def done(self) -> bool:
        return self.completed_on is not None

    @property
    def group(self) -> int | str | None:
        return self.domain or (SIPAS_GROUP if self.sipas else None)

    def overdue_at(self, cutoff: dt.date) -> bool:
        return not self.done and self.deadline is not None and self.deadline < cutoff


@dataclass
class PlanRef:
    number: str
    issued_on: dt.date | None
    title: str
    issued: bool  # issued by the cut-off
    year: int
    legal_basis: str = ""


@dataclass
class Indicator:
    """A Decision 766 indicator this system computes, over the report's data window."""

    key: str
    code: str  # "2.1"
    label: str
    numerator: int | None  # None: derived from other indicators (5.4)
    denominator: int | None
    rate: Decimal | None
    points: Decimal | None
    max_points: Decimal


@dataclass
class OneStop:
    """Biểu 06a's total row, named."""

    total: int = 0
    online: int = 0
    offline: int = 0
    carried: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    pending_in_time: int = 0
    pending_late: int = 0


@dataclass
class FeedbackFigures:
    received: int  # received in the window
    on_time: int  # 5.2: handled on time ...
    handled: int  # ... of those to handle in the window (received by the cut-off, not answered before)
    on_time_rate: Decimal | None
    satisfied: int  # 5.3: received in the window and none of unsatisfied, overdue, repeated
    satisfaction: Decimal | None
    sessions: int
    people: int
    by_leader: int


@dataclass
class LostLine:
    code: str
    name: str
    lost: Decimal
    max: Decimal


@dataclass
class ParFigures:
    round_name: str  # without "(minh họa)"
    year: int
    stage: str  # draft | submitted | appraised | published
    stage_text: str
    official: bool  # published: "kết quả chính thức"
    illustrative: bool
    points: Decimal
    max: Decimal
    index: Decimal | None
    lost_total: Decimal  # points lost on the criteria scored (an unscored one is not lost: it is to score)
    lost: list[LostLine]
    unscored: int = 0  # criteria with no value yet in the column shown, and their points
    unscored_max: Decimal = Decimal(0)


@dataclass
class SipasElement:
    code: str
    title: str
    index: Decimal | None
    responses: int | None


@dataclass
class SipasFigures:
    """SIPAS over a whole period only (issue 18 H2): the report's calendar period when it ended by
    the cut-off, else the latest ended whole period inside it; `text` says which."""

    period_text: str  # "quý I năm 2026 (01/01/2026 – 31/03/2026)", "" when none
    text: str
    overall: Decimal | None
    responses: int | None  # None: hidden (too few responses)
    elements: list[SipasElement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.responses or 0


@dataclass
class Point:
    """A target's value at a period end (its history, for the chart)."""

    day: dt.date
    value: Decimal


@dataclass
class TargetLine:
    """A target of the plan as it stood at the cut-off (targets.selectors.rows with today=cut-off):
    the same value and status as the targets' pages show for that day."""

    code: str
    name: str
    section: str
    unit: str
    direction: str
    baseline: Decimal | None
    baseline_label: str
    target: Decimal | None
    due: dt.date | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status: str  # on_track | at_risk | off_track | no_data
    as_of: dt.date | None
    history: list[Point] = field(default_factory=list)  # period-end values before the cut-off, oldest first

    @property
    def status_label(self) -> str:
        return TARGET_STATUS.get(self.status, self.status)

    @property
    def goal_text(self) -> str:
        """'≥ 95 %', '0 hồ sơ', 'Hoàn thành': the target as the plan states it."""
        unit = f" {self.unit}" if self.unit else ""
        if self.direction == "yes":
            return "Hoàn thành"
        if self.direction == "zero":
            return f"0{unit}"
        if self.target is None:
            return ""
        sign = {"at_least": "≥ ", "at_most": "≤ "}.get(self.direction, "")
        return f"{sign}{vi_number(self.target.normalize())}{unit}"

    @property
    def actual_text(self) -> str:
        """'45/50 (90,00 %)', '12', 'Đã hoàn thành', or 'Chưa có số liệu'."""
        if self.value is None:
            return "Chưa có số liệu"
        if self.direction == "yes":
            return "Đã hoàn thành" if self.value >= 1 else "Chưa hoàn thành"
        if self.numerator is not None and self.denominator is not None:
            return (
                f"{vi_number(self.numerator.normalize())}/{vi_number(self.denominator.normalize())} "
                f"({vi_number(self.value, 2)} %)"
            )
        unit = f" {self.unit}" if self.unit else ""
        return f"{vi_number(self.value.normalize())}{unit}"


# a target's status as the report writes it (a legal document: Vietnamese, not the UI's catalogue)
TARGET_STATUS = {
    "on_track": "Đạt hoặc đúng tiến độ",
    "at_risk": "Có nguy cơ không đạt",
    "off_track": "Không đạt hoặc chậm tiến độ",
    "no_data": "Chưa có số liệu",
}


@dataclass
class Figures:
    period: ReportPeriod
    cutoff: dt.date
    taken_at: dt.datetime
    agency_name: str
    agency_short: str  # "Ban Quản lý …": how the text names the agency
    calendar_label: str  # the 766 figures' span: the data window to the cut-off
    plan: PlanRef | None
    task_lines: list[TaskLine]
    next_plan: PlanRef | None  # the next year's plan, for a year report
    next_plan_tasks: int
    tasks: TaskCounts
    evidence_documents: int
    inspections: int
    posts: int
    receptions: dict[str, int]
    one_stop: OneStop
    indicators: list[Indicator]
    feedback: FeedbackFigures
    sipas: SipasFigures
    par: ParFigures | None
    tables: list[Table] = field(default_factory=list)
    # the plan's targets (issue 22); a snapshot frozen before them has none
    targets: list[TargetLine] = field(default_factory=list)

    # ---- derived, never stored

    @property
    def window_text(self) -> str:
        """'từ ngày 15/12/2025 đến hết ngày 14/03/2026'."""
        return f"từ ngày {self.period.start:%d/%m/%Y} đến hết ngày {self.cutoff:%d/%m/%Y}"

    @property
    def sipas_period_text(self) -> str:
        return self.sipas.period_text

    @property
    def sipas_overall(self) -> Decimal | None:
        return self.sipas.overall

    def indicator(self, key: str) -> Indicator | None:
        return next((i for i in self.indicators if i.key == key), None)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def by_group(self) -> dict[int | str | None, TaskCounts]:
        out: dict[int | str | None, TaskCounts] = {}
        for line in self.task_lines:
            out.setdefault(line.group, TaskCounts()).add(line, self.cutoff)
        return out

    # ---- the snapshot

    def to_json(self) -> dict:
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict) -> Figures:
        figures = _decode(data)
        if not isinstance(figures, cls):
            raise ValueError("not a report's figures")
        return figures


# ---------------------------------------------------------------------------------------------------
# JSON: dataclasses by name, Decimal and dates tagged, so that the round trip is exact

_TYPES: dict[str, type] = {}


def _register(*classes: type) -> None:
    for cls in classes:
        _TYPES[cls.__name__] = cls


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"$type": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy translations and the like: their text


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$datetime" in value:
        return dt.datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if "$dict" in value:
        return {_decode(k): _decode(v) for k, v in value["$dict"]}
    if "$type" in value:
        cls = _TYPES[value["$type"]]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: _decode(v) for k, v in value.items() if k in names})
    return {k: _decode(v) for k, v in value.items()}


_register(
    Table,
    TaskCounts,
    EvidenceRef,
    TaskLine,
    PlanRef,
    Indicator,
    OneStop,
    FeedbackFigures,
    LostLine,
    ParFigures,
    SipasElement,
    SipasFigures,
    Point,
    TargetLine,
    Figures,
    ReportPeriod,
)


# ---------------------------------------------------------------------------------------------------
# Reading the registers


def _first(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


def _last(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=LOCAL)


def cutoff_of(period: ReportPeriod, as_of: dt.date | None = None, *, today: dt.date | None = None) -> dt.date:
    """The data cut-off: `as_of` when given, else the window's end or today if that is earlier."""
    if as_of is not None:
        return as_of
    today = today or dt.datetime.now(tz=LOCAL).date()
    return min(period.end, today)


def report_plan(agency, year: int) -> Plan | None:
    """The plan a report speaks of: the year's newest issued plan, else its newest draft."""
    plans = Plan.objects.filter(agency=agency, year=year).order_by("-pk")
    return plans.filter(status=PlanStatus.ISSUED).first() or plans.first()


def plan_ref(plan: Plan | None, cutoff: dt.date) -> PlanRef | None:
    """The plan as the report may cite it: issued only when it was issued by the cut-off."""
    if plan is None:
        return None
    issued = plan.status == PlanStatus.ISSUED and (plan.issued_on is None or plan.issued_on <= cutoff)
    registered = bool(re.match(r"\s*\d+\s*/", plan.number or ""))  # "125/KH-…", not the bare symbol "/KH-…"
    return PlanRef(
        number=plan.number.strip() if issued and registered else "",
        issued_on=plan.issued_on if issued else None,
        title=plan.title,
        issued=issued,
        year=plan.year,
        legal_basis=plan.legal_basis,
    )


def remedy_title(title: str, finding: str | None) -> str:
    """A remediation task named as a task: 'Khắc phục tồn tại qua kiểm tra CCHC: …'."""
    if finding is None and not REMEDY_PREFIX.match(title):
        return title
    text = finding or REMEDY_PREFIX.sub("", title)
    text = text.strip().rstrip(".")
    return f"Khắc phục tồn tại qua kiểm tra CCHC: {text[:1].lower()}{text[1:]}"


def task_lines(plan: Plan | None, cutoff: dt.date) -> list[TaskLine]:
    """The plan's tasks (cancelled ones apart) as they stood at the cut-off, with their evidence
    documents (number and date) filed by then."""
    if plan is None:
        return []
    tasks = (
        Task.objects.filter(plan=plan)
        .exclude(status=TaskStatus.CANCELLED)
        # a remedy of an inspection held after the cut-off did not exist then
        .exclude(finding__inspection__inspected_on__gt=cutoff)
        .select_related("lead_unit", "finding")
        .prefetch_related("evidence_links__document")
        .order_by("code", "pk")
    )
    lines = []
    for task in tasks:
        done = task.status in DONE and task.completed_on is not None and task.completed_on <= cutoff
        finding = getattr(task, "finding", None)
        evidence = [
            EvidenceRef(link.document.doc_number, link.document.issued_on, link.document.abstract)
            for link in sorted(task.evidence_links.all(), key=lambda link: (link.document.issued_on or cutoff, link.pk))
            if link.document.created_at.astimezone(LOCAL).date() <= cutoff
        ]
        lines.append(
            TaskLine(
                code=task.code,
                title=remedy_title(task.title, finding.text if finding is not None else None),
                unit=task.lead_unit.label,
                deadline=task.deadline,
                completed_on=task.completed_on if done else None,
                product=(task.expected_product or "").strip(),
                evidence=evidence if done else [],
                domain=task.par_domain,
                sipas=bool(task.sipas_element),
                late=done
                and (
                    task.status == TaskStatus.DONE_LATE
                    or (task.deadline is not None and task.completed_on > task.deadline)
                ),
                recurring=bool(task.recurrence),
            )
        )
    return lines


def target_lines(plan: Plan | None, cutoff: dt.date) -> list[TargetLine]:
    """The plan's targets with their actual value and status as of the cut-off, read through
    targets.selectors.rows (one reading for the pages, the portal and the report)."""
    if plan is None:
        return []
    out = []
    for row in target_rows(Target.objects.filter(plan=plan), today=cutoff):
        t, actual = row.target, row.actual
        out.append(
            TargetLine(
                code=t.code,
                name=t.name,
                section=t.section,
                unit=t.unit,
                direction=t.direction,
                baseline=t.baseline,
                baseline_label=t.baseline_label,
                target=t.target_value,
                due=t.due_date,
                value=actual.value,
                numerator=actual.numerator,
                denominator=actual.denominator,
                status=row.status,
                as_of=actual.as_of,
                history=[Point(day, value) for day, value in row.history if day <= cutoff],
            )
        )
    return out


def one_stop_rows(qs, start: dt.date, end: dt.date) -> list[list[Any]]:
    """Biểu 06a per field as of `end` (the cut-off): received (total, online in the window, in
    person or by post in the window, carried over), resolved in the window (total, early, on
    time, late), pending at its end (total, within time, overdue). Resolved means really ended (a
    result, a refusal, a stop, a withdrawal) by the cut-off; a dossier ended after it is pending,
    and overdue exactly when indicator 2.1 counts it late at the cut-off (its late date had come,
    its clock stopped late at a supplement request, or a second request). One grouped query."""
    first, last = _first(start), _last(end)
    ended = Q(status__in=sorted(ENDED))
    ended_before = ended & Q(finished_at__lt=first)
    in_scope = Q(received_at__lte=last) & ~ended_before
    new = Q(received_at__gte=first, received_at__lte=last)
    resolved = ended & Q(finished_at__gte=first, finished_at__lte=last)
    pending = in_scope & ~resolved
    # overdue as the 766 indicator 2.1 judges it at the cut-off (one rule for both tables): a
    # dossier whose clock stopped at a supplement request keeps the outcome it had then
    progress, _received, _ratios = dossier_conditions(start, end, as_of=True)
    late_at_end = progress["late"]
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


FEEDBACK_ON_TIME = "Phản ánh, kiến nghị được xử lý đúng hạn"
FEEDBACK_SATISFIED = "Phản ánh, kiến nghị giải quyết không quá hạn, không lặp lại, không bị đánh giá không hài lòng"
# the 766 indicators a report shows, with their code and one label each (the same in the text)
INDICATORS = [
    ("on_time_rate", "2.1", "Hồ sơ giải quyết trước hạn, đúng hạn"),
    (
        "online_rate",
        "3.3",
        "Hồ sơ nộp trực tuyến và nhận kết quả điện tử (không tính hồ sơ trực tuyến trả kết quả giấy)",
    ),
    ("online_payment_rate", "3.6", "Hồ sơ thanh toán trực tuyến (trên số hồ sơ có phí, lệ phí)"),
    ("e_result_rate", "4.1", "Hồ sơ được trả kết quả điện tử (trên số hồ sơ trả kết quả giấy)"),
    ("digitization_rate", "4.2", "Hồ sơ được số hóa"),
    ("reuse_rate", "4.3", "Hồ sơ tái sử dụng dữ liệu đã số hóa"),
    ("feedback_on_time_rate", "5.2", FEEDBACK_ON_TIME),
    ("feedback_satisfaction", "5.3", FEEDBACK_SATISFIED),
    (
        "tthc_satisfaction",
        "5.4",
        "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC (tính từ chỉ số 2.1 và tỷ lệ hồ sơ bị phản ánh)",
    ),
]
INDICATOR_CODES = {key: code for key, code, _label in INDICATORS}


def indicators(agency, start: dt.date, end: dt.date) -> list[Indicator]:
    """The 766 indicators over the window to the cut-off, each open dossier judged as of the
    cut-off (a dossier ended after it is open then)."""
    computed = dict(dossier_quality(Dossier.objects.filter(agency=agency), start, end, as_of=True).figures)
    computed.update(figures_of(Feedback.objects.filter(agency=agency), start, end))
    out = []
    for key, code, label in INDICATORS:
        figure = computed.get(key)
        if figure is None:
            continue
        out.append(
            Indicator(
                key=key,
                code=code,
                label=label,
                numerator=None if figure.derived else int(figure.numerator),
                denominator=None if figure.derived else int(figure.denominator),
                rate=q2(figure.rate) if figure.rate is not None else None,
                points=q2(figure.points) if figure.points is not None else None,
                max_points=q2(figure.max_points),
            )
        )
    return out


PAR_STAGES = {
    "draft": "dự thảo tự đánh giá, chưa gửi Sở Nội vụ",
    "submitted": "kết quả tự đánh giá đã gửi Sở Nội vụ, chưa thẩm định",
    "appraised": "kết quả thẩm định, chưa công bố",
    "published": "kết quả chính thức đã công bố",
}
ILLUSTRATIVE = re.compile(r"\s*\((minh họa|minh hoạ)\)\s*", re.IGNORECASE)


def illustrative_set(criteria_set) -> bool:
    """A criteria set loaded from the illustrative file (not a province's decision)."""
    text = f"{criteria_set.code} {criteria_set.name} {criteria_set.source_name}".lower()
    return "illustrative" in text or "minh họa" in text or "minh hoạ" in text


def par_figures(agency, year: int, cutoff: dt.date) -> ParFigures | None:
    """The agency's scorecard in the newest round of the year (else the year before) that existed
    at the cut-off, with its stage then: published (the frozen final result), appraised (the last
    appraisal), submitted or a draft (the self-score)."""
    card = (
        Scorecard.objects.filter(agency=agency, round__year__in=[year, year - 1], round__created_at__lte=_last(cutoff))
        .select_related("round", "round__criteria_set")
        .order_by("-round__year", "-round__pk")
        .first()
    )
    if card is None:
        return None
    round_ = card.round
    published_at = round_.published_at.astimezone(LOCAL).date() if round_.published_at else None
    submitted = card.submitted_at is not None and card.submitted_at.astimezone(LOCAL).date() <= cutoff
    phase = round_.phase
    # The appraisal phases carry no dates of their own: an appraisal is named only for a card
    # submitted by the cut-off, from the round's phase now (a snapshot keeps what a file said).
    if phase == Phase.PUBLISHED and published_at is not None and published_at <= cutoff:
        stage, column = "published", "final"
    elif submitted and phase in (Phase.APPRAISAL2, Phase.COUNCIL, Phase.PUBLISHED):
        stage, column = "appraised", "a2"
    elif submitted and phase == Phase.EXPLANATION:
        stage, column = "appraised", "a1"
    elif submitted:
        stage, column = "submitted", "self"
    else:
        stage, column = "draft", "self"
    results = compute(round_.criteria_set.parsed(), list(card.scores.all()))
    if stage == "appraised" and not results[column].total and results["a1"].total:
        column = "a1"
    if stage == "appraised" and not results[column].total:  # no appraisal score yet: the self-score
        stage, column = "submitted", "self"
    result = results[column]
    rows = points_lost(card, column)
    lost = [row for row in rows if row.status != "missing"]
    unscored = [row for row in rows if row.status == "missing"]
    name = ILLUSTRATIVE.sub(" ", round_.name).strip()
    return ParFigures(
        round_name=name,
        year=round_.year,
        stage=stage,
        stage_text=PAR_STAGES[stage],
        official=stage == "published",
        illustrative=illustrative_set(round_.criteria_set) or bool(ILLUSTRATIVE.search(round_.name)),
        points=q2(result.total),
        max=q2(result.applicable_max),
        index=q2(result.index_percent) if result.index_percent is not None else None,
        lost_total=q2(sum((row.lost for row in lost), Decimal(0))),
        lost=[LostLine(row.code, row.name, q2(row.lost), q2(row.max)) for row in lost[:5]],
        unscored=len(unscored),
        unscored_max=q2(sum((row.max for row in unscored), Decimal(0))),
    )


def sipas_figures(agency, period: ReportPeriod, *, today: dt.date | None = None) -> SipasFigures:
    """SIPAS over the report's calendar period when it has ended by `today` (the day after the
    cut-off: a period ending on the cut-off has ended), else the latest ended whole period inside
    it; per element when the result shows them."""
    today = today or dt.datetime.now(tz=LOCAL).date()
    whole, result = sipas.shown_result(agency.pk, period.calendar_kind, period.year, period.calendar_number, today)
    if whole is None:
        return SipasFigures("", "Chưa có kỳ khảo sát trọn vẹn nào kết thúc trong kỳ báo cáo", None, None)
    if result is None:
        return SipasFigures(
            whole.text,
            f"Kết quả khảo sát {whole.text} và các kỳ trước trong năm chưa được công bố: chưa đủ số phiếu tối "
            "thiểu, hoặc công bố sẽ làm lộ câu trả lời của một nhóm nhỏ người trả lời",
            None,
            None,
        )
    text = (
        f"Số liệu {whole.text}: kỳ khảo sát trọn vẹn gần nhất được công bố (kết quả khảo sát chỉ tính theo "
        "tháng, quý, 6 tháng, 9 tháng, năm hoặc đợt khảo sát, không theo khung số liệu báo cáo)"
    )
    titles = sipas.questionnaire(sipas.DEFAULT_QUESTIONNAIRE).element_titles
    elements = [
        SipasElement(
            code,
            titles.get(code, code),
            q2(index) if (index := result.element_index(code)) is not None else None,
            element.n,
        )
        for code, element in result.index.elements.items()
        if result.shows(f"element:{code}")
    ]
    overall = q2(result.overall) if result.overall is not None else None
    return SipasFigures(whole.text, text, overall, result.n, elements)


def activity(agency, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Evidence documents filed, inspections, news posts and citizen receptions in the window."""
    first, last = _first(start), _last(end)
    return {
        "evidence_documents": Document.objects.filter(
            agency=agency, created_at__gte=first, created_at__lte=last
        ).count(),
        "inspections": Inspection.objects.filter(agency=agency, inspected_on__gte=start, inspected_on__lte=end).count(),
        "posts": Post.objects.filter(agency=agency, published_at__gte=first, published_at__lte=last).count(),
        "receptions": feedback_stats.receptions(agency, start, end),
    }


def next_period_end(period: ReportPeriod) -> dt.date:
    kind, years = NEXT_KIND[period.kind]
    return report_period(kind, period.year + years).end


def collect(agency, period: ReportPeriod, *, as_of: dt.date | None = None) -> Figures:
    """Every figure of the report as of the cut-off (`as_of`, else the window's end or today if
    earlier), its annex tables included. The only function of the report that reads the database."""
    cutoff = cutoff_of(period, as_of)
    start = period.start
    plan = report_plan(agency, period.year)
    lines = task_lines(plan, cutoff)
    counts = TaskCounts()
    for line in lines:
        counts.add(line, cutoff)
    next_plan = None
    next_plan_tasks = 0
    if period.kind == "year":
        following = report_plan(agency, period.year + 1)
        next_plan = plan_ref(following, cutoff)
        next_plan_tasks = (
            Task.objects.filter(plan=following).exclude(status=TaskStatus.CANCELLED).count() if following else 0
        )
    rows = one_stop_rows(Dossier.objects.filter(agency=agency), start, cutoff)
    total = _sum_columns(rows, "Tổng cộng")
    found = indicators(agency, start, cutoff)
    by_key = {i.key: i for i in found}
    on_time, satisfied = by_key.get("feedback_on_time_rate"), by_key.get("feedback_satisfaction")
    done = activity(agency, start, cutoff)
    receptions = done.pop("receptions")
    figures = Figures(
        period=period,
        cutoff=cutoff,
        taken_at=dt.datetime.now(tz=LOCAL).replace(microsecond=0),
        agency_name=agency.name,
        agency_short=agency.short_name or agency.name,
        calendar_label=f"{start:%d/%m/%Y} – {cutoff:%d/%m/%Y}",
        plan=plan_ref(plan, cutoff),
        task_lines=lines,
        next_plan=next_plan,
        next_plan_tasks=next_plan_tasks,
        tasks=counts,
        **done,
        receptions=receptions,
        one_stop=OneStop(*total[1:]),
        indicators=found,
        feedback=FeedbackFigures(
            received=satisfied.denominator if satisfied else 0,
            on_time=on_time.numerator if on_time else 0,
            handled=on_time.denominator if on_time else 0,
            on_time_rate=on_time.rate if on_time else None,
            satisfied=satisfied.numerator if satisfied else 0,
            satisfaction=satisfied.rate if satisfied else None,
            sessions=receptions["sessions"],
            people=receptions["people"],
            by_leader=receptions["by_leader"],
        ),
        sipas=sipas_figures(agency, period, today=cutoff + dt.timedelta(days=1)),
        par=par_figures(agency, period.year, cutoff),
        targets=target_lines(plan, cutoff),
    )
    figures.tables = build_tables(figures, rows, total)
    return figures


def for_report(report) -> Figures:
    """The figures a report's files are made from: its snapshot when it has one, else collected now."""
    if report.snapshot:
        return Figures.from_json(report.snapshot)
    return collect(report.agency, report.period)


# ---------------------------------------------------------------------------------------------------
# The annex tables, in the report's order (numbered I, II, … as appendices)


def cutoff_text(figures: Figures) -> str:
    return f"Số liệu {figures.window_text} (ngày chốt số liệu {figures.cutoff:%d/%m/%Y})"


def plan_source(figures: Figures) -> str:
    plan = figures.plan
    if plan is not None and plan.issued and plan.number:
        return f"Kế hoạch số {plan.number}; hệ thống theo dõi nhiệm vụ"
    if plan is not None and plan.issued:
        return f"Kế hoạch CCHC năm {plan.year} của cơ quan; hệ thống theo dõi nhiệm vụ"
    if plan is not None:
        return (
            f"Dự thảo kế hoạch CCHC năm {plan.year} (chưa ban hành tại ngày chốt số liệu); hệ thống theo dõi nhiệm vụ"
        )
    return "Hệ thống theo dõi nhiệm vụ"


def group_name(group: int | str | None) -> str:
    if group == SIPAS_GROUP:
        return SIPAS_TASKS
    if group is None:
        return OTHER_TASKS
    return DOMAIN_NAMES.get(group, str(ParDomain(group).label))


def build_tables(figures: Figures, one_stop: list[list[Any]], one_stop_total: list[Any]) -> list[Table]:
    tables = [
        tasks_table(figures),
        units_table(figures),
        one_stop_table(figures, one_stop, one_stop_total),
        quality_table(figures),
        feedback_table(figures),
        sipas_table(figures),
    ]
    if figures.targets:  # the last appendix: the others keep their numbers when a plan has no target
        tables.append(targets_table(figures))
    for index, table in enumerate(tables, start=1):
        table.number = roman_numeral(index)
    numbers = {table.key: table.number for table in tables}
    for table in tables:
        table.notes = [note.replace("Phụ lục chỉ số 766", f"Phụ lục {numbers['766']}") for note in table.notes]
    return tables


def roman_numeral(number: int) -> str:
    out = ""
    for value, digits in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + digits, number - value
    return out


def _group_order(group: int | str | None) -> tuple[int, int]:
    if isinstance(group, int):
        return (0, group)
    return (1, 0) if group == SIPAS_GROUP else (2, 0)


def tasks_table(figures: Figures) -> Table:
    # one row per PAR domain, then SIPAS, then the other tasks: the groups the text counts
    rows = [
        [group_name(group), c.total, c.done, c.done_late, c.open, c.overdue]
        for group, c in sorted(figures.by_group().items(), key=lambda item: _group_order(item[0]))
        if c.total
    ]
    t = figures.tasks
    return Table(
        "tasks",
        "Kết quả thực hiện nhiệm vụ cải cách hành chính theo lĩnh vực",
        cutoff_text(figures),
        plan_source(figures),
        [
            "Lĩnh vực",
            "Số nhiệm vụ",
            "Đã hoàn thành",
            "Trong đó: hoàn thành trễ hạn",
            "Chưa hoàn thành",
            "Trong đó: quá hạn",
        ],
        rows,
        [9.7, 3, 3, 3, 3, 3],
        total=["Tổng cộng", t.total, t.done, t.done_late, t.open, t.overdue],
    )


def units_table(figures: Figures) -> Table:
    units: dict[str, TaskCounts] = {}
    for line in figures.task_lines:
        units.setdefault(line.unit, TaskCounts()).add(line, figures.cutoff)
    rows = [[unit, c.total, c.done, c.open, c.overdue] for unit, c in sorted(units.items(), key=lambda i: i[0])]
    t = figures.tasks
    return Table(
        "units",
        "Kết quả thực hiện nhiệm vụ cải cách hành chính theo đơn vị chủ trì",
        cutoff_text(figures),
        plan_source(figures),
        ["Đơn vị chủ trì", "Số nhiệm vụ", "Đã hoàn thành", "Chưa hoàn thành", "Trong đó: quá hạn"],
        rows,
        [10.7, 3.5, 3.5, 3.5, 3.5],
        total=["Tổng cộng", t.total, t.done, t.open, t.overdue],
    )


ONE_STOP_HEADER = [
    "Lĩnh vực",
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp, bưu chính",
    "Kỳ trước chuyển qua",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
]
ONE_STOP_GROUPS = [
    ["Lĩnh vực", 1],
    ["Số hồ sơ tiếp nhận", 4],
    ["Số hồ sơ đã giải quyết", 4],
    ["Số hồ sơ đang giải quyết", 3],
]


def one_stop_table(figures: Figures, rows: list[list[Any]], total: list[Any]) -> Table:
    return Table(
        "06a",
        "Tình hình, kết quả giải quyết thủ tục hành chính (biểu 06a)",
        cutoff_text(figures),
        "Sổ theo dõi hồ sơ TTHC của cơ quan",
        ONE_STOP_HEADER,
        rows,
        [4.7, 1.8, 1.8, 2, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8],
        total=total,
        groups=[list(g) for g in ONE_STOP_GROUPS],
        notes=[
            "Cột “Trực tuyến”: mọi hồ sơ nộp trực tuyến tiếp nhận trong kỳ (khác chỉ số 3.3 tại Phụ lục "
            "chỉ số 766, chỉ tính hồ sơ nộp trực tuyến và nhận kết quả điện tử).",
            "Hồ sơ đang giải quyết tại ngày chốt số liệu được tính quá hạn khi thời hạn giải quyết đã hết "
            "trước ngày chốt số liệu (thời gian chờ bổ sung hồ sơ không tính), như chỉ số 2.1.",
        ],
    )


NOTHING = "Không phát sinh"


def counts(numerator: int | None, denominator: int | None) -> tuple[Any, Any]:
    """A ratio's two counts for a table; nothing to count (a base of 0) is said, never '0 / 0'."""
    if not denominator:
        return NOTHING, ""
    return numerator, denominator


def quality_table(figures: Figures) -> Table:
    rows = []
    for i in figures.indicators:
        rows.append(
            [
                f"{i.code}. {i.label}",
                counts(i.numerator, i.denominator)[0] if i.numerator is not None else "Tính từ chỉ số khác",
                counts(i.numerator, i.denominator)[1] if i.numerator is not None else "",
                i.rate,
                i.points,
                i.max_points,
            ]
        )
    points = sum((i.points for i in figures.indicators if i.points is not None), Decimal(0))
    maximum = sum((i.max_points for i in figures.indicators), Decimal(0))
    return Table(
        "766",
        "Chỉ số chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) do hệ thống tính",
        cutoff_text(figures),
        "Sổ theo dõi hồ sơ TTHC và sổ phản ánh, kiến nghị của cơ quan",
        ["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Điểm tối đa"],
        rows,
        [10.7, 2.6, 2.6, 2.8, 3, 3],
        total=["Cộng điểm các chỉ số trên (một phần của Bộ chỉ số)", None, None, None, q2(points), q2(maximum)],
        notes=[
            "Bảng chỉ gồm các chỉ số hệ thống tính được từ sổ theo dõi của cơ quan; các chỉ số còn lại của "
            "Bộ chỉ số theo Quyết định 766/QĐ-TTg do Cổng Dịch vụ công quốc gia tính, nên dòng cộng điểm "
            "không phải tổng điểm của Bộ chỉ số.",
            "Hồ sơ chưa giải quyết xong tại ngày chốt số liệu được tính theo thời hạn tại ngày đó (chưa đến "
            "hạn: trong hạn).",
        ],
    )


def feedback_table(figures: Figures) -> Table:
    fb = figures.feedback
    return Table(
        "feedback",
        "Tiếp nhận, xử lý phản ánh, kiến nghị và tiếp công dân",
        cutoff_text(figures),
        "Sổ phản ánh, kiến nghị và sổ tiếp công dân của cơ quan",
        ["Nội dung", "Số lượng", "Trên tổng số", "Tỷ lệ (%)"],
        [
            ["Phản ánh, kiến nghị tiếp nhận trong kỳ", fb.received, None, None],
            [
                f"5.2. {FEEDBACK_ON_TIME} (trên số phải xử lý trong kỳ)",
                *counts(fb.on_time, fb.handled),
                fb.on_time_rate,
            ],
            [
                f"5.3. {FEEDBACK_SATISFIED} (trên số tiếp nhận trong kỳ)",
                *counts(fb.satisfied, fb.received),
                fb.satisfaction,
            ],
            ["Buổi tiếp công dân", fb.sessions, None, None],
            ["Trong đó: buổi do người đứng đầu chủ trì", fb.by_leader, None, None],
            ["Lượt người được tiếp", fb.people, None, None],
        ],
        [14.2, 3.5, 3.5, 3.5],
    )


def sipas_table(figures: Figures) -> Table:
    s = figures.sipas
    rows: list[list[Any]] = []
    if s.overall is not None:
        rows.append(["Chỉ số hài lòng về sự phục vụ hành chính (chung)", s.responses, s.overall])
        rows += [[f"{n}. {e.title}", e.responses, e.index] for n, e in enumerate(s.elements, start=1)]
    return Table(
        "sipas",
        "Kết quả khảo sát sự hài lòng (SIPAS) do cơ quan tự thực hiện",
        f"{s.text}; ngày chốt số liệu báo cáo {figures.cutoff:%d/%m/%Y}",
        "Phiếu khảo sát người dân, tổ chức sử dụng dịch vụ của cơ quan",
        ["Nội dung", "Số phiếu", "Chỉ số (%)"],
        rows,
        [14.7, 5, 5],
        empty=(
            f"Chỉ số hài lòng {s.period_text} và các kỳ trước trong năm chưa được công bố"
            if s.period_text
            else "Chưa có kỳ khảo sát trọn vẹn nào kết thúc trong kỳ báo cáo"
        ),
    )


TARGETS_TITLE = "Kết quả thực hiện chỉ tiêu của kế hoạch"


def targets_table(figures: Figures) -> Table:
    rows = [
        [
            t.code,
            t.name,
            t.unit,
            t.baseline.normalize() if t.baseline is not None else None,
            t.goal_text,
            t.actual_text,
            t.as_of,
            t.status_label,
        ]
        for t in figures.targets
    ]
    return Table(
        "targets",
        TARGETS_TITLE,
        cutoff_text(figures),
        plan_source(figures).replace("hệ thống theo dõi nhiệm vụ", "hệ thống theo dõi chỉ tiêu"),
        ["Mã", "Chỉ tiêu", "Đơn vị tính", "Năm cơ sở", "Chỉ tiêu kế hoạch", "Kết quả", "Số liệu đến ngày", "Đánh giá"],
        rows,
        [1.6, 7.3, 1.6, 1.8, 2.4, 3.6, 2.4, 4.0],
        right_from=3,
        centre=[0, 2, 6, 7],
        notes=[
            "Kết quả của mỗi chỉ tiêu là số liệu mới nhất có đến ngày chốt số liệu: tính từ sổ theo dõi của "
            "hệ thống, số liệu định kỳ do đơn vị phụ trách nhập, hoặc giá trị nhập kèm tài liệu kiểm chứng.",
            "Đánh giá theo quy tắc của hệ thống tại ngày chốt số liệu: đạt chỉ tiêu, hoặc đúng tiến độ so với "
            "năm cơ sở; có nguy cơ không đạt khi còn cách chỉ tiêu trong mức dung sai hoặc xu hướng có thể "
            "đạt; chưa có số liệu khi chưa có giá trị hoặc giá trị đã quá cũ.",
        ],
    )
