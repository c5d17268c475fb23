"""The PAR INDEX as computed measures (core.metrics) for issue 22's targets: the agency's index
in the year's round and its rank once the round is published. Definitions: docs/measures.md.

Registered under other keys than the criteria's metrics (`scorecards.metrics` is the periodic
series an agency enters): a criterion never takes the index it is part of.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.metrics import MetricValue, register_metric, shared
from scorecards.columns import COLUMN_LABELS, current_column
from scorecards.models import Scorecard
from scorecards.selectors import rank_of


@shared  # the index, the rank and their links read one scorecard per page
def year_card(agency: Any, year: int) -> Scorecard | None:
    """The agency's scorecard in the latest round assessing `year`."""
    return (
        Scorecard.objects.filter(agency=agency, round__year=year)
        .select_related("round__criteria_set")
        .order_by("-round__created_at", "-round__pk")
        .first()
    )


def _published_by(card: Scorecard, today: dt.date) -> bool:
    """Published, and on or before `today` (a snapshot of an earlier month does not see it)."""
    round_ = card.round
    if not round_.is_published or not card.published_results:
        return False
    return round_.published_at is None or timezone.localdate(round_.published_at) <= today


def _index(data: dict[str, Any]) -> Decimal | None:
    try:
        return None if data.get("index") in (None, "") else Decimal(str(data["index"]))
    except InvalidOperation:
        return None


def par_index(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """The agency's PAR INDEX (percent of the applicable maximum) in the latest round assessing
    `year`: the published result once the round is published (by `today`); else the column the
    round's phase has reached when past self-scoring (appraisal 1, appraisal 2, council); else the
    submitted self-assessment (one still being scored gives no figure). `source` says which.
    The scorecard keeps only its current results: an older
    snapshot shows the latest appraisal, never a later publication."""
    card = year_card(agency, year)
    if card is None:
        return None
    round_ = card.round
    if _published_by(card, today):
        data, source = (
            card.published_results,
            _("Published result (decision %(number)s)") % {"number": round_.decision_number or "—"},
        )
    else:
        column = current_column(round_)
        data = card.results.get(column, {})
        if column == "self" and card.status != Scorecard.Status.SUBMITTED:
            return None  # a self-assessment still being scored is no index yet (1 point of 73 scored so far)
        if column == "self":
            source = _("Self-assessment (not appraised yet)")
        else:
            source = _("Appraised: %(column)s (not published yet)") % {"column": COLUMN_LABELS[column]}
    index = _index(data)
    if index is None:
        return None
    return MetricValue(data={"percent": str(index)}, period=round_.name, source=source)


def par_rank(*, agency: Any, year: int, today: dt.date) -> MetricValue | None:
    """The agency's rank among the round's agencies by the published index (ties share a rank);
    None before the round is published (by `today`)."""
    card = year_card(agency, year)
    if card is None or not _published_by(card, today):
        return None
    rank = rank_of(card, "final")
    if rank is None:
        return None
    return MetricValue(
        data={"count": rank},
        period=card.round.name,
        source=_("Published ranking of %(count)s agencies") % {"count": card.round.scorecards.count()},
    )


def _scorecard_link(agency: Any, year: int) -> str | None:
    card = year_card(agency, year)
    return reverse("scorecards:scorecard", args=[card.pk]) if card else None


def register() -> None:
    register_metric("par_index", str(gettext_lazy("PAR INDEX of the agency")), par_index, link=_scorecard_link)
    register_metric("par_rank", str(gettext_lazy("PAR INDEX rank")), par_rank, unit="hạng", link=_scorecard_link)
