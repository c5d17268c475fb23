"""The SIPAS results as a workbook (the dashboard's "Tải Excel"): the figures the dashboard
shows, and only those: a cell surveys.disclosure hides is written as hidden, never as a number;
a period whose figures are not given yet has its reason instead of figures. Headers in
Vietnamese, numbers native (two decimals), written through core.workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.models import Agency
from core.numbers import q2
from core.workbook import Sheet, workbook_bytes
from surveys import columns, disclosure
from surveys.questionnaire import Form
from surveys.results import Result


def _number(value: Decimal | None) -> Decimal | str:
    return "—" if value is None else q2(value)


def _items(form: Form, result: Result, hidden: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    index = result.index
    for element in form.questionnaire.elements:
        found = index.elements[element.code]
        if not result.shows(f"element:{element.code}") or result.suppressed:
            rows.append([element.title, "", hidden, "", "", "", ""])
        else:
            rows.append([element.title, "", found.n, "", _number(found.index), "", ""])
        for code in element.items:
            item = index.items[code]
            name = [columns.label(form, code), form.item_text[code]]
            if not result.shows(f"item:{code}") or result.suppressed:
                rows.append([*name, hidden, "", "", "", ""])
                continue
            low, high = (item.interval.low, item.interval.high) if item.interval else (None, None)
            rows.append([*name, item.n, item.satisfied, _number(item.rate), _number(low), _number(high)])
    return rows


def results_workbook(
    *, agency: Agency, form: Form, result: Result, groups: list[Result], dimension: str, status: str
) -> bytes:
    """The chosen period's figures: the items by element, the breakdown by `dimension`, the
    expectations. `status` says why there are no figures (not over, waiting, hidden), or ''."""
    hidden = _("hidden (under %(n)s responses)") % {"n": result.min_cell}
    heading = _("SIPAS satisfaction survey") + f" · {agency.name}"
    subtitle = [result.period.text, f"{form.title} · {form.method}"]
    if status:
        subtitle.append(status)
        result_rows: list[list[Any]] = []
    else:
        overall = hidden if result.overall is None else q2(result.overall)
        n = hidden if result.suppressed else result.index.responses
        result_rows = [[_("Service satisfaction index"), "", n, "", overall, "", ""], *_items(form, result, hidden)]
    sheets = [
        Sheet(
            _("Items by element"),
            [
                _("Element / item"),
                _("Text"),
                _("Responses (n)"),
                _("Satisfied"),
                _("Rate (%)"),
                # xgettext:no-python-format
                _("95 % interval: from"),
                # xgettext:no-python-format
                _("95 % interval: to"),
            ],
            result_rows,
            heading=heading,
            subtitle=subtitle,
            widths=[24, 70, 12, 12, 12, 14, 14],
            bold_rows=[0] if result_rows else [],
        )
    ]
    if not status:
        elements = form.questionnaire.elements
        breakdown = [
            [g.label, hidden, *[""] * (len(elements) + 1)]
            if g.suppressed
            else [
                g.label,
                g.n,
                _("hidden") if disclosure.OVERALL in g.hidden else _number(g.overall),
                *(
                    _("hidden") if f"element:{e.code}" in g.hidden else _number(g.element_index(e.code))
                    for e in elements
                ),
            ]
            for g in groups
        ]
        header = [dimension, _("Responses"), _("Index"), *(e.title for e in elements)]
        sheets.append(Sheet(_("Breakdown"), header, breakdown, heading=heading, subtitle=subtitle[:1]))
        expectations = []
        for code, text in form.expectation_text.items():
            found = result.index.expectations.get(code)
            shown = result.shows(f"expectation:{code}") and not result.suppressed and found is not None
            figures = [found.n, _number(found.rate)] if shown and found else [hidden, ""]
            expectations.append([columns.label(form, code), text, *figures])
        header = [_("Expectation"), _("Area"), _("Responses (n)"), _("Much or very much (%)")]
        sheets.append(Sheet(_("Expectations"), header, expectations, heading=heading, subtitle=subtitle[:1]))
    return workbook_bytes(sheets)


# The clerk's copy of the responses (beside the exchange CSV, which stays as it is) -----------------


def answer_text(scale: dict[int, str], value: Any) -> str:
    """An answer as the form words it ("Hài lòng" for 4), blank when not answered."""
    if value is None or value == "":
        return ""
    try:
        return scale.get(int(value), str(value))
    except (TypeError, ValueError):
        return str(value)


def responses_workbook(
    *, agency: Agency, form: Form, period: str, rows: Iterable[dict[str, Any]], header: dict[str, str]
) -> bytes:
    """The responses of a period as a clerk reads them: the question texts as headers, each answer
    in the form's words, the channel and the source in Vietnamese, the month as a date (the
    exchange file's columns and no more: nothing in it names or points to a person). A row is a
    dict with the keys `response_id`, the item and expectation codes, `unit`, `procedure_code`,
    `channel`, `source`, `month` (a date, the month's first day); `header` names the
    non-question columns. Printable: A4 landscape at full size, the header row and the form's
    number repeated on every page."""
    q = form.questionnaire
    items, expectations = list(q.items), list(q.expectations)
    titles = [
        header["response_id"],
        *(f"{columns.label(form, code)}. {form.item_text[code]}" for code in items),
        *(f"{columns.label(form, code)}. {form.expectation_text[code]}" for code in expectations),
        header["unit"],
        header["procedure_code"],
        header["channel"],
        header["source"],
        header["month"],
    ]

    def values() -> Iterable[list[Any]]:
        for row in rows:
            yield [
                row["response_id"],
                *(answer_text(form.scale, row.get(code)) for code in items),
                *(answer_text(form.expectation_scale, row.get(code)) for code in expectations),
                row.get("unit", ""),
                row.get("procedure_code", ""),
                row.get("channel", ""),
                row.get("source", ""),
                row.get("month"),
            ]

    month_column = len(titles) - 1
    sheet = Sheet(
        _("Responses"),
        titles,
        values(),
        heading=_("SIPAS satisfaction survey") + f": {agency.name}",
        subtitle=[period, form.title, columns.scales(form)],
        widths=[37, *([13] * (len(items) + len(expectations))), 16, 12, 12, 16, 9],  # the form number whole
        number_formats={month_column: MONTH},
        printable=True,
        landscape=True,
        fit_width=0,  # a column per question: printed at full size over several pages across
        borders=True,
        frozen_columns=1,
    )
    return workbook_bytes([sheet])


MONTH = "MM/YYYY"  # a response is dated to its month only (never the day: surveys.access.month_of)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)
