"""The feedback group of the 766 dashboard (5.2, 5.3) from the agency's register, through
procedures.selectors.EXTRA_FIGURES; and the same figures as computed measures (core.metrics) for
the PAR scorecard and issue 22's targets, with the share of answers published. Definitions:
docs/measures.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import END_OF_DAY, LOCAL, local
from core.metrics import MetricValue, ratio_value, register_metric, shared, year_so_far
from core.models import Agency
from core.services import load_calendar
from feedback import access
from feedback.access import AnyUser
from feedback.indicators import NOT_ANSWERED_HERE, count, figures
from feedback.indicators import Feedback as Record
from feedback.models import Feedback
from procedures.models import Dossier
from procedures.quality import Figure
from procedures.selectors import EXTRA_FIGURES, quality


def _records(qs: QuerySet[Feedback], end: dt.date) -> Iterator[Record]:
    """The confirmed items of `qs` received by the end of `end`, as feedback.indicators reads them."""
    qs = qs.filter(confirmed=True, received_at__lte=dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL))
    for code, received_at, status, answered_at, published_at, unsatisfied, repeat_of in qs.values_list(
        "code", "received_at", "status", "answered_at", "published_at", "rated_unsatisfied", "repeat_of"
    ).iterator(chunk_size=2000):
        yield Record(
            code=code,
            received_at=received_at,
            status=status,
            answered_at=answered_at,
            published_at=published_at,
            rated_unsatisfied=bool(unsatisfied),
            repeated=repeat_of is not None,
        )


def figures_of(qs: QuerySet[Feedback], start: dt.date, end: dt.date) -> dict[str, Figure]:
    """The 766 feedback ratios of the confirmed items of `qs` over the period."""
    return figures(count(_records(qs, end), start, end, load_calendar()))


def agency_766(agency: Agency, start: dt.date, end: dt.date) -> dict[str, Figure]:
    """Every 766 indicator of the agency this system computes, for the period: the dossier ratios
    from the register, then the feedback ratios 5.2 and 5.3 (the portal's and the reports' set)."""
    figures = dict(quality(Dossier.objects.filter(agency=agency), start, end).figures)
    figures.update(figures_of(Feedback.objects.filter(agency=agency), start, end))
    return figures


def feedback_figures(
    user: AnyUser, agency: Agency, unit_id: int | None, start: dt.date, end: dt.date
) -> dict[str, Figure]:
    qs = access.feedback_visible_to(user, agency)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return figures_of(qs, start, end)


@dataclass(frozen=True)
class YearCounts:
    figures: dict[str, Figure]  # feedback.indicators' 5.2 and 5.3 over the year so far
    answered: int  # answers approved by the end (items the agency answers itself)
    published: int  # of those, published by the end


@shared
def year_counts(agency_id: int, start: dt.date, end: dt.date) -> YearCounts:
    """One pass over the agency's confirmed items received by `end`: the 766 ratios of
    feedback.indicators over [start, end] and, of the items received in it, the answers approved
    and published by the end of `end`."""
    records = list(_records(Feedback.objects.filter(agency_id=agency_id), end))
    last = dt.datetime.combine(end, END_OF_DAY)
    answered = published = 0
    for item in records:
        if item.status in NOT_ANSWERED_HERE or local(item.received_at).date() < start:
            continue
        if item.answered_at is not None and local(item.answered_at) <= last:
            answered += 1
            published += int(item.published_at is not None and local(item.published_at) <= last)
    return YearCounts(figures(count(records, start, end, load_calendar())), answered, published)


def feedback_rate(key: str, *, agency: Agency, year: int, today: dt.date) -> MetricValue | None:
    """A 766 feedback ratio (feedback_on_time_rate 5.2, feedback_satisfaction 5.3) of the agency's
    register over [1 January, today], exactly as the 766 page counts it (feedback.indicators)."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    figure = year_counts(agency.pk, *bounds).figures[key]
    source = _("Feedback register, Decision 766 rules")
    return ratio_value(int(figure.numerator), int(figure.denominator), start=bounds[0], end=bounds[1], source=source)


def feedback_published_rate(*, agency: Agency, year: int, today: dt.date) -> MetricValue | None:
    """ "Công khai kết quả xử lý PAKN": of the confirmed items received in [1 January, today] that
    the agency answers itself (not those not accepted or forwarded) and whose answer a leader
    approved by the end of today, those published (on the portal) by then."""
    bounds = year_so_far(year, today)
    if bounds is None:
        return None
    counts = year_counts(agency.pk, *bounds)
    source = _("Approved answers published / approved answers")
    return ratio_value(counts.published, counts.answered, start=bounds[0], end=bounds[1], source=source)


def _stats_link(agency: Agency, year: int) -> str:
    return reverse("feedback:stats") + "?" + urlencode({"from": f"01/01/{year}", "to": f"31/12/{year}"})


def register() -> None:
    EXTRA_FIGURES.append(feedback_figures)
    register_metric(
        "feedback_on_time_rate",
        str(gettext_lazy("Feedback answered on time (766 5.2)")),
        partial(feedback_rate, "feedback_on_time_rate"),
        link=_stats_link,
    )
    register_metric(
        "feedback_satisfaction_rate",
        str(gettext_lazy("Satisfaction with feedback handling (766 5.3)")),
        partial(feedback_rate, "feedback_satisfaction"),
        link=_stats_link,
    )
    register_metric(
        "feedback_published_rate",
        str(gettext_lazy("Feedback answers published")),
        feedback_published_rate,
        link=_stats_link,
    )
