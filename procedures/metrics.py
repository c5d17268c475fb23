"""Figures the register provides to the PAR scorecard (core.metrics registry): the Decision 766
rates of the agency's dossiers for the year so far."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.metrics import MetricValue, register_metric
from procedures.models import Dossier
from procedures.selectors import quality


def dossier_rate(key: str, *, agency, year: int, today: dt.date) -> MetricValue | None:
    start, end = dt.date(year, 1, 1), min(today, dt.date(year, 12, 31))
    if end < start:
        return None
    figure = quality(Dossier.objects.filter(agency=agency), start, end).figures[key]
    if not figure.denominator:
        return None
    return MetricValue(
        data={"numerator": int(figure.numerator), "denominator": int(figure.denominator)},
        period=f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
        source=_("Dossier register, Decision 766 rules"),
    )


METRICS = {
    "dossier_on_time_rate": ("on_time_rate", gettext_lazy("Dossiers processed early or on time (766 2.1)")),
    "online_rate": ("online_rate", gettext_lazy("Online dossiers (766 3.3)")),
    "online_payment_rate": ("online_payment_rate", gettext_lazy("Dossiers paid online (766 3.6)")),
    "e_result_rate": ("e_result_rate", gettext_lazy("Dossiers with an electronic result (766 4.1)")),
    "digitization_rate": ("digitization_rate", gettext_lazy("Digitised dossiers (766 4.2)")),
}


def register() -> None:
    for name, (key, label) in METRICS.items():
        register_metric(name, str(label), partial(dossier_rate, key))
