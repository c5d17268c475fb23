"""The agency's own SIPAS service index for the PAR scorecard's survey criteria (sipas.md §10):
valid responses of the year so far, open-link answers left out."""

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
    start, end = dt.date(year, 1, 1), min(today, dt.date(year, 12, 31))
    if end < start:
        return None
    form = selectors.questionnaire(selectors.DEFAULT_QUESTIONNAIRE)
    index = selectors.summary(
        selectors.responses([agency.pk], start=start, end=end, questionnaire_code=form.code), form
    )
    if index.overall is None:
        return None
    return MetricValue(
        data={"percent": str(q2(index.overall))},
        period=f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
        source=(
            _("Agency SIPAS survey, %(n)s responses") % {"n": index.responses}
            + (" " + _("(fewer than 30: low precision)") if index.responses < SMALL_SAMPLE else "")
        ),
    )


def register() -> None:
    register_metric(KEY, str(gettext_lazy("SIPAS service index (agency survey)")), service_index)
