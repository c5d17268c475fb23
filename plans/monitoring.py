"""Monitoring rules for plan tasks (pure: pass `today` and a calendar in).

The rules are documented in docs/risk-rules.md; at-risk is always computed here, never typed.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from dataclasses import dataclass, field

from core.calendar import WorkingCalendar

OVERDUE = "overdue"
BEHIND = "behind_schedule"
STALE = "stale"
NO_EVIDENCE = "missing_evidence"
DUE_SOON_LOW = "due_soon_low_progress"


@dataclass(frozen=True)
class Rules:
    due_soon_days: int = 7  # "due within N working days"
    stale_days: int = 10  # no progress update for N working days
    lag_points: int = 25  # elapsed share of time minus progress, in percentage points
    evidence_window_days: int = 5  # no evidence while due within N working days
    final_stretch_days: int = 3  # due within N working days ...
    final_stretch_progress: int = 80  # ... with progress below this
    reminder_days: tuple[int, ...] = (7, 3, 1)
    escalate_head_after: int = 1  # overdue by N working days -> unit head
    escalate_office_after: int = 3  # overdue by N working days -> the Office


@dataclass(frozen=True)
class TaskFacts:
    start: dt.date | None
    due: dt.date | None  # next due date (the deadline, or the next open occurrence)
    progress: int
    closed: bool
    last_update: dt.date | None
    evidence_count: int
    recurring: bool = False


@dataclass
class Assessment:
    overdue: bool = False
    due_soon: bool = False
    stale: bool = False
    missing_evidence: bool = False
    at_risk: bool = False
    reasons: list[str] = field(default_factory=list)
    working_days_left: int | None = None


def assess(facts: TaskFacts, today: dt.date, cal: WorkingCalendar, rules: Rules = Rules()) -> Assessment:
    result = Assessment()
    if facts.closed or facts.due is None:
        return result
    left = cal.working_days_between(today, facts.due)
    result.working_days_left = left
    if facts.due < today:
        result.overdue = True
        result.reasons.append(OVERDUE)
        return result
    result.due_soon = left <= rules.due_soon_days
    started = facts.start is None or facts.start <= today
    if started:
        since = facts.last_update or facts.start
        if since is not None and cal.working_days_between(since, today) > rules.stale_days:
            result.stale = True
            result.reasons.append(STALE)
    if not facts.recurring and facts.start is not None and facts.start <= today:
        total = cal.working_days_between(facts.start, facts.due)
        if total > 0:
            elapsed = min(cal.working_days_between(facts.start, today), total)
            lag = (100 * elapsed) // total - facts.progress
            if lag >= rules.lag_points:
                result.reasons.append(BEHIND)
    if facts.evidence_count == 0 and left <= rules.evidence_window_days:
        result.missing_evidence = True
        result.reasons.append(NO_EVIDENCE)
    if left <= rules.final_stretch_days and facts.progress < rules.final_stretch_progress:
        result.reasons.append(DUE_SOON_LOW)
    result.at_risk = bool(result.reasons)
    return result


@dataclass(frozen=True)
class Reminder:
    kind: str  # due_in_7, due_in_3, due_in_1, overdue, stale
    audience: str  # responsible, unit_head, office
    key: str  # idempotency key, unique per task, kind and day


def reminders_for(
    task_id: int, facts: TaskFacts, today: dt.date, cal: WorkingCalendar, rules: Rules = Rules()
) -> list[Reminder]:
    """The reminders a task calls for today. Keys make sending idempotent."""
    if facts.closed or facts.due is None or not cal.is_working_day(today):
        return []
    out: list[Reminder] = []
    stamp = today.isoformat()
    if facts.due >= today:
        left = cal.working_days_between(today, facts.due)
        if left in rules.reminder_days:
            out.append(Reminder(f"due_in_{left}", "responsible", f"task:{task_id}:due:{facts.due}:{left}"))
    else:
        late = cal.working_days_between(facts.due, today)
        out.append(Reminder("overdue", "responsible", f"task:{task_id}:overdue:{stamp}"))
        if late >= rules.escalate_head_after:
            out.append(Reminder("overdue", "unit_head", f"task:{task_id}:overdue-head:{stamp}"))
        if late >= rules.escalate_office_after:
            out.append(Reminder("overdue", "office", f"task:{task_id}:overdue-office:{stamp}"))
    assessment = assess(facts, today, cal, rules)
    if assessment.stale:
        since = facts.last_update or facts.start
        out.append(Reminder("stale", "responsible", f"task:{task_id}:stale:{since}"))
    return out


def occurrence_dates(recurrence: str, day: int, start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """Due dates of a recurring task between start and end (inclusive), with a period label.

    Quarterly reports are due in the last month of each quarter (20/03, 20/06, 20/09, 20/12),
    6-monthly ones in June and December, yearly ones in December.
    """
    months_by_kind = {
        "monthly": list(range(1, 13)),
        "quarterly": [3, 6, 9, 12],
        "semiannual": [6, 12],
        "yearly": [12],
    }
    if recurrence not in months_by_kind:
        raise ValueError(f"unknown recurrence: {recurrence!r}")
    out = []
    for year in range(start.year, end.year + 1):
        for month in months_by_kind[recurrence]:
            last = _stdcal.monthrange(year, month)[1]
            due = dt.date(year, month, min(day, last))
            if start <= due <= end:
                out.append((_period_label(recurrence, year, month), due))
    return out


def _period_label(recurrence: str, year: int, month: int) -> str:
    if recurrence == "monthly":
        return f"{month:02d}/{year}"
    if recurrence == "quarterly":
        return f"Q{(month - 1) // 3 + 1}/{year}"
    if recurrence == "semiannual":
        return f"{'H1' if month <= 6 else 'H2'}/{year}"
    return str(year)


def completion_status(deadline: dt.date | None, completed_on: dt.date) -> str:
    """done or done_late: a task finished after its deadline is done late."""
    if deadline is not None and completed_on > deadline:
        return "done_late"
    return "done"
