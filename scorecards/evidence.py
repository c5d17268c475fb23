"""How PAR INDEX evidence shows in the evidence library (core.access hooks)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core.access import scope_for
from scorecards.access import ORGANISER_ROLES
from scorecards.models import Scorecard, ScoreEvidence


def appraised_documents(user) -> Q:
    """The appraisers of a Sở Nội vụ see the evidence of scorecards submitted to them."""
    scope = scope_for(user)
    organisers = [a for a in scope.agency_ids if scope.roles(a) & ORGANISER_ROLES]
    if not organisers:
        return Q(pk__in=[])
    linked = ScoreEvidence.objects.filter(
        score__scorecard__round__organizer_id__in=organisers, score__scorecard__status=Scorecard.Status.SUBMITTED
    ).values("document_id")
    return Q(pk__in=linked)


def scores_using_document(user, document) -> list[tuple[str, str]]:
    from scorecards.access import can_view_scorecard

    uses = []
    links = ScoreEvidence.objects.filter(document=document).select_related(
        "score__scorecard__round", "score__scorecard"
    )
    for link in links[:50]:
        card = link.score.scorecard
        if can_view_scorecard(user, card):
            url = reverse("scorecards:row_evidence", args=[card.pk, link.score_id])
            uses.append((f"{card.round} · {link.score.code}", url))
    return uses
