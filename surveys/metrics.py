"""The agency's own SIPAS service index for the PAR scorecard's survey criteria (sipas.md §10):
valid responses of the year's latest ended whole period, open-link answers left out."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.metrics import MetricValue, register_metric
from core.numbers import q2
from surveys import selectors
from surveys.index import SMALL_SAMPLE

KEY = "sipas_service_index"


def service_index(*, agency, year: int, today: dt.date) -> MetricValue | None:
    """Over a whole period only (issue 18 H2): the year once it has ended, else the latest ended
    whole period inside it (first quarter, 6 or 9 months...), through surveys.disclosure."""
    try:
        whole = selectors.published_period("year", year, 1, today)
    except ValueError:
        return None
    result = selectors.agency_result(agency.pk, whole, today=today)
    if whole is None or result is None or result.overall is None or result.n is None:
        return None
    return MetricValue(
        data={"percent": str(q2(result.overall))},
        period=f"{whole.start:%d/%m/%Y} – {whole.end:%d/%m/%Y}",
        source=(
            _("Agency SIPAS survey, %(n)s responses") % {"n": result.n}
            + (" " + _("(fewer than 30: low precision)") if result.n < SMALL_SAMPLE else "")
        ),
    )


def register() -> None:
    register_metric(KEY, str(gettext_lazy("SIPAS service index (agency survey)")), service_index)
