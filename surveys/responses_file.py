"""Reading an exchange file of survey responses (sipas.md §10): CSV, UTF-8 with or without BOM,
columns `response_id`, the questionnaire's items (`q15` ... `q33`), optionally its expectations
(`e1` ... `e9`), `unit`, `procedure_code`, `channel` and `date`. A blank answer is "no answer";
an answer outside 1-5 (1-3 for an expectation) is a problem. Problems carry the row, the column
and the value; a file with any is refused whole (the first 100 are listed). Text the export
wrote with a leading quote (it looked like a formula: core.sheets) is read back without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.file_problems import FileError, FileProblem, ProblemLog
from core.sheets import csv_unquote
from surveys.index import Questionnaire

CHANNELS = ("online", "direct", "paper")


class ResponsesFileError(FileError):
    """A refused response file."""


@dataclass
class Response:
    response_id: str
    answers: dict[str, int | None]
    unit: str = ""
    procedure_code: str = ""
    channel: str = ""
    date: dt.date | None = None
    row: int = 0
    extra: dict[str, str] = field(default_factory=dict)  # the file's other columns (profile, comment)
    valid: bool = True  # False: the row has problems (kept only for a caller that checks more)


def _date(text: str) -> dt.date:
    if len(text) == 10 and text[2] == "/" == text[5]:
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return dt.date.fromisoformat(text)


def read_responses(data: bytes | str, questionnaire: Questionnaire) -> list[Response]:
    """Every response of the CSV file, or ResponsesFileError with the first problems."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        problem = FileProblem(1, "", "", f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")
        raise ResponsesFileError([problem], 1) from None
    return read_rows(csv.reader(io.StringIO(text, newline="")), questionnaire)


def read_rows(  # noqa: C901
    rows: Iterable[list[str]], questionnaire: Questionnaire, problems: ProblemLog | None = None
) -> list[Response]:
    """Every response of a table whose first row names the columns (CSV, or a worksheet's
    cells as text), or ResponsesFileError with the first problems. Given a log, the problems
    are left in it and the good rows returned, for a caller that checks more."""
    rows = iter(rows)
    keep = problems is not None
    problems = problems if problems is not None else ProblemLog()
    header = [name.strip() for name in next(rows, [])]
    columns = {name: index for index, name in enumerate(header) if name}
    for name in ("response_id", *questionnaire.items):
        if name not in columns:
            problems.add(1, name, "", "required column missing (header row)")
    if problems.total:
        raise ResponsesFileError(problems.problems, problems.total)  # nothing more can be read
    scales = {code: 5 for code in questionnaire.items} | {
        code: 3 for code in questionnaire.expectations if code in columns
    }
    known = {"response_id", "unit", "procedure_code", "channel", "date", *scales}
    seen: dict[str, int] = {}
    responses = []
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        before = problems.total

        def cell(name: str, values: list[str] = values) -> str:
            index = columns.get(name)
            return csv_unquote(values[index].strip()) if index is not None and index < len(values) else ""

        response_id = cell("response_id")
        if not response_id:
            problems.add(number, "response_id", "", "required")
        elif response_id in seen:
            problems.add(number, "response_id", response_id, f"duplicate of row {seen[response_id]}")
        else:
            seen[response_id] = number
        answers: dict[str, int | None] = {}
        for code, top in scales.items():
            value = cell(code)
            if not value:
                answers[code] = None
            elif value.isdigit() and value.isascii() and 1 <= int(value) <= top:
                answers[code] = int(value)
            else:
                problems.add(number, code, value, f"an answer from 1 to {top}, or blank")
        channel = cell("channel")
        if channel and channel not in CHANNELS:
            problems.add(number, "channel", channel, f"use one of {', '.join(CHANNELS)}")
        day = None
        if cell("date"):
            try:
                day = _date(cell("date"))
            except ValueError:
                problems.add(number, "date", cell("date"), "not a date: use YYYY-MM-DD or dd/mm/yyyy")
        if problems.total == before or keep:
            extra = {name: cell(name) for name in columns if name not in known}
            valid = problems.total == before
            responses.append(
                Response(response_id, answers, cell("unit"), cell("procedure_code"), channel, day, number, extra, valid)
            )
    if problems.total and not keep:
        raise ResponsesFileError(problems.problems, problems.total)
    return responses
