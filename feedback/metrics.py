"""The feedback group of the 766 dashboard (5.2, 5.3) from the agency's register, through
procedures.selectors.EXTRA_FIGURES."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from core.deadlines import END_OF_DAY, LOCAL
from core.models import Agency
from core.services import load_calendar
from feedback import access
from feedback.access import AnyUser
from feedback.indicators import Feedback as Record
from feedback.indicators import count, figures
from feedback.models import Feedback
from procedures.models import Dossier
from procedures.quality import Figure
from procedures.selectors import EXTRA_FIGURES, quality


def figures_of(qs: QuerySet[Feedback], start: dt.date, end: dt.date) -> dict[str, Figure]:
    """The 766 feedback ratios of the confirmed items of `qs` over the period."""
    qs = qs.filter(confirmed=True, received_at__lte=dt.datetime.combine(end, END_OF_DAY, tzinfo=LOCAL))
    records = (
        Record(
            code=code,
            received_at=received_at,
            status=status,
            answered_at=answered_at,
            published_at=published_at,
            rated_unsatisfied=bool(unsatisfied),
            repeated=repeat_of is not None,
        )
        for code, received_at, status, answered_at, published_at, unsatisfied, repeat_of in qs.values_list(
            "code", "received_at", "status", "answered_at", "published_at", "rated_unsatisfied", "repeat_of"
        ).iterator(chunk_size=2000)
    )
    return figures(count(records, start, end, load_calendar()))


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


def register() -> None:
    EXTRA_FIGURES.append(feedback_figures)
