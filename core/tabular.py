"""One reader for every table a user imports (CSV, or a worksheet read through `core.sheets.rows`):
the columns are declared once, as `Column`s with the header names people really type (aliases,
compared without accents, case or spacing), whether the column must be there, whether each row
needs a value, whether values must be unique, and a parser; `Table.read` maps the header, parses
every cell and reports each problem through `core.file_problems.ProblemLog` with its row, column
and value. The importer then only says what a good row becomes.

    COLUMNS = Table([
        Column("code", _("code"), aliases=("mã", "mã hồ sơ"), required=True, unique=True),
        Column("received_at", _("received at"), required=True, parse=parse_moment),
        Column("note", _("note")),
    ])
    problems = ProblemLog()
    for row in COLUMNS.read(rows, problems):
        if row.ok:
            items.append(Item(code=row["code"], received_at=row["received_at"]))
    if problems.total:
        raise FileError(problems.problems, problems.total)

A parser raises ValueError with the reason for the user (Vietnamese through gettext); a value that
is absent is None and is not parsed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.file_problems import FileError, FileProblem, ProblemLog
from core.sheets import csv_unquote
from core.text import fold


def _key(text: str) -> str:
    return " ".join(fold(text).replace("*", " ").replace("_", " ").split())


def text_of(value: Any) -> str:
    """A cell as the text the user typed: '' for an empty cell, numbers without a trailing .0,
    the product's own CSV quoting of formula-like text undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return csv_unquote(str(value).strip())


def csv_rows(data: bytes | str, *, error: type[FileError] = FileError) -> Iterator[list[str]]:
    """The rows of a CSV file as Excel saves it: UTF-8 with or without a byte-order mark, comma or
    semicolon separated (whichever the start of the file uses more). Text that is not UTF-8 is
    refused as `error` with one problem on row 1."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        reason = _("the file is not UTF-8 text (byte %(n)s); save it as CSV UTF-8") % {"n": exc.start}
        raise error([FileProblem(1, "", "", reason)], 1) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


@dataclass(frozen=True)
class Column:
    key: str
    label: str = ""  # how messages name the column (default: its key)
    aliases: tuple[str, ...] = ()  # other header names accepted (the label is one already)
    required: bool = False  # the header must have it and every row a value
    present: bool = False  # the header must have it, a row may leave it empty
    unique: bool = False  # no two rows with the same value
    parse: Callable[[str], Any] | None = None  # text -> value; ValueError(reason) for a problem

    @property
    def name(self) -> str:
        return str(self.label or self.key)


@dataclass
class Row:
    """One data row: its number in the file (the header is row 1), the text of each declared
    column, the parsed values, and whether any problem was found in it."""

    number: int
    text: dict[str, str]
    values: dict[str, Any]
    extra: dict[str, str] = field(default_factory=dict)  # undeclared columns, by their header
    ok: bool = True

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value


class Table:
    def __init__(self, columns: Sequence[Column]):
        self.columns = list(columns)
        self._by_name: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.key, str(column.label), *column.aliases):
                if name:
                    self._by_name.setdefault(_key(name), column)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header(self, names: Sequence[Any], problems: ProblemLog) -> tuple[dict[str, int], dict[int, str]]:
        """Where each declared column is ({key: index}) and the other columns ({index: header});
        missing required columns and a column given twice are problems of row 1."""
        found: dict[str, int] = {}
        extra: dict[int, str] = {}
        for index, raw in enumerate(names):
            name = text_of(raw)
            if not name:
                continue
            column = self._by_name.get(_key(name))
            if column is None:
                extra[index] = name
            elif column.key in found:
                problems.add(1, name, "", _("column given twice (header row)"))
            else:
                found[column.key] = index
        for column in self.columns:
            if (column.required or column.present) and column.key not in found:
                problems.add(1, column.name, "", _("required column missing (header row)"))
        return found, extra

    def read(
        self, rows: Iterable[Sequence[Any]], problems: ProblemLog, *, max_rows: int | None = None
    ) -> Iterator[Row]:
        """The data rows after the header, blank rows skipped. Nothing is read when the header
        has a problem. Beyond `max_rows` data rows a problem is recorded and reading stops."""
        rows = iter(rows)
        before = problems.total
        where, extra = self.header(next(rows, ()), problems)
        if problems.total > before:
            return
        seen: dict[str, dict[str, int]] = {c.key: {} for c in self.columns if c.unique}
        count = 0
        for number, values in enumerate(rows, start=2):
            texts = {key: text_of(values[i]) if i < len(values) else "" for key, i in where.items()}
            others = {name: text_of(values[i]) for i, name in extra.items() if i < len(values)}
            if not any(texts.values()) and not any(others.values()):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                problems.add(number, "", "", _("too many rows: at most %(n)s") % {"n": max_rows})
                return
            yield self._row(number, texts, others, seen, problems)

    def _row(
        self,
        number: int,
        texts: dict[str, str],
        others: dict[str, str],
        seen: Mapping[str, dict[str, int]],
        problems: ProblemLog,
    ) -> Row:
        before = problems.total
        values: dict[str, Any] = {}
        for column in self.columns:
            text = texts.get(column.key, "")
            values[column.key] = None
            if not text:
                if column.required:
                    problems.add(number, column.name, "", _("required"))
                continue
            if column.unique:
                first = seen[column.key].setdefault(text, number)
                if first != number:
                    problems.add(number, column.name, text, _("duplicate of row %(row)s") % {"row": first})
                    continue
            if column.parse is None:
                values[column.key] = text
                continue
            try:
                values[column.key] = column.parse(text)
            except ValueError as exc:
                problems.add(number, column.name, text, str(exc))
        return Row(number=number, text=texts, values=values, extra=others, ok=problems.total == before)
