"""Figures the register provides to the PAR scorecard and to issue 22's targets (core.metrics
registry): the Decision 766 rates of the agency's dossiers for the year so far, and the plan's own
measures of the register (fully online dossiers, overdue dossiers, apologies, the catalogue
published in full). Definitions: docs/measures.md.

Every 766 rate (and the count of overdue dossiers) comes from ONE `selectors.quality()` per
(agency, year, end), shared inside `core.metrics.batch()`: a page showing them all reads the
register once.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import END_OF_DAY, LOCAL
from core.metrics import MetricValue, period_text, ratio_value, register_metric, shared, year_so_far
from procedures.catalogue import PUBLIC_PARTS
from procedures.models import Dossier, OnlineLevel, Procedure
from procedures.quality import Quality
from procedures.selectors import quality

ELECTRONIC = Q(paper_result=False) | Q(e_result=True)  # the "electronic" test of 766 3.3


@shared
def year_quality(agency_id: int, start: dt.date, end: dt.date) -> Quality:
    """The 766 indicators of the agency's register over [start, end] as they stood at its end
    (`as_of`: a dossier ended after `end` is judged as the open one it was then), one pass for
    every rate."""
    by_then = Q(apology_at__isnull=True) | Q(apology_at__lte=dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL))
    apologised = {"late_apologised": Q(apology_date__isnull=False) & by_then}
    full = Q(procedure__online_level=OnlineLevel.FULL)
    fully_online = {"full_received": full, "full_online": full & Q(channel="online") & ELECTRONIC}
    return quality(
        Dossier.objects.filter(agency_id=agency_id),
        start,
        end,
        as_of=True,
        late_also=apologised,
        received_also=fully_online,
    )


def dossier_rate(key: str, *, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    figure = year_quality(agency.pk, start, end).figures[key]
    source = _("Dossier register, Decision 766 rules")
    return ratio_value(int(figure.numerator), int(figure.denominator), start=start, end=end, source=source)


def overdue_dossiers(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Dossiers judged late by indicator 2.1's rule over [1 January, today] as they stood at the
    end of today (the 766 "late" part of progress: those ended late in the period, and those still
    open past their due date at its end, a second supplement request counting as late). A count,
    in dossiers; None when no dossier is in the period's scope."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    counts = year_quality(agency.pk, *bounds).counts
    if not counts["in_scope"]:
        return None
    return MetricValue(
        data={"count": int(counts["late"])},
        period=period_text(*bounds),
        source=_("Dossier register, late by Decision 766 indicator 2.1"),
        until=bounds[1],
    )


def late_dossiers_apologised_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Of the dossiers late by 2.1's rule over [1 January, today] (overdue_dossiers, the same
    condition), those for
    which an apology letter (Mẫu 04: a new date, `apology_date`) was recorded by the end of today;
    the register's filter "Có văn bản xin lỗi" is the same field."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    counts = year_quality(agency.pk, start, end).counts  # the same pass as the 766 rates
    source = _("Late dossiers with an apology letter (Mẫu 04) / late dossiers")
    return ratio_value(counts["late_apologised"], counts["late"], start=start, end=end, source=source)


def full_online_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """ "Hồ sơ trực tuyến toàn trình": of the dossiers received in [1 January, today] for procedures
    the catalogue offers fully online (online_level "full"), those received online whose result
    is electronic (no paper result, or an electronic one too: the "electronic" test of 766 3.3).
    The denominator is those procedures' dossiers, not all dossiers: the plan asks to raise the
    share of the fully online services actually used online, which all dossiers would dilute
    with procedures that cannot be done online. The catalogue keeps no history: a procedure's
    current level counts for older dossiers too."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    start, end = bounds
    counts = year_quality(agency.pk, start, end).counts  # the same pass as the 766 ratios
    source = _("Dossiers of fully online procedures received online / received")
    return ratio_value(counts["full_online"], counts["full_received"], start=start, end=end, source=source)


def procedures_published_complete_rate(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """Of the procedures of the agency's catalogue shown publicly (in use), those with every part
    the public page shows filled (procedures.catalogue.PUBLIC_PARTS: dossier components, steps,
    fees, where to submit, legal basis, result; the time limit is required on every row), the
    same rule as the catalogue's warning. The catalogue keeps no history: the figure is today's
    whatever `today` says."""
    if year_so_far(year, today) is None:
        return None
    rows = list(Procedure.objects.filter(agency=agency, active=True).values_list(*PUBLIC_PARTS))
    if not rows:
        return None
    complete = sum(1 for row in rows if all(str(value).strip() for value in row))
    return MetricValue(
        data={"numerator": complete, "denominator": len(rows)},
        period=_("catalogue as it stands"),
        source=_("Published procedures with every public part filled / published procedures"),
    )


def _drill_link(key: str, part: str) -> Any:
    """The dossiers behind a figure on the 766 page, over the year."""

    def link(agency: Any, year: int) -> str:
        query = {"key": key, "part": part, "period": "year", "year": str(year)}
        return reverse("procedures:quality_drill") + "?" + urlencode(query)

    return link


def _full_online_link(agency: Any, year: int) -> str:
    query = {"channel": "online", "from": f"01/01/{year}", "to": f"31/12/{year}"}
    return reverse("procedures:register") + "?" + urlencode(query)


def _catalogue_link(agency: Any, year: int) -> str:
    return reverse("procedures:catalogue")


# metric key: (indicator of procedures.quality, label, drill-down (key, part))
METRICS = {
    "dossier_on_time_rate": (
        "on_time_rate",
        gettext_lazy("Dossiers processed early or on time (766 2.1)"),
        ("progress", "late"),
    ),
    "online_rate": ("online_rate", gettext_lazy("Online dossiers (766 3.3)"), ("online_rate", "numerator")),
    "online_payment_rate": (
        "online_payment_rate",
        gettext_lazy("Dossiers paid online (766 3.6)"),
        ("online_payment_rate", "denominator"),
    ),
    "e_result_rate": (
        "e_result_rate",
        gettext_lazy("Dossiers with an electronic result (766 4.1)"),
        ("e_result_rate", "denominator"),
    ),
    "digitization_rate": (
        "digitization_rate",
        gettext_lazy("Digitised dossiers (766 4.2)"),
        ("digitization_rate", "numerator"),
    ),
    "reuse_rate": (
        "reuse_rate",
        gettext_lazy("Dossiers reusing digitised data (766 4.3)"),
        ("reuse_rate", "numerator"),
    ),
}


def register() -> None:
    for name, (key, label, (drill_key, part)) in METRICS.items():
        register_metric(name, str(label), partial(dossier_rate, key), link=_drill_link(drill_key, part))
    register_metric(
        "full_online_rate",
        str(gettext_lazy("Fully online dossiers of fully online procedures")),
        full_online_rate,
        link=_full_online_link,
    )
    register_metric(
        "overdue_dossiers",
        str(gettext_lazy("Overdue dossiers (766 2.1)")),
        overdue_dossiers,
        unit="hồ sơ",
        link=_drill_link("progress", "late"),
    )
    register_metric(
        "late_dossiers_apologised_rate",
        str(gettext_lazy("Late dossiers with an apology letter")),
        late_dossiers_apologised_rate,
        link=_drill_link("progress", "late"),
    )
    register_metric(
        "procedures_published_complete_rate",
        str(gettext_lazy("Published procedures with every public part filled")),
        procedures_published_complete_rate,
        link=_catalogue_link,
    )
