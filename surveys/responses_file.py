"""Reading an exchange file of survey responses (sipas.md §10): CSV, UTF-8 with or without BOM,
columns `response_id`, the questionnaire's items (`q15` ... `q33`), optionally its expectations
(`e1` ... `e9`), `unit`, `procedure_code`, `channel` and `date`, each also by its Vietnamese
header ("Mã phiếu", "Tiêu chí 15", ..., surveys.columns), as the template and the exports write
them; a channel by its code or its Vietnamese word ("phiếu giấy"). A blank answer is "no answer";
an answer outside 1-5 (1-3 for an expectation) is a problem. Problems carry the row, the column
and the value; a file with any is refused whole (the first 100 are listed). Text the export
wrote with a leading quote (it looked like a formula: core.sheets) is read back without it.
The columns are read through core.tabular; the other columns (profile, comment) are kept as
they are for the importer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.file_problems import FileError, ProblemLog
from core.tabular import Column, Table, csv_rows
from core.web import parse_date
from surveys import columns
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


def _answer(top: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if text.isdigit() and text.isascii() and 1 <= int(text) <= top:
            return int(text)
        raise ValueError(_("an answer from 1 to %(top)s, or blank") % {"top": top})

    return parse


def _channel(text: str) -> str:
    code = columns.channel_code(text)
    if code is None:
        words = ", ".join(columns.channel_word(c) for c in CHANNELS)
        raise ValueError(_("write one of: %(list)s") % {"list": words})
    return code


def _date(text: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise ValueError(_("not a date: write it as dd/mm/yyyy"))
    return day


def table(questionnaire: Questionnaire, others: Sequence[columns.FileColumn] = ()) -> Table:
    """The columns of the exchange file for this questionnaire, named in Vietnamese (their codes
    accepted too: surveys.columns): the items must be there (each answer may be blank), the
    expectations may be. `others` are more columns read as text (the import's profile, comment)."""
    names = columns.names(questionnaire)

    def column(key: str, **kwargs: Any) -> Column:
        header, aliases = names[key]
        return Column(key, header, aliases, **kwargs)

    return Table(
        [
            column("response_id", required=True, unique=True),
            *(column(code, present=True, parse=_answer(5)) for code in questionnaire.items),
            *(column(code, parse=_answer(3)) for code in questionnaire.expectations),
            column("unit"),
            column("procedure_code"),
            column("channel", parse=_channel),
            column("date", parse=_date),
            *(Column(other.key, other.header, other.aliases) for other in others),
        ]
    )


def read_responses(data: bytes | str, questionnaire: Questionnaire) -> list[Response]:
    """Every response of the CSV file, or ResponsesFileError with the first problems."""
    return read_rows(csv_rows(data, error=ResponsesFileError), questionnaire)


def read_rows(
    rows: Iterable[Sequence[Any]],
    questionnaire: Questionnaire,
    problems: ProblemLog | None = None,
    others: Sequence[columns.FileColumn] = (),
) -> list[Response]:
    """Every response of a table whose first row names the columns (CSV, or a worksheet's
    cells as text), or ResponsesFileError with the first problems. Given a log, the problems
    are left in it and the good rows returned, for a caller that checks more. The `others`
    columns are given in each response's `extra`, by their key."""
    keep = problems is not None
    log = problems if problems is not None else ProblemLog()
    scales = [*questionnaire.items, *questionnaire.expectations]
    read = list(table(questionnaire, others).read(rows, log))
    if log.total and (not keep or not read):  # (no row read: the header is wrong)
        raise ResponsesFileError(log.problems, log.total)
    return [
        Response(
            row.text["response_id"],
            {code: row.values[code] for code in scales if code in row.text},
            row.get("unit", ""),
            row.get("procedure_code", ""),
            row.get("channel", ""),
            row.values["date"],
            row.number,
            {**row.extra, **{other.key: row.text[other.key] for other in others if row.text.get(other.key)}},
            row.ok,
        )
        for row in read
    ]
