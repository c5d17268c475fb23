"""Reading an exchange file of survey responses (sipas.md §10): CSV, UTF-8 with or without BOM,
columns `response_id`, the questionnaire's items (`q15` ... `q33`), optionally its expectations
(`e1` ... `e9`), `unit`, `procedure_code`, `channel` and `date`. A blank answer is "no answer";
an answer outside 1-5 (1-3 for an expectation) is a problem. Problems carry the row, the column
and the value; a file with any is refused whole (the first 100 are listed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from surveys.index import Questionnaire

MAX_PROBLEMS = 100
CHANNELS = ("online", "direct", "paper")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.value!r} {self.reason}" if self.value else f"{where}: {self.reason}"

    def as_data(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class ResponsesFileError(ValueError):
    def __init__(self, problems: list[Problem], total: int):
        super().__init__(f"{total} problem(s)")
        self.problems, self.total = problems, total


@dataclass
class Response:
    response_id: str
    answers: dict[str, int | None]
    unit: str = ""
    procedure_code: str = ""
    channel: str = ""
    date: dt.date | None = None


@dataclass
class _Problems:
    kept: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, value: str, reason: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(row, column, value, reason))


def _date(text: str) -> dt.date:
    if len(text) == 10 and text[2] == "/" == text[5]:
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return dt.date.fromisoformat(text)


def read_responses(data: bytes | str, questionnaire: Questionnaire) -> list[Response]:  # noqa: C901
    """Every response of the file, or ResponsesFileError with the first problems."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text, newline=""))
    problems = _Problems()
    header = [name.strip() for name in next(rows, [])]
    columns = {name: index for index, name in enumerate(header) if name}
    for name in ("response_id", *questionnaire.items):
        if name not in columns:
            problems.add(1, name, "", "required column missing (header row)")
    if problems.total:
        raise ResponsesFileError(problems.kept, problems.total)
    scales = {code: 5 for code in questionnaire.items} | {
        code: 3 for code in questionnaire.expectations if code in columns
    }
    seen: dict[str, int] = {}
    responses = []
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        before = problems.total

        def cell(name: str, values: list[str] = values) -> str:
            index = columns.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

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
        if problems.total == before:
            responses.append(Response(response_id, answers, cell("unit"), cell("procedure_code"), channel, day))
    if problems.total:
        raise ResponsesFileError(problems.kept, problems.total)
    return responses
