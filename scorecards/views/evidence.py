"""The evidence of one criterion: the page, and linking a document from the library, unlinking
one, or uploading a new document and linking it (one view each)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import documents_visible_to
from core.forms import DocumentForm
from core.models import Document
from core.views import handle_document_upload
from core.web import refuses_politely
from scorecards import access, evidence
from scorecards.models import NodeScore, Scorecard


def _named(score: NodeScore, document: Document) -> dict[str, str]:
    return {"code": score.code, "document": document.abstract or document.doc_number or str(document)}


def _evidence_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("scorecards:row_evidence", args=[kwargs["pk"], kwargs["score_id"]])


@login_required
def row_evidence(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id)
    return _page(request, card, score, DocumentForm())


@login_required
@require_POST
@refuses_politely(_evidence_page)
def link(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_edit_evidence)
    doc_id = request.POST.get("document", "")
    document = documents_visible_to(request.user).filter(pk=int(doc_id) if doc_id.isdigit() else 0).first()
    if document is None:
        raise Http404
    evidence.link_evidence(actor=request.user, score=score, document=document, today=timezone.localdate())
    messages.success(request, _("Document linked to criterion %(code)s: %(document)s.") % _named(score, document))
    return redirect("scorecards:row_evidence", card.pk, score.pk)


@login_required
@require_POST
@refuses_politely(_evidence_page)
def unlink(request: HttpRequest, pk: int, score_id: int, document_id: int) -> HttpResponse:
    """Takes a document off the criterion (nothing to do when it is not linked any more)."""
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_edit_evidence)
    document = score.evidence.filter(pk=document_id).first()
    if document is not None:
        evidence.unlink_evidence(actor=request.user, score=score, document=document, today=timezone.localdate())
        messages.success(
            request, _("Document removed from criterion %(code)s: %(document)s.") % _named(score, document)
        )
    return redirect("scorecards:row_evidence", card.pk, score.pk)


@login_required
@require_POST
@refuses_politely(_evidence_page)
def upload(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    card, score = access.get_score_for_user(request.user, pk, score_id, can=access.can_edit_evidence)
    today = timezone.localdate()
    evidence.evidence_stage(score, today)  # refused before a file that could not be linked is stored
    form, document = handle_document_upload(request, card.agency)
    if document is None:
        return _page(request, card, score, form)
    evidence.link_evidence(actor=request.user, score=score, document=document, today=today)
    messages.success(
        request, _("Document uploaded and linked to criterion %(code)s: %(document)s.") % _named(score, document)
    )
    return redirect("scorecards:row_evidence", card.pk, score.pk)


def _page(request: HttpRequest, card: Scorecard, score: NodeScore, form: DocumentForm) -> HttpResponse:
    links = score.evidence_links.select_related("document", "version").order_by("linked_at")
    library = (
        documents_visible_to(request.user)
        .filter(agency=card.agency)
        .exclude(pk__in=score.evidence.values("pk"))
        .order_by("-created_at")[:300]
    )
    context = {
        "card": card,
        "score": score,
        "node": card.round.criteria_set.parsed().by_code().get(score.code),
        "links": links,
        "library": library,
        "form": form,
        "can_edit": access.can_edit_evidence(request.user, card, score),
        "flags": evidence.evidence_flags([link.document for link in links], card.round.year),
    }
    return render(request, "scorecards/row_evidence.html", context)
