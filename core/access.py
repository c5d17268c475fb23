"""Who may see and do what. Views obtain scoped objects only through these functions.

Invisible -> Http404, visible but read-only -> PermissionDenied (403).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from core.models import Agency, ApiToken, Document, DocumentVersion, Membership, Province, Role, User

AnyUser = User | AnonymousUser  # a signed-in person, or the anonymous visitor of a public page

AGENCY_WIDE_ROLES = {Role.ADMINISTRATOR, Role.LEADER, Role.FOCAL_POINT, Role.AUDITOR, Role.APPRAISER}
MANAGER_ROLES = {Role.ADMINISTRATOR, Role.LEADER, Role.FOCAL_POINT}
# Role.INTEGRATION is in none of these sets and never in `roles_by_agency`: an integration
# account is no member of the agency for any page or API route. Only the dossier API asks
# Scope.is_integration (procedures.access).


@dataclass
class Scope:
    """Everything the access rules need about one user, loaded with one query."""

    user_id: int | None
    is_superuser: bool = False
    roles_by_agency: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    roles_by_unit: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    province_by_agency: dict[int, int] = field(default_factory=dict)
    kind_by_agency: dict[int, str] = field(default_factory=dict)
    integration_agencies: set[int] = field(default_factory=set)

    @property
    def agency_ids(self) -> set[int]:
        return set(self.roles_by_agency)

    def roles(self, agency_id: int) -> set[str]:
        return self.roles_by_agency.get(agency_id, set())

    def unit_roles(self, unit_id: int) -> set[str]:
        return self.roles_by_unit.get(unit_id, set())

    def can_view_agency(self, agency_id: int) -> bool:
        return self.is_superuser or agency_id in self.roles_by_agency

    def is_integration(self, agency_id: int) -> bool:
        """The agency's integration account (the provincial system): its dossiers through the API."""
        return agency_id in self.integration_agencies

    def is_manager(self, agency_id: int) -> bool:
        return self.is_superuser or bool(self.roles(agency_id) & MANAGER_ROLES)

    def can_manage(self, agency_id: int) -> bool:
        """Leads the agency's work (leader, Office, administrator) and may change it: not an
        auditor's or appraiser's read-only view."""
        return self.is_manager(agency_id) and not self.is_read_only(agency_id)

    def sees_whole_agency(self, agency_id: int) -> bool:
        """Leaders, the Office, administrators, auditors and appraisers see every task of the agency;
        officers and unit heads see the tasks of their units."""
        return self.is_superuser or bool(self.roles(agency_id) & AGENCY_WIDE_ROLES)

    def province_appraiser_of(self) -> set[int]:
        """Provinces whose agencies this user appraises (an appraiser of a Sở Nội vụ)."""
        return {
            self.province_by_agency[agency_id]
            for agency_id, roles in self.roles_by_agency.items()
            if Role.APPRAISER in roles and self.kind_by_agency.get(agency_id) == "home_affairs"
        }

    def is_read_only(self, agency_id: int) -> bool:
        roles = self.roles(agency_id)
        return not self.is_superuser and bool(roles) and roles <= {Role.AUDITOR, Role.APPRAISER}

    def units_with(self, *roles: str) -> set[int]:
        return {unit_id for unit_id, held in self.roles_by_unit.items() if held & set(roles)}

    def can_work_on(self, agency_id: int, *, unit_id: int | None, owner_id: int | None) -> bool:
        """Works on an object of the agency (a document, a feedback item): not read-only there,
        and a manager of the agency, the object's owner, or an officer or the head of its unit."""
        if not self.can_view_agency(agency_id) or self.is_read_only(agency_id):
            return False
        if self.is_manager(agency_id) or (owner_id is not None and owner_id == self.user_id):
            return True
        return bool(unit_id and self.unit_roles(unit_id) & {Role.OFFICER, Role.UNIT_HEAD})


def scope_for(user: AnyUser) -> Scope:
    """The user's Scope, loaded once and kept on the user object for the request."""
    cached: Scope | None = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        scope = Scope(user_id=None)
    else:
        user_id = cast(int, user.pk)  # signed in: a User with its key
        scope = Scope(user_id=user_id, is_superuser=user.is_superuser)
        rows = Membership.objects.filter(user_id=user_id).values_list(
            "agency_id", "unit_id", "role", "agency__province_id", "agency__kind"
        )
        for agency_id, unit_id, role, province_id, kind in rows:
            if role == Role.INTEGRATION:
                scope.integration_agencies.add(agency_id)
                continue
            scope.roles_by_agency[agency_id].add(role)
            scope.province_by_agency[agency_id] = province_id
            scope.kind_by_agency[agency_id] = kind
            if unit_id:
                scope.roles_by_unit[unit_id].add(role)
        user._access_scope = scope  # type: ignore[union-attr]  # kept on the user for the request
    return scope


def get_visible[M: Model](objects: QuerySet[M], pk: int, *, allowed: Callable[[M], bool] | None = None) -> M:
    """The object `pk` among `objects` (those the user sees): Http404 when it is not one of them;
    with `allowed`, PermissionDenied when that says the user may not do what the page does."""
    found = objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    if allowed is not None and not allowed(found):
        raise PermissionDenied
    return found


def staff_of(agency: Agency) -> QuerySet[User]:
    """The agency's people, for pickers (assignees): every member but the integration account."""
    return User.objects.filter(memberships__agency=agency).exclude(memberships__role=Role.INTEGRATION).distinct()


# Who may be given work (a task, a feedback item): the people who carry it out or lead it; never an
# auditor, an appraiser, an administrator who administers only, or the integration account.
ASSIGNABLE_ROLES = (Role.OFFICER, Role.UNIT_HEAD, Role.FOCAL_POINT, Role.LEADER)


def assignable_staff(agency: Agency | int, *, unit_id: int | None = None) -> QuerySet[User]:
    """The active people of the agency who may be assigned work (with `unit_id`: of that unit),
    for assignee pickers, ordered by name."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    rows = Membership.objects.filter(agency_id=agency_id, role__in=ASSIGNABLE_ROLES)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return User.objects.filter(is_active=True, pk__in=rows.values("user_id")).order_by("full_name", "username")


def members_with(agency_id: int, roles: Iterable[str], *, unit_id: int | None = None) -> set[int]:
    """The active people holding one of `roles` in the agency (with `unit_id`: in that unit), as
    user ids: the one recipients query of reminders and workflow notifications."""
    rows = Membership.objects.filter(agency_id=agency_id, role__in=list(roles), user__is_active=True)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return set(rows.values_list("user_id", flat=True))


def visible_agencies(user: AnyUser) -> QuerySet[Agency]:
    scope = scope_for(user)
    qs = Agency.objects.all()
    return qs if scope.is_superuser else qs.filter(pk__in=scope.agency_ids)


def get_agency_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Agency:
    scope = scope_for(user)
    if not scope.can_view_agency(pk):
        raise Http404
    if manage and not scope.is_manager(pk):
        raise PermissionDenied
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise Http404
    return agency


def current_agency(request: HttpRequest) -> Agency | None:
    """The agency the user is working in: chosen in the session, else their first one."""
    if hasattr(request, "_current_agency"):
        known: Agency | None = request._current_agency
        return known
    agencies = visible_agencies(request.user).order_by("name")
    chosen = request.session.get("agency_id")
    agency = (agencies.filter(pk=chosen).first() if chosen else None) or agencies.first()
    request._current_agency = agency  # type: ignore[attr-defined]  # kept for the request
    return agency


def current_agency_or_404(request: HttpRequest) -> Agency:
    """The current agency of a page that needs one: 404 for a person with none."""
    agency = current_agency(request)
    if agency is None:
        raise Http404
    return agency


def can_change_document(user: AnyUser, document: Document) -> bool:
    """New versions of an evidence document: its uploader, the officers and head of its unit,
    and the agency's managers (leader, Office focal point, administrator)."""
    return scope_for(user).can_work_on(document.agency_id, unit_id=document.unit_id, owner_id=document.created_by_id)


# Domain apps say which evidence documents a person may see through their objects (e.g. the
# documents of the tasks they see) and where a document is used; registered in AppConfig.ready.
DOCUMENT_VISIBILITY: list[Callable[..., Q]] = []
DOCUMENT_USES: list[Callable[..., list[tuple[str, str]]]] = []
# Documents of other agencies a person may see through their work (e.g. the evidence of a
# scorecard submitted to the appraisers of a Sở Nội vụ).
DOCUMENT_GRANTS: list[Callable[..., Q]] = []


def can_add_document(user: AnyUser, agency: Agency) -> bool:
    """Any member but a read-only one (auditor, appraiser) files evidence in the agency."""
    scope = scope_for(user)
    return scope.can_view_agency(agency.pk) and not scope.is_read_only(agency.pk)


def get_document_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Document:
    """An evidence document the user sees (404 otherwise); with `write`, one they may change (403)."""
    documents = documents_visible_to(user).select_related("agency", "unit")
    return get_visible(documents, pk, allowed=(lambda d: can_change_document(user, d)) if write else None)


def get_version_for_user(user: AnyUser, pk: int) -> DocumentVersion:
    """A stored version of an evidence document the user sees (404 otherwise)."""
    return get_visible(DocumentVersion.objects.filter(document__in=documents_visible_to(user)), pk)


def get_api_token_for_user(user: AnyUser, pk: int) -> ApiToken:
    """One of the person's own API tokens (404 for anyone else's)."""
    if not user.is_authenticated:
        raise Http404
    return get_visible(ApiToken.objects.filter(user_id=user.pk), pk)


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """Agency-wide roles see the agency's whole evidence library; officers and unit heads see
    their units' documents, their own uploads and the evidence of objects they can see."""
    scope = scope_for(user)
    qs = Document.objects.all()
    if scope.is_superuser:
        return qs
    whole = [a for a in scope.agency_ids if scope.sees_whole_agency(a)]
    condition = Q(agency_id__in=whole) | Q(unit_id__in=list(scope.roles_by_unit)) | Q(created_by_id=scope.user_id)
    for hook in DOCUMENT_VISIBILITY:
        condition |= hook(user)
    condition &= Q(agency_id__in=scope.agency_ids)
    for hook in DOCUMENT_GRANTS:
        condition |= hook(user)
    return qs.filter(condition)


def document_uses(user: AnyUser, document: Document) -> list[tuple[str, str]]:
    """(label, url) of the objects this document evidences that the user may see."""
    return [use for hook in DOCUMENT_USES for use in hook(user, document)]


# The administration area (core.administration): the agency's administrator keeps its people,
# units, signers and API accounts; an administrator of a Sở Nội vụ (home_affairs agency) keeps the
# agencies of its province and the working-day calendar; superusers may do both everywhere.


def can_administer(user: AnyUser, agency: Agency | int) -> bool:
    """Administers the agency (its people, units, signers, API accounts): its administrator or a
    superuser."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    scope = scope_for(user)
    return scope.is_superuser or Role.ADMINISTRATOR in scope.roles(agency_id)


def administered_provinces(user: AnyUser) -> set[int]:
    """Provinces the user administers: those of the Sở Nội vụ where they are administrator."""
    scope = scope_for(user)
    return {
        scope.province_by_agency[agency_id]
        for agency_id, roles in scope.roles_by_agency.items()
        if Role.ADMINISTRATOR in roles and scope.kind_by_agency.get(agency_id) == Agency.Kind.HOME_AFFAIRS
    }


def can_administer_province(user: AnyUser, province: Province | int | None = None) -> bool:
    """Administers a province (its agencies and their first administrators, the appraisers of the
    Sở Nội vụ, the working-day calendar): an administrator of its Sở Nội vụ, or a superuser. Without
    `province`: administers at least one."""
    if scope_for(user).is_superuser:
        return True
    provinces = administered_provinces(user)
    if province is None:
        return bool(provinces)
    return (province if isinstance(province, int) else province.pk) in provinces


def can_edit_calendar(user: AnyUser) -> bool:
    """The working-day calendar's corrections (core.models.CalendarOverride) are national: one table
    read by every due date of every province (core.services.load_calendar), following the
    Government's and the Ministry of Home Affairs' notices. Only superusers change them; province
    and agency administrators read them."""
    return scope_for(user).is_superuser


def can_set_home_affairs(user: AnyUser) -> bool:
    """Gives an agency the Sở Nội vụ kind (home_affairs) or takes it away: that kind makes the
    agency's administrators administrators of the province, so only a superuser decides it."""
    return scope_for(user).is_superuser


def can_keep_account(user: AnyUser, person: User) -> bool:
    """Changes the person's account itself (password, second factor, active or not, name, e-mail,
    phone, job title), which is one for every agency they work in: only when the person is no
    operator (staff or superuser) and the user administers every agency where the person holds a
    role (integration roles aside). Roles stay per agency (can_administer)."""
    if person.is_superuser or person.is_staff:
        return False
    held = Membership.objects.filter(user_id=person.pk).exclude(role=Role.INTEGRATION)
    return all(can_administer(user, agency_id) for agency_id in set(held.values_list("agency_id", flat=True)))


def can_view_administration(user: AnyUser) -> bool:
    """Sees the administration area at all: administers some agency or some province."""
    scope = scope_for(user)
    return scope.is_superuser or any(Role.ADMINISTRATOR in roles for roles in scope.roles_by_agency.values())


def administered_agency(request: HttpRequest) -> Agency:
    """The current agency, for a page of its administration: 404 without one, 403 unless the user
    administers it."""
    agency = current_agency_or_404(request)
    if not can_administer(request.user, agency):
        raise PermissionDenied
    return agency


def people_of(agency: Agency) -> QuerySet[User]:
    """The agency's people as its administrator keeps them: every member (active or not) but its
    integration accounts, which are kept under "API accounts"."""
    members = Membership.objects.filter(agency=agency).exclude(role=Role.INTEGRATION).values("user_id")
    return User.objects.filter(pk__in=members)


def integration_accounts_of(agency: Agency) -> QuerySet[User]:
    members = Membership.objects.filter(agency=agency, role=Role.INTEGRATION).values("user_id")
    return User.objects.filter(pk__in=members)


def get_person_for_admin(user: AnyUser, agency: Agency, pk: int) -> User:
    """A person of the administered agency (404 for anyone else, a person of another agency too)."""
    if not can_administer(user, agency):
        raise PermissionDenied
    return get_visible(people_of(agency), pk)


def get_integration_account_for_admin(user: AnyUser, agency: Agency, pk: int) -> User:
    if not can_administer(user, agency):
        raise PermissionDenied
    return get_visible(integration_accounts_of(agency), pk)


def get_agency_for_province_admin(user: AnyUser, pk: int) -> Agency:
    """An agency of a province the user administers (404 otherwise; 403 for a non-administrator)."""
    if not can_administer_province(user):
        raise PermissionDenied
    agencies = Agency.objects.all()
    if not scope_for(user).is_superuser:
        agencies = agencies.filter(province_id__in=administered_provinces(user))
    return get_visible(agencies.select_related("province"), pk)
