"""The menu and the landing page, filled by the apps: each app declares, in its own
`<app>/navigation.py`, its menu entries (with a rule saying who sees them, written with that
app's access functions) and the panels of the landing page ("Việc của tôi hôm nay") it can fill.
Core knows no app: the modules are found with Django's `autodiscover_modules("navigation")` the
first time a menu or the landing page is asked for.

A menu entry is shown only when its rule holds for the person in the current agency, so that no
item of the menu leads to a page the person may not open (core/tests/test_navigation.py walks
every role of the demo through every item). A panel function returns None when it has nothing
for the person (not their role, or nothing to show); its queries are bounded (a panel never
loops over rows with a query each).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.access import AnyUser, can_administer, can_administer_province, scope_for
from core.models import Agency, Role

Allowed = Callable[[AnyUser, Agency | None], bool]


@dataclass(frozen=True)
class Area:
    key: str  # the app's name in URLs (resolver app_name), to mark the area of the current page
    label: Any  # a lazy translation
    order: int


@dataclass(frozen=True)
class MenuEntry:
    area: str
    label: Any
    url_name: str
    order: int
    allowed: Allowed
    main: bool = False  # the area's own link (shown with the area's name)
    query: str = ""  # appended to the URL, e.g. "flag=overdue"


@dataclass
class Row:
    """One line of a panel: what (a link), by when, and in which state."""

    label: str
    url: str = ""
    due: dt.date | None = None
    state: str = ""
    tone: str = ""  # "danger", "warning", "success" or "" (the colour of the state)
    detail: str = ""


@dataclass
class Count:
    """A figure of a panel, linking to the list it counts."""

    label: str
    value: int | Decimal
    url: str = ""
    tone: str = ""


@dataclass
class Panel:
    """A block of the landing page. `rows` are the first few items; `count` how many there are
    in all; `see_all` the page that lists them all; `text` a sentence (guidance); `links`
    further pages (never a workflow step: the landing page only leads to pages)."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    count: int | None = None
    counts: list[Count] = field(default_factory=list)
    see_all: tuple[str, str] | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    empty: str = ""
    order: int = 100


PanelFunction = Callable[[AnyUser, Agency | None, dt.date], Panel | None]

AREAS: dict[str, Area] = {}
ENTRIES: list[MenuEntry] = []
PANELS: list[tuple[int, PanelFunction]] = []
NOTIFICATION_KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {}

_discovered = False
_lock = threading.Lock()


def register_area(key: str, label: Any, *, order: int) -> None:
    AREAS[key] = Area(key, label, order)


def register_menu(
    *, area: str, label: Any, url_name: str, order: int, allowed: Allowed, main: bool = False, query: str = ""
) -> None:
    """A menu entry of `area`, shown to whoever `allowed(user, agency)` admits."""
    ENTRIES[:] = [e for e in ENTRIES if not (e.url_name == url_name and e.query == query)]
    ENTRIES.append(MenuEntry(area, label, url_name, order, allowed, main, query))


def register_panel(function: PanelFunction, *, order: int) -> PanelFunction:
    """A panel of the landing page; `order` places it (a panel may give its own order for a role)."""
    name = (function.__module__, function.__qualname__)
    PANELS[:] = [(o, f) for o, f in PANELS if (f.__module__, f.__qualname__) != name]
    PANELS.append((order, function))
    return function


def panel(*, order: int) -> Callable[[PanelFunction], PanelFunction]:
    """Decorator form of register_panel."""

    def decorate(function: PanelFunction) -> PanelFunction:
        return register_panel(function, order=order)

    return decorate


def register_notification_kinds(key: str, label: Any, kinds: tuple[str, ...]) -> None:
    """A family of notification kinds (Notification.kind, or a prefix ending in "_"), for the
    filter of the notifications page."""
    NOTIFICATION_KINDS[key] = (label, kinds)


def discover() -> None:
    """Imports every app's navigation module once."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("navigation")
            _discovered = True


# --- who is who in the current agency (for the rules of the apps' navigation modules) -----------


def roles_in(user: AnyUser, agency: Agency | None) -> set[str]:
    """The person's roles in the agency (agency-wide and in its units)."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(scope_for(user).roles(agency.pk))


def is_member(user: AnyUser, agency: Agency | None) -> bool:
    """A member of the agency (or a superuser)."""
    if agency is None:
        return False
    return scope_for(user).can_view_agency(agency.pk)


def works_here(user: AnyUser, agency: Agency | None) -> bool:
    """A member whose work is the agency's own (plans, dossiers, feedback...): not someone whose
    only role here is appraising the province's agencies (a Sở Nội vụ appraiser), for whom the
    agency's registers mean nothing."""
    if agency is None:
        return False
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    roles = scope.roles(agency.pk)
    return bool(roles) and roles != {Role.APPRAISER}


def may_change_here(user: AnyUser, agency: Agency | None) -> bool:
    """Works here and is not read-only (an auditor only reads)."""
    return works_here(user, agency) and agency is not None and not scope_for(user).is_read_only(agency.pk)


def appraises_province(user: AnyUser) -> bool:
    """An appraiser of a Sở Nội vụ (or a superuser): sees the province overviews."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.province_appraiser_of())


def due_state(due: dt.date | None, today: dt.date, *, soon_days: int = 7) -> tuple[str, str]:
    """(state, tone) of an item due on `due`: overdue by N days, due today, N days left."""
    if due is None:
        return "", ""
    days = (due - today).days
    if days < 0:
        return ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}, "danger"
    if days == 0:
        return str(_("due today")), "danger"
    tone = "warning" if days <= soon_days else ""
    return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}, tone


# --- what the templates get ---------------------------------------------------------------------


def menu(user: AnyUser, agency: Agency | None, *, current: str = "") -> list[dict[str, Any]]:
    """The areas of the menu with the entries the person may open, in order; `current` is the
    resolved view name of the page ("plans:task_list") to mark it."""
    discover()
    shown: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(ENTRIES, key=lambda e: (e.order, e.url_name)):
        if not entry.allowed(user, agency):
            continue
        url = reverse(entry.url_name) + (f"?{entry.query}" if entry.query else "")
        item = {"label": entry.label, "url": url, "main": entry.main, "current": entry.url_name == current}
        shown.setdefault(entry.area, []).append(item)
    areas = []
    for key, items in shown.items():
        area = AREAS.get(key) or Area(key, key, 1000)
        main = next((i for i in items if i["main"]), None)
        areas.append(
            {
                "key": key,
                "label": area.label,
                "order": area.order,
                "url": main["url"] if main else None,
                "current": bool(main and main["current"]),
                "items": [i for i in items if i is not main],
            }
        )
    areas.sort(key=lambda a: a["order"])
    return areas


def panels(user: AnyUser, agency: Agency | None, today: dt.date) -> list[Panel]:
    """The landing page's panels for the person, in order."""
    discover()
    out = []
    for order, function in sorted(PANELS, key=lambda p: p[0]):
        made = function(user, agency, today)
        if made is not None:
            if made.order == 100:
                made.order = order
            out.append(made)
    out.sort(key=lambda p: p.order)
    return out


# --- core's own entries -------------------------------------------------------------------------


def _administers(user: AnyUser, agency: Agency | None) -> bool:
    return agency is not None and can_administer(user, agency)


register_area("administration", _("Administration"), order=90)
register_menu(
    area="administration",
    label=_("Administration"),
    url_name="administration:overview",
    order=900,
    allowed=_administers,
    main=True,
)
register_menu(
    area="administration",
    label=_("Province administration"),
    url_name="administration:province",
    order=910,
    allowed=lambda user, agency: can_administer_province(user),
)
register_menu(area="plans", label=_("Evidence library"), url_name="evidence_library", order=150, allowed=works_here)


@panel(order=5)
def administration_panel(user: AnyUser, agency: Agency | None, today: dt.date) -> Panel | None:
    """The administrator's way in: people, units, signers, the calendar."""
    if not _administers(user, agency):
        return None
    url = reverse("administration:overview")
    return Panel(
        key="administration",
        title=str(_("Administration")),
        text=str(_("People, units, roles, signers and the working-day calendar of the agency.")),
        see_all=(str(_("Open the administration")), url),
    )


def notification_families() -> dict[str, tuple[Any, tuple[str, ...]]]:
    """The families of notification kinds the apps registered, for the notifications filter."""
    discover()
    return dict(NOTIFICATION_KINDS)


def kind_filter(kinds: tuple[str, ...]) -> Q:
    """Notifications of these kinds (a kind ending in "_" is a prefix)."""
    condition = Q(pk__in=[])
    for kind in kinds:
        condition |= Q(kind__startswith=kind) if kind.endswith("_") else Q(kind=kind)
    return condition
