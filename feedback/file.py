"""Reading a feedback file for the 766 indicators (feedback_pakn.md §6): CSV, UTF-8 with or
without BOM, columns `feedback_code`, `received_at`, `status`, `answered_at`, `published_at`,
`rated_unsatisfied`, `repeated` (0/1). Times in ISO 8601 or dd/mm/yyyy HH:MM[:SS], local time.
A file with any problem is refused whole; problems carry the row, the column and the value.
"""

from __future__ import annotations

import csv
import io

from core.file_problems import FileError, FileProblem, ProblemLog
from feedback.indicators import STATUSES, Feedback
from procedures.dossier_file import parse_moment

COLUMNS = ("feedback_code", "received_at", "status", "answered_at", "published_at", "rated_unsatisfied", "repeated")
REQUIRED = ("feedback_code", "received_at", "status")
FLAGS = {"": False, "0": False, "1": True, "false": False, "true": True}
ANSWERED = frozenset({"answered", "awaiting_publication", "published", "closed"})


class FeedbackFileError(FileError):
    """A refused feedback file."""


def read_feedback(data: bytes | str) -> list[Feedback]:  # noqa: C901
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        problem = FileProblem(1, "", "", f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")
        raise FeedbackFileError([problem], 1) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems = ProblemLog()
    header = [name.strip().lower() for name in next(rows, [])]
    columns = {name: index for index, name in enumerate(header) if name}
    for name in REQUIRED:
        if name not in columns:
            problems.add(1, name, "", "required column missing (header row)")
    if problems.total:
        raise FeedbackFileError(problems.problems, problems.total)
    seen: dict[str, int] = {}
    items = []
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        before = problems.total

        def cell(name: str, values: list[str] = values) -> str:
            index = columns.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

        code = cell("feedback_code")
        if not code:
            problems.add(number, "feedback_code", "", "required")
        elif code in seen:
            problems.add(number, "feedback_code", code, f"duplicate of row {seen[code]}")
        else:
            seen[code] = number
        status = cell("status").lower()
        if status not in STATUSES:
            problems.add(number, "status", cell("status"), "use one of " + ", ".join(STATUSES))
        moments = {}
        for name in ("received_at", "answered_at", "published_at"):
            value = cell(name)
            if not value:
                if name == "received_at":
                    problems.add(number, name, "", "required")
                moments[name] = None
                continue
            try:
                moments[name] = parse_moment(value)
            except ValueError:
                problems.add(number, name, value, "not a date: use ISO 8601 or dd/mm/yyyy HH:MM[:SS]")
                moments[name] = None
        flags = {}
        for name in ("rated_unsatisfied", "repeated"):
            value = cell(name).lower()
            if value not in FLAGS:
                problems.add(number, name, cell(name), "0 or 1")
            flags[name] = FLAGS.get(value, False)
        received, answered = moments["received_at"], moments["answered_at"]
        if received and answered and answered < received:
            problems.add(number, "answered_at", cell("answered_at"), "before received_at")
        if status in ANSWERED and answered is None and problems.total == before:
            problems.add(number, "answered_at", "", f"required when the status is {status}")
        if problems.total == before and received is not None:
            items.append(
                Feedback(
                    code=code,
                    received_at=received,
                    status=status,
                    answered_at=answered,
                    published_at=moments["published_at"],
                    rated_unsatisfied=flags["rated_unsatisfied"],
                    repeated=flags["repeated"],
                )
            )
    if problems.total:
        raise FeedbackFileError(problems.problems, problems.total)
    return items
