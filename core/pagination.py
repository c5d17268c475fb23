"""Paging a long public list without counting it: one query of a page and one row more, which
says whether there is a next page. The portal's lists of published answers run to hundreds of
thousands of rows, where counting them for every page costs more than reading the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class Window:
    object_list: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


MAX_PAGE = 1000  # deeper pages are reached by searching, not by paging


def window(qs, page: str | int | None, per_page: int) -> Window:
    """The rows of page `page` (1 for anything that is not a page number from 1 to MAX_PAGE)."""
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), MAX_PAGE)
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return Window(rows[:per_page], number, len(rows) > per_page)
