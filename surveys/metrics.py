"""The agency's own SIPAS service index for the PAR scorecard's survey criteria (sipas.md §10),
and the index of each SIPAS element for issue 22's targets: valid responses of the year's latest
ended whole period, open-link answers left out. Definitions: docs/measures.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.metrics import MetricValue, period_text, register_metric, shared
from core.numbers import q2
from surveys import disclosure, selectors
from surveys.index import SMALL_SAMPLE
from surveys.results import Result

KEY = "sipas_service_index"
ELEMENT_PREFIX = "sipas_element_"


@shared
def year_result(agency_id: int, year: int, today: dt.date) -> tuple[disclosure.Period | None, Result | None]:
    """The whole period the figures are over and the agency's result for it, as reports and the
    portal show it (surveys.selectors.shown_result): the year once it has ended, else the latest
    ended whole period inside it (first quarter, 6 or 9 months...); when that result is withheld
    (surveys.disclosure), the next latest one that is shown. One computation for the index and
    every element."""
    try:
        return selectors.shown_result(agency_id, "year", year, 1, today)
    except ValueError:
        return None, None


def _value(percent: Decimal, whole: disclosure.Period, result: Result) -> MetricValue:
    n = result.n or 0
    return MetricValue(
        data={"percent": str(q2(percent))},
        period=period_text(whole.start, whole.end),
        until=whole.end,
        source=(
            _("Agency SIPAS survey, %(n)s responses") % {"n": n}
            + (" " + _("(fewer than 30: low precision)") if n < SMALL_SAMPLE else "")
        ),
    )


def service_index(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Over a whole period only (issue 18 H2): the shown result of year_result, through
    surveys.disclosure; None when no whole period has ended or none may be shown."""
    whole, result = year_result(agency.pk, year, today)
    if whole is None or result is None or result.overall is None or result.n is None:
        return None
    return _value(result.overall, whole, result)


def element_index(code: str, *, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """The index of one SIPAS element over the same whole period and result as the service index;
    None when that result, or the element's cell, may not be shown (surveys.disclosure)."""
    whole, result = year_result(agency.pk, year, today)
    if whole is None or result is None or result.n is None or code not in result.index.elements:
        return None
    percent = result.element_index(code)
    return None if percent is None else _value(percent, whole, result)


def _dashboard_link(agency: Any, year: int) -> str:
    """The SIPAS page over the calendar year (a whole period: its figures once it has ended)."""
    return reverse("surveys:dashboard") + "?" + urlencode({"campaign": "all", "period": "year", "year": str(year)})


def register() -> None:
    register_metric(KEY, str(gettext_lazy("SIPAS service index (agency survey)")), service_index, link=_dashboard_link)
    form = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
    for element in form.questionnaire.elements:
        title = form.element_titles.get(element.code, element.code)
        register_metric(
            ELEMENT_PREFIX + element.code,
            _("SIPAS element: %(element)s") % {"element": title},
            partial(element_index, element.code),
            link=_dashboard_link,
        )
