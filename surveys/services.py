"""Taking in SIPAS responses and looking after them: redeeming a single-use link, storing a
response without anything that identifies the respondent, staff entry, invalidation and comment
review (every staff change logged)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Agency, Unit, User
from core.privacy import redact
from core.services import StepRefused, log_action
from procedures.models import Procedure
from surveys import mixing
from surveys.models import Campaign, CommentState, Response, Source, SurveyToken
from surveys.sampling import covered


class SurveyError(StepRefused):
    """A step that cannot be taken, said in plain words."""


def attach_responses(campaign: Campaign) -> int:
    """A new campaign takes the responses already given in its period for its units and
    procedures that are in no campaign yet. It never takes them from another campaign: that
    campaign's figures, perhaps already read, would change by a few answers (issue 18)."""
    qs = Response.objects.filter(
        campaign=None,
        agency_id=campaign.agency_id,
        answered_on__gte=campaign.starts_on,
        answered_on__lte=campaign.ends_on,
    )
    qs = covered(qs, campaign)
    return Response.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).update(campaign=campaign)


@transaction.atomic
def create_campaign(
    *, actor: User, agency: Agency, campaign: Campaign, units: Iterable[Unit], procedures: Iterable[Procedure]
) -> Campaign:
    """Saves a new campaign of the agency (its fields filled, not saved yet) over the units and
    procedures given (none: all); it takes the responses already given in its period
    (`attach_responses`). Logged with how many it took."""
    campaign.agency = agency
    campaign.created_by = actor
    campaign.save()
    campaign.units.set(units)
    campaign.procedures.set(procedures)
    taken = attach_responses(campaign)
    log_action(actor=actor, agency=agency, action="sipas.campaign", obj=campaign, note=f"{taken} responses")
    return campaign


def campaign_for(*, agency_id: int, unit_id: int | None, procedure_id: int | None, day: dt.date) -> Campaign | None:
    """The agency's campaign running on `day` that covers the unit and the procedure (a campaign
    without units or procedures covers all); the most recently started one wins."""
    running = list(
        Campaign.objects.filter(agency_id=agency_id, starts_on__lte=day, ends_on__gte=day).order_by("-starts_on", "-id")
    )
    if not running:
        return None
    ids = [c.pk for c in running]
    units: dict[int, set[int]] = {pk: set() for pk in ids}
    procedures: dict[int, set[int]] = {pk: set() for pk in ids}
    for campaign_id, unit in Campaign.units.through.objects.filter(campaign_id__in=ids).values_list(
        "campaign_id", "unit_id"
    ):
        units[campaign_id].add(unit)
    for campaign_id, procedure in Campaign.procedures.through.objects.filter(campaign_id__in=ids).values_list(
        "campaign_id", "procedure_id"
    ):
        procedures[campaign_id].add(procedure)
    for campaign in running:
        if (not units[campaign.pk] or unit_id in units[campaign.pk]) and (
            not procedures[campaign.pk] or procedure_id in procedures[campaign.pk]
        ):
            return campaign
    return None


@dataclass
class Answers:
    """What a respondent gave: answers by code (None = no answer), profile and comment."""

    answers: dict[str, int | None]
    profile: dict[str, str]
    comment: str = ""


def build_response(
    answers: Answers,
    *,
    agency_id: int,
    unit_id: int | None,
    procedure_id: int | None,
    procedure_code: str,
    channel: str,
    source: str,
    questionnaire: str,
    day: dt.date,
    campaign: Campaign | None = None,
    find_campaign: bool = True,
    **extra: Any,
) -> Response:
    """A response not yet saved; its campaign is the one running for it unless given."""
    comment = answers.comment.strip()
    if campaign is None and find_campaign:
        campaign = campaign_for(agency_id=agency_id, unit_id=unit_id, procedure_id=procedure_id, day=day)
    return Response(
        agency_id=agency_id,
        campaign=campaign,
        unit_id=unit_id,
        procedure_id=procedure_id,
        procedure_code=procedure_code,
        channel=channel,
        source=source,
        questionnaire=questionnaire,
        answered_on=day,
        answers=answers.answers,
        profile={k: v for k, v in answers.profile.items() if v},
        comment=comment,
        comment_shown=redact(comment),
        comment_state=CommentState.PENDING if comment else CommentState.NONE,
        **extra,
    )


def redeem(invitation: SurveyToken, answers: Answers, *, questionnaire: str, channel: str, day: dt.date) -> bool:
    """Takes the answer given through a single-use link; False when the link was used meanwhile.
    The answer is kept and the link spent in separate transactions; the worker writes the day's
    answers at night in one shuffled batch (surveys.mixing): nothing ties the response to the link."""
    if SurveyToken.objects.filter(pk=invitation.pk, used=True).exists():
        return False
    pending = mixing.hold(invitation, answers, questionnaire=questionnaire, channel=channel, day=day)
    if not mixing.spend(invitation):
        mixing.drop(pending)
        return False
    mixing.keep_only(pending)  # an answer held before a crash, on this link, is not counted too
    return True


def token_state(digest: str) -> str:
    """ "open", "used" or "unknown"."""
    used = SurveyToken.objects.filter(digest=digest).values_list("used", flat=True).first()
    return "unknown" if used is None else ("used" if used else "open")


def submit_open(
    campaign: Campaign, answers: Answers, *, questionnaire: str, unit_id: int | None, day: dt.date
) -> Response:
    """A response through a campaign's open link (flagged, reported apart); at a unit's counter
    when the link names the unit."""
    response = build_response(
        answers,
        agency_id=campaign.agency_id,
        unit_id=unit_id,
        procedure_id=None,
        procedure_code="",
        channel="direct" if unit_id else "online",
        source=Source.OPEN,
        questionnaire=questionnaire,
        day=day,
        campaign=campaign,
    )
    response.save(force_insert=True)
    return response


@transaction.atomic
def enter_paper(
    *,
    actor: User,
    agency: Agency,
    answers: Answers,
    questionnaire: str,
    unit: Unit | None,
    procedure: Procedure | None,
    day: dt.date,
) -> Response:
    """A paper form typed in by staff (channel paper), logged with who entered it."""
    response = build_response(
        answers,
        agency_id=agency.pk,
        unit_id=unit.pk if unit else None,
        procedure_id=procedure.pk if procedure else None,
        procedure_code=procedure.code if procedure else "",
        channel="paper",
        source=Source.STAFF,
        questionnaire=questionnaire,
        day=day,
        entered_by=actor,
    )
    response.save(force_insert=True)
    log_action(actor=actor, agency=agency, action="sipas.entered", obj=response, note=str(day))
    return response


def invalidate(response: Response, *, actor: User, reason: str) -> Response:
    return _set_validity(response, actor=actor, reason=reason, valid=False)


def restore(response: Response, *, actor: User, reason: str) -> Response:
    return _set_validity(response, actor=actor, reason=reason, valid=True)


@transaction.atomic
def _set_validity(response: Response, *, actor: User, reason: str, valid: bool) -> Response:
    """Takes a response out of every figure, or counts it again; the reason is required and logged."""
    reason = reason.strip()
    if not reason:
        raise SurveyError(
            _("Give the reason for counting this response again.")
            if valid
            else _("Give the reason for invalidating this response.")
        )
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.is_valid == valid:
        raise SurveyError(_("This response is counted already.") if valid else _("This response is already invalid."))
    before = response.invalid_reason
    response.invalid_reason = "" if valid else reason
    response.save(update_fields=["invalid_reason"])
    log_action(
        actor=actor,
        agency=response.agency,
        action="sipas.restored" if valid else "sipas.invalidated",
        obj=response,
        changes={"invalid_reason": [before, response.invalid_reason]},
        note=reason,
    )
    return response


@transaction.atomic
def moderate(response: Response, *, actor: User, state: str, shown: str | None = None) -> Response:
    """Shows or hides a comment; staff may further redact the text shown (never the original)."""
    if state not in (CommentState.SHOWN, CommentState.HIDDEN):
        raise SurveyError(_("Choose to show or to hide the comment."))
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not response.comment:
        raise SurveyError(_("This response has no comment."))
    before = {"comment_state": response.comment_state, "comment_shown": response.comment_shown}
    response.comment_state = state
    if shown is not None and shown.strip():
        response.comment_shown = redact(shown.strip())
    response.save(update_fields=["comment_state", "comment_shown"])
    after = {"comment_state": response.comment_state, "comment_shown": response.comment_shown}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    log_action(actor=actor, agency=response.agency, action="sipas.comment", obj=response, changes=changes)
    return response
