"""Reads for the administration pages: the people of an agency with their roles, the counts of
the overview, a person's history, and who receives which reminders."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.access import integration_accounts_of, people_of
from core.models import Agency, ApiToken, AuditEntry, CalendarOverride, Membership, Role, Signer, User


def people_with_roles(agency: Agency) -> QuerySet[User]:
    """The agency's people, each with `agency_roles` (their memberships in this agency, with units)."""
    roles = Membership.objects.filter(agency=agency).exclude(role=Role.INTEGRATION).select_related("unit")
    return (
        people_of(agency)
        .prefetch_related(Prefetch("memberships", queryset=roles.order_by("role"), to_attr="agency_roles"))
        .order_by("-is_active", "full_name", "username")
    )


def overview_counts(agency: Agency) -> dict[str, int]:
    people = people_of(agency)
    accounts = integration_accounts_of(agency)
    return {
        "people": people.filter(is_active=True).count(),
        "inactive": people.filter(is_active=False).count(),
        "units": agency.units.count(),
        "signers": Signer.objects.filter(agency=agency, active=True).count(),
        "overrides": CalendarOverride.objects.count(),
        "integration": accounts.count(),
        "tokens": ApiToken.objects.filter(user__in=accounts, revoked_at__isnull=True).count(),
        "no_digest": people.filter(is_active=True, email_digest=False).count(),
    }


def integration_accounts(agency: Agency) -> QuerySet[User]:
    """The agency's API accounts, each with `usable_tokens` (not revoked, not expired)."""
    usable = Count(
        "api_tokens", filter=Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=timezone.now())
    )
    return integration_accounts_of(agency).annotate(usable_tokens=usable).order_by("username")


def person_history(person: User, agency: Agency, limit: int = 50) -> list[AuditEntry]:
    """What was done to the person's account and roles, newest first, as the agency's administrator
    may read it: the agency's own trail, and the entries of no agency about the account (log-ins,
    account switched off or on, second factor); never another agency's entries."""
    account = Q(object_type="core.user", object_id=str(person.pk))
    roles = Q(object_type="core.membership", note__startswith=f"{person.get_username()}:")
    condition = ((account | roles) & Q(agency=agency)) | (account & Q(agency__isnull=True))
    return list(AuditEntry.objects.filter(condition).select_related("actor", "agency")[:limit])


@dataclass(frozen=True)
class Reminder:
    """A message the application sends by itself, to whom, and when (read off the jobs that send
    them: plans.reminders, procedures.reminders, feedback.reminders, scorecards.reminders)."""

    what: str | Promise
    when: str | Promise
    roles: tuple[str, ...]


def reminders() -> list[Reminder]:
    days = ", ".join(str(d) for d in settings.REMINDER_DAYS_BEFORE)
    return [
        Reminder(
            _("Task due soon"),
            _("%(days)s working days before the deadline") % {"days": days},
            (Role.OFFICER,),
        ),
        Reminder(_("Task overdue"), _("every working day while overdue"), (Role.OFFICER,)),
        Reminder(
            _("Task overdue (escalation)"),
            _("after a few working days overdue: the unit head, then the Office"),
            (Role.UNIT_HEAD, Role.FOCAL_POINT),
        ),
        Reminder(_("Task without a progress update"), _("when no update for a long time"), (Role.OFFICER,)),
        Reminder(
            _("Dossier due without a result"),
            _("one working day before its due date"),
            (Role.OFFICER, Role.UNIT_HEAD, Role.FOCAL_POINT),
        ),
        Reminder(
            _("Feedback step due"),
            _("before and after each step's deadline"),
            (Role.OFFICER, Role.UNIT_HEAD, Role.FOCAL_POINT, Role.LEADER),
        ),
        Reminder(_("Missing periodic figure"), _("after the period ends"), (Role.OFFICER, Role.UNIT_HEAD)),
        Reminder(
            _("Scorecard steps"),
            _("when a scorecard is submitted, returned or appraised"),
            (Role.FOCAL_POINT, Role.LEADER),
        ),
    ]


def receivers_by_role(agency: Agency) -> dict[str, list[User]]:
    """The active people holding each role in the agency: those the reminders of that role go to
    (the same rule as core.access.members_with), each once per role, by name."""
    rows = (
        Membership.objects.filter(agency=agency, user__is_active=True)
        .exclude(role=Role.INTEGRATION)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    out: dict[str, list[User]] = {role: [] for role in Role.values if role != Role.INTEGRATION}
    for row in rows:
        if row.user not in out[row.role]:
            out[row.role].append(row.user)
    return out
