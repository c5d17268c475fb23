"""Evidence of the PAR INDEX: linking documents to a criterion (initial evidence while
self-scoring, supplementary evidence while explaining), the automatic checks of par_index.md §8,
and how the evidence shows in the evidence library (core.access hooks, registered in apps.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import scope_for
from core.models import Document, User
from core.services import log_action
from scorecards.access import ORGANISER_ROLES, can_view_scorecard
from scorecards.errors import ScoreError
from scorecards.models import NodeScore, Phase, Scorecard, ScoreEvidence
from scorecards.services import check_open, check_self_editable, locked_score


def evidence_stage(score: NodeScore, today: dt.date) -> str:
    """The stage a document linked now would have; ScoreError when no document can be linked."""
    round_ = score.scorecard.round
    if round_.phase == Phase.EXPLANATION:
        check_open(round_, Phase.EXPLANATION, today)
        if not score.explanation_requested:
            raise ScoreError(_("Supplementary evidence is accepted only for criteria asked to explain."))
        if score.scorecard.explanation_submitted_at:
            raise ScoreError(_("The explanations have been submitted."))
        return ScoreEvidence.Stage.SUPPLEMENTARY
    check_self_editable(score, today)
    return ScoreEvidence.Stage.INITIAL


@transaction.atomic
def link_evidence(*, actor: User | None, score: NodeScore, document: Document, today: dt.date) -> ScoreEvidence:
    score = locked_score(score)
    if document.agency_id != score.scorecard.agency_id:
        raise ScoreError(_("The document belongs to another agency."))
    stage = evidence_stage(score, today)
    # the version seen now is the one appraised, whatever versions are added later
    version = document.versions.order_by("-version").first()
    link, created = ScoreEvidence.objects.get_or_create(
        score=score, document=document, defaults={"stage": stage, "linked_by": actor, "version": version}
    )
    if created:
        log_action(
            actor=actor,
            agency=score.scorecard.agency,
            action="score.evidence_linked",
            obj=score,
            changes={"evidence": [None, document.pk]},
            note=f"{score.code}: {document}",
        )
    return link


@transaction.atomic
def unlink_evidence(*, actor: User | None, score: NodeScore, document: Document, today: dt.date) -> None:
    score = locked_score(score)
    link = ScoreEvidence.objects.filter(score=score, document=document).first()
    if link is None:
        return
    if link.stage == ScoreEvidence.Stage.SUPPLEMENTARY:
        check_open(score.scorecard.round, Phase.EXPLANATION, today)
    else:
        check_self_editable(score, today)
    link.delete()
    log_action(
        actor=actor,
        agency=score.scorecard.agency,
        action="score.evidence_unlinked",
        obj=score,
        changes={"evidence": [document.pk, None]},
        note=f"{score.code}: {document}",
    )


def evidence_flags(documents: Iterable[Document], year: int) -> list[str]:
    """Automatic checks of evidence (par_index.md §8): dated outside the assessed year (up to the
    self-assessment in January of the next year), or without a number."""
    flags = []
    for doc in documents:
        if doc.issued_on and not (dt.date(year, 1, 1) <= doc.issued_on <= dt.date(year + 1, 1, 31)):
            flags.append(
                _("%(doc)s is dated outside %(year)s") % {"doc": doc.doc_number or doc.abstract[:30], "year": year}
            )
        if not doc.doc_number:
            flags.append(_("%(doc)s has no number") % {"doc": doc.abstract[:30]})
    return flags


# --- the evidence library -----------------------------------------------------------------------


def appraised_documents(user: User) -> Q:
    """The appraisers of a Sở Nội vụ see the evidence of scorecards submitted to them."""
    scope = scope_for(user)
    organisers = [a for a in scope.agency_ids if scope.roles(a) & ORGANISER_ROLES]
    if not organisers:
        return Q(pk__in=[])
    linked = ScoreEvidence.objects.filter(
        score__scorecard__round__organizer_id__in=organisers, score__scorecard__status=Scorecard.Status.SUBMITTED
    ).values("document_id")
    return Q(pk__in=linked)


def scores_using_document(user: User, document: Document) -> list[tuple[str, str]]:
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
