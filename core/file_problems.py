"""Problems found in an imported file, each located by row, column and value: the first
MAX_PROBLEMS are kept, all are counted, and a file with any is refused whole (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 100


@dataclass(frozen=True)
class FileProblem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        value = f" {self.value!r}" if self.value else ""
        return f"{where}:{value} {self.reason}"

    def as_data(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class FileError(ValueError):
    """A refused file: its first problems and how many there were."""

    def __init__(self, problems: list[FileProblem], total: int):
        super().__init__(f"{total} problem(s)")
        self.problems = problems
        self.total = total

    def lines(self, source: str) -> list[str]:
        """One line per kept problem, prefixed with the file's name, and the count of the rest."""
        lines = [f"{source}: {problem}" for problem in self.problems]
        if self.total > len(self.problems):
            lines.append(f"{source}: … and {self.total - len(self.problems)} more")
        return lines


@dataclass(kw_only=True)
class ProblemLog:
    """Where a reader records its problems."""

    problems: list[FileProblem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, value: str, reason: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FileProblem(row, column, value, reason))
