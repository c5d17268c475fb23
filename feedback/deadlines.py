"""Deadlines of a feedback item's steps, in working days (feedback_pakn.md §4). Pure: no ORM, no
clock, no settings (the caller passes the days; `feedback.services.step_days` reads them from the
FEEDBACK_*_DAYS settings).

Day 0 is the dossier's day 0 (core.deadlines.day_zero): the reception day when it is a working day
and the item came before the 15:00 cut-off, else the next working day. From day 0, by default (the
national portal's rules):

- not accepting the item: within 2 working days (`reject`);
- asking the sender for information, or forwarding the item to the competent body: within 5
  (`info`, `forward`);
- answering it (the leader's approval): within 15 (`answer`);
- the approved answer is published within 2 working days of the day it was approved (`publish`).

A step is due at the end of its date. An open item is "due soon" from 3 calendar days before its
next date, and "overdue" the day after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from core.calendar import WorkingCalendar
from core.deadlines import DEFAULT_CUTOFF, day_zero

DUE_SOON_DAYS = 3  # calendar days before a date the desk marks it


@dataclass(frozen=True)
class StepDays:
    """Working days allowed per step."""

    reject: int = 2
    info: int = 5
    forward: int = 5
    answer: int = 15
    publish: int = 2

    def as_data(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class IntakeDeadlines:
    """The dates a received item must meet, from its day 0."""

    reject: dt.date
    info: dt.date
    forward: dt.date
    answer: dt.date

    def as_fields(self) -> dict[str, dt.date]:
        """As the item's fields (due_reject, due_info, due_forward, due_answer)."""
        return {f"due_{name}": day for name, day in asdict(self).items()}


def intake_deadlines(received_at: dt.datetime, cal: WorkingCalendar, days: StepDays) -> IntakeDeadlines:
    """The deadlines of an item received at `received_at` (aware, or naive local time)."""
    day0 = day_zero(received_at, cal, DEFAULT_CUTOFF)
    return IntakeDeadlines(
        reject=cal.add_working_days(day0, days.reject),
        info=cal.add_working_days(day0, days.info),
        forward=cal.add_working_days(day0, days.forward),
        answer=cal.add_working_days(day0, days.answer),
    )


def publish_by(approved_on: dt.date, cal: WorkingCalendar, days: StepDays) -> dt.date:
    """The date an answer approved on `approved_on` must be published by."""
    return cal.add_working_days(approved_on, days.publish)


def urgency(due: dt.date | None, today: dt.date) -> str:
    """ "overdue" after the date, "due_soon" within DUE_SOON_DAYS calendar days of it, else ""."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due_soon" if (due - today).days <= DUE_SOON_DAYS else ""


def deadline_state(due: dt.date | None, today: dt.date) -> tuple[str, int]:
    """Where an item stands against the date it waits for, with the calendar days that count:
    ("overdue", days late), ("due_soon", days left, 0 on the day itself: within DUE_SOON_DAYS),
    ("later", days left); ("", 0) without a date."""
    if due is None:
        return "", 0
    left = (due - today).days
    if left < 0:
        return "overdue", -left
    return ("due_soon" if left <= DUE_SOON_DAYS else "later"), left
