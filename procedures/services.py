"""Dossier workflows (one_stop.md §3-§5): counter reception with the dossier code, hand-overs,
supplement requests, the ending steps and the apology (Mẫu 04). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from core.deadlines import DEFAULT_CUTOFF, LOCAL, due, local
from core.models import Agency, Unit, User
from core.services import StepRefused, diff, history_for, log_action
from procedures import documents
from procedures.dossier_file import FUTURE_TOLERANCE
from procedures.models import (
    ENDED_STATUSES,
    Dossier,
    DossierCounter,
    DossierStatus,
    Handover,
    OfficialScore,
    Procedure,
    SupplementRequest,
)
from procedures.selectors import Period

TRACKED = (
    "status",
    "unit_id",
    "due_date",
    "finished_at",
    "returned_at",
    "supplement_count",
    "supplement_requested_at",
    "supplement_completed_at",
    "paper_result",
    "e_result",
    "digitized",
    "reused_data",
    "paid_online",
    "apology_date",
    "apology_reason",
    "note",
    "end_reason",
)

# one_stop.md §3 (from `received` on; the ending steps carry the end time)
TRANSITIONS: dict[str, set[str]] = {
    "received": {"processing", "rejected", "stopped", "withdrawn", "finished"},
    "processing": {"supplement_requested", "finished", "rejected", "stopped", "withdrawn"},
    "supplement_requested": {"processing", "stopped", "withdrawn"},
    "finished": {"returned"},
}


# Called with a dossier whose handling unit changed (e.g. the SIPAS invitation follows it).
UNIT_CHANGED: list[Callable[[Dossier], None]] = []


class WorkflowError(StepRefused):
    """A step the dossier's current state does not allow; the message is for the user."""


class InputRefused(WorkflowError):
    """A step refused for what was typed (a missing reason, a new date that cannot be), not for
    the dossier's state: the page shows the form again with everything typed kept."""


def future_reception(received_at: dt.datetime, now: dt.datetime) -> bool:
    """A reception time after `now` by more than the clock skew allowed (D17)."""
    return received_at > now + FUTURE_TOLERANCE  # the file import's and the API's tolerance too


def snapshot(dossier: Dossier) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in TRACKED}


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _save(dossier: Dossier, before: dict[str, Any], *, actor: User, action: str, note: str = "") -> Dossier:
    dossier.save()
    log_action(
        actor=actor,
        agency=dossier.agency,
        action=action,
        obj=dossier,
        changes=diff(before, snapshot(dossier)),
        note=note,
    )
    return dossier


def _move(dossier: Dossier, target: str) -> None:
    if target not in TRANSITIONS.get(dossier.status, set()):
        raise WorkflowError(
            _("A dossier that is “%(status)s” cannot become “%(target)s”.")
            % {"status": dossier.get_status_display(), "target": DossierStatus(target).label}
        )
    dossier.status = target


def code_prefix(agency: Agency) -> str:
    return agency.electronic_id or agency.code


def next_code(agency: Agency, day: dt.date) -> str:
    """`{agency ID}-{YYMMDD}-{NNNN}`: the day's sequence under a row lock, never reused (§4)."""
    prefix = code_prefix(agency)
    counter, _created = DossierCounter.objects.select_for_update().get_or_create(prefix=prefix, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{day:%y%m%d}-{counter.last:04d}"


def compute_due(received: dt.datetime, procedure: Procedure, cal: WorkingCalendar) -> tuple[dt.date, dt.time | None]:
    result = due(
        received, procedure.limit, procedure.limit_unit, cal, cutoff=DEFAULT_CUTOFF if procedure.apply_cutoff else None
    )
    return result.date, result.time


def procedure_terms(procedure: Procedure) -> dict[str, Any]:
    """What a dossier takes from its procedure when received: the catalogue's time limit and
    whether a fee or a paper result applies (kept on the dossier: the catalogue may change later)."""
    return {
        "procedure": procedure,
        "procedure_code": procedure.code,
        "limit": procedure.limit,
        "limit_unit": procedure.limit_unit,
        "fee_bearing": procedure.fee_bearing,
        "paper_result": procedure.paper_result,
    }


@transaction.atomic
def receive(
    *,
    actor: User,
    agency: Agency,
    procedure: Procedure,
    received_at: dt.datetime,
    cal: WorkingCalendar,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Dossier:
    """A dossier received at the counter: its code, its due date from the catalogue, the audit
    entry. A reception time in the future (beyond a few minutes of clock skew) is refused."""
    moment = received_at if timezone.is_aware(received_at) else received_at.replace(tzinfo=LOCAL)
    if future_reception(moment, now or timezone.now()):
        raise InputRefused(_("The reception time cannot be in the future."))
    due_date, due_time = compute_due(moment, procedure, cal)
    dossier = Dossier(
        agency=agency,
        code=next_code(agency, local(moment).date()),
        received_at=moment,
        due_date=due_date,
        due_time=due_time,
        **procedure_terms(procedure),
        source="counter",
        created_by=actor,
        **fields,
    )
    dossier.save()
    log_action(
        actor=actor,
        agency=agency,
        action="dossier.received",
        obj=dossier,
        changes=diff(
            {}, {k: v for k, v in {"code": dossier.code, **snapshot(dossier)}.items() if v not in (None, "", 0)}
        ),
    )
    return dossier


@transaction.atomic
def hand_over(
    *,
    dossier: Dossier,
    actor: User,
    giver: str,
    receiver: str,
    to_unit: Unit | None,
    step_due: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Handover:
    """A row of the control slip (Mẫu 06): `giver` and `receiver` are the people who handed the
    dossier over and took it; the unit it left (`from_unit`) is the unit holding it before. The
    first hand-over starts the processing."""
    dossier = _locked(dossier)
    if dossier.status in ENDED_STATUSES and dossier.status != "finished":
        raise WorkflowError(_("This dossier is closed."))
    before = snapshot(dossier)
    handover = Handover.objects.create(
        dossier=dossier,
        handed_at=at or timezone.now(),
        giver=giver,
        receiver=receiver,
        to_unit=to_unit,
        # the first hand-over leaves the one-stop desk, not the unit the dossier is assigned to
        from_unit_id=None if dossier.status == "received" else dossier.unit_id,
        step_due=step_due,
        note=note,
        recorded_by=actor,
    )
    if dossier.status == "received":
        dossier.status = "processing"
    moved = to_unit is not None and dossier.status != "finished" and dossier.unit_id != to_unit.pk
    if moved:
        dossier.unit = to_unit
    _save(dossier, before, actor=actor, action="dossier.handed_over", note=f"{giver} → {receiver}")
    for hook in UNIT_CHANGED if moved else ():
        hook(dossier)
    return handover


@transaction.atomic
def request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    items: str = "",
    missing: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> SupplementRequest:
    """Mẫu 02: the missing documents (one a line) and the items to add or correct, each with its
    reason, all in one request; the clock pauses. A second request needs a reason and makes the
    dossier late (766)."""
    dossier = _locked(dossier)
    before = snapshot(dossier)
    if dossier.status == "received":
        dossier.status = "processing"
    _move(dossier, "supplement_requested")  # what the state refuses first, then what was typed
    if not items.strip() and not missing.strip():
        raise InputRefused(_("List the missing documents or the items to add or correct, with their reasons."))
    if dossier.supplement_count >= 1 and not reason.strip():
        raise InputRefused(_("A second supplement request needs a reason; it makes the dossier late."))
    moment = at or timezone.now()
    missing = "\n".join(line.strip() for line in missing.splitlines() if line.strip())
    request = SupplementRequest.objects.create(
        dossier=dossier,
        requested_at=moment,
        missing=missing,
        items=items.strip(),
        second_reason=reason.strip(),
        requested_by=actor,
    )
    dossier.supplement_count += 1
    if dossier.supplement_count == 1:
        dossier.supplement_requested_at = moment
    note = reason or "; ".join(filter(None, [missing.replace("\n", "; "), items]))[:200]
    _save(dossier, before, actor=actor, action="dossier.supplement_requested", note=note)
    return request


@transaction.atomic
def complete_supplement(*, dossier: Dossier, actor: User, at: dt.datetime | None = None) -> Dossier:
    dossier = _locked(dossier)
    before = snapshot(dossier)
    _move(dossier, "processing")
    moment = at or timezone.now()
    request = dossier.supplements.filter(completed_at__isnull=True).order_by("-requested_at").first()
    if request is not None:
        if moment < request.requested_at:
            raise WorkflowError(_("The supplement cannot be completed before it was requested."))
        request.completed_at = moment
        request.save(update_fields=["completed_at"])
    if dossier.supplement_count == 1:
        dossier.supplement_completed_at = moment
    return _save(dossier, before, actor=actor, action="dossier.supplement_completed")


@transaction.atomic
def finish(
    *,
    dossier: Dossier,
    actor: User,
    outcome: str,
    at: dt.datetime | None = None,
    note: str = "",
    flags: dict[str, bool] | None = None,
) -> Dossier:
    """finished (result issued), rejected, stopped or withdrawn: the end time of the 766 rules."""
    if outcome not in ("finished", "rejected", "stopped", "withdrawn"):
        raise InputRefused(_("Unknown outcome."))
    dossier = _locked(dossier)
    before = snapshot(dossier)
    _move(dossier, outcome)  # what the state refuses first, then what was typed
    if outcome != "finished" and not note.strip():
        raise InputRefused(_("Give the reason (it goes to the applicant)."))
    moment = at or timezone.now()
    if moment < dossier.received_at:
        raise WorkflowError(_("The end time is before the reception."))
    dossier.finished_at = moment
    for name, value in (flags or {}).items():
        setattr(dossier, name, value)
    if note:
        dossier.note = "\n".join(filter(None, [dossier.note, note]))
    if outcome != "finished":
        dossier.end_reason = note.strip()
    return _save(dossier, before, actor=actor, action=f"dossier.{outcome}", note=note)


@transaction.atomic
def return_result(*, dossier: Dossier, actor: User, at: dt.datetime | None = None) -> Dossier:
    dossier = _locked(dossier)
    before = snapshot(dossier)
    _move(dossier, "returned")
    dossier.returned_at = at or timezone.now()
    return _save(dossier, before, actor=actor, action="dossier.returned")


def apology_deadline(dossier: Dossier, cal: WorkingCalendar) -> dt.date:
    """Mẫu 04 goes out no later than the end of the working day before the due date (§5)."""
    return cal.previous_working_day(dossier.due_date)


@transaction.atomic
def apologise(*, dossier: Dossier, actor: User, reason: str, new_date: dt.date, cal: WorkingCalendar) -> Dossier:
    """Records the apology and its new date, once; the 766 due date stays the original one."""
    dossier = _locked(dossier)
    if dossier.apology_date is not None:
        raise WorkflowError(
            _("The new date was already set on %(date)s; it can be set only once.")
            % {"date": f"{dossier.apology_date:%d/%m/%Y}"}
        )
    if not dossier.is_open:
        raise WorkflowError(_("Only a dossier still being processed can get an apology letter."))
    if not reason.strip():
        raise InputRefused(_("Give the reason for the delay."))
    if new_date <= dossier.due_date:
        raise InputRefused(
            _("The new date must be after the due date (%(date)s).") % {"date": f"{dossier.due_date:%d/%m/%Y}"}
        )
    if not cal.is_working_day(new_date):
        raise InputRefused(_("The new date must be a working day."))
    before = snapshot(dossier)
    dossier.apology_date, dossier.apology_reason = new_date, reason.strip()
    dossier.apology_at, dossier.apology_by = timezone.now(), actor
    return _save(dossier, before, actor=actor, action="dossier.apology", note=reason)


def print_receipt(*, dossier: Dossier, actor: User) -> bytes:
    """Mẫu 01 as a Word file, its print logged (log_receipt_print)."""
    data = documents.receipt(dossier)
    log_receipt_print(dossier=dossier, actor=actor)
    return data


@transaction.atomic
def log_receipt_print(*, dossier: Dossier, actor: User, kind: str = "Word") -> None:
    """Mẫu 01 carries the citizen's single-use survey link: every print (the Word file or the
    print page) is in the audit log, and a print after the first one is logged as a reprint (who
    and when) for the auditors to see."""
    printed = history_for(dossier).filter(action__in=documents.RECEIPT_ACTIONS).exists()
    log_action(
        actor=actor,
        agency=dossier.agency,
        action="dossier.receipt_reprinted" if printed else "dossier.receipt_printed",
        obj=dossier,
        note=f"Mẫu 01 ({kind})",
    )


@dataclass(frozen=True)
class DueShown:
    """The one due date staff see (D31): the date (and the time, for a limit in hours), moved by
    the completed supplement pause in whole days (a pause shorter than a day moves nothing; the
    766 arithmetic keeps the exact pause), with why it moved."""

    date: dt.date
    time: dt.time | None
    moved_days: int  # days added for the supplement pause
    paused_from: dt.datetime | None  # the supplement pause, when there was one
    paused_until: dt.datetime | None  # None while the applicant has not completed the dossier yet

    @property
    def moved(self) -> bool:
        return self.moved_days > 0 or (self.time is not None and self.paused_until is not None)

    @property
    def waiting(self) -> bool:
        """The clock is paused now: the supplement was asked for and not yet completed."""
        return self.paused_from is not None and self.paused_until is None


def due_shown(dossier: Dossier) -> DueShown:
    start, end = dossier.supplement_requested_at, dossier.supplement_completed_at
    if dossier.due_time is not None:  # a limit in hours: the moment moves by the exact pause
        moment = dt.datetime.combine(dossier.due_date, dossier.due_time, tzinfo=LOCAL)
        if start and end:
            moment += end - start
        days = (moment.date() - dossier.due_date).days
        return DueShown(moment.date(), moment.time().replace(second=0, microsecond=0), days, start, end)
    days = (end - start).days if start and end else 0
    return DueShown(dossier.due_date + dt.timedelta(days=days), None, days, start, end)


AT_RISK_STATUSES = ("received", "processing")


def at_risk(qs: QuerySet[Dossier], *, today: dt.date, cal: WorkingCalendar) -> QuerySet[Dossier]:
    """Dossiers without a result due by the end of the next working day (overdue ones included)."""
    return qs.filter(status__in=AT_RISK_STATUSES, due_date__lte=cal.next_working_day(today))


def is_at_risk(dossier: Dossier, *, today: dt.date, cal: WorkingCalendar) -> bool:
    """at_risk() for one dossier."""
    return dossier.status in AT_RISK_STATUSES and dossier.due_date <= cal.next_working_day(today)


@transaction.atomic
def enter_official_score(
    *,
    actor: User,
    agency: Agency,
    period: Period,
    indicator: str,
    points: Decimal,
    rate: Decimal | None = None,
    source_url: str = "",
) -> OfficialScore:
    """A score the national portal published for the period, kept beside ours (one per indicator
    and period: entering it again replaces it, audited with the value before)."""
    score, created = OfficialScore.objects.get_or_create(
        agency=agency,
        period_start=period.start,
        period_end=period.end,
        indicator=indicator,
        defaults={"points": points},
    )
    before = {"points": None if created else score.points, "rate": None if created else score.rate}
    score.points, score.rate, score.source_url, score.entered_by = points, rate, source_url, actor
    score.save()
    log_action(
        actor=actor,
        agency=agency,
        action="official_766.entered",
        obj=score,
        changes=diff(before, {"points": score.points, "rate": score.rate}),
        note=f"{indicator} {period.label} {source_url}",
    )
    return score
