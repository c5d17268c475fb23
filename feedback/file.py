"""Reading a feedback file for the 766 indicators (feedback_pakn.md §6): CSV, UTF-8 with or
without BOM, columns `feedback_code`, `received_at`, `status`, `answered_at`, `published_at`,
`rated_unsatisfied`, `repeated` (0/1). Times in ISO 8601 or dd/mm/yyyy HH:MM[:SS], local time.
A file with any problem is refused whole; problems carry the row, the column and the value
(core.tabular reads the table, core.file_problems reports).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.file_problems import FileError, ProblemLog
from core.tabular import Column, Row, Table, csv_rows
from feedback.indicators import STATUSES, Feedback
from procedures.dossier_file import parse_moment

FLAGS = {"0": False, "1": True, "false": False, "true": True}
ANSWERED = frozenset({"answered", "awaiting_publication", "published", "closed"})


class FeedbackFileError(FileError):
    """A refused feedback file."""


def _moment(text: str) -> dt.datetime:
    try:
        return parse_moment(text)
    except ValueError:
        raise ValueError(_("not a date: use ISO 8601 or dd/mm/yyyy[ HH:MM[:SS]]")) from None


def _status(text: str) -> str:
    status = text.lower()
    if status not in STATUSES:
        raise ValueError(_("use one of %(list)s") % {"list": ", ".join(STATUSES)})
    return status


def _flag(text: str) -> bool:
    if text.lower() not in FLAGS:
        raise ValueError(_("use 0 or 1"))
    return FLAGS[text.lower()]


TABLE = Table(
    [
        Column("feedback_code", required=True, unique=True),
        Column("received_at", required=True, parse=_moment),
        Column("status", required=True, parse=_status),
        Column("answered_at", parse=_moment),
        Column("published_at", parse=_moment),
        Column("rated_unsatisfied", parse=_flag),
        Column("repeated", parse=_flag),
    ]
)


def _checked(row: Row, problems: ProblemLog) -> Feedback | None:
    """The row's item once its columns agree (answered after received, and answered when the
    status says so); None when the row has a problem, recorded."""
    received, answered, status = row.get("received_at"), row.get("answered_at"), row.get("status")
    if received is not None and answered is not None and answered < received:
        problems.add(row.number, "answered_at", row.text["answered_at"], _("before received_at"))
        return None
    if not row.ok:
        return None
    if status in ANSWERED and answered is None:
        problems.add(row.number, "answered_at", "", _("required for status %(status)s") % {"status": status})
        return None
    return Feedback(
        code=row["feedback_code"],
        received_at=row["received_at"],
        status=status,
        answered_at=answered,
        published_at=row["published_at"],
        rated_unsatisfied=row.get("rated_unsatisfied", False),
        repeated=row.get("repeated", False),
    )


def read_feedback(data: bytes | str) -> list[Feedback]:
    problems = ProblemLog()
    items = []
    for row in TABLE.read(csv_rows(data, error=FeedbackFileError), problems):
        item = _checked(row, problems)
        if item is not None:
            items.append(item)
    if problems.total:
        raise FeedbackFileError(problems.problems, problems.total)
    return items
