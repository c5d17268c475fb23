from django.conf import settings

from core import navigation as nav
from core.access import current_agency, visible_agencies


def security(request):
    return {
        "login_failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }


def navigation(request):
    """The menu of the signed-in person: the entries the apps registered (core.navigation) that
    their roles in the current agency let them open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = current_agency(request)
    match = getattr(request, "resolver_match", None)
    return {
        "nav_areas": nav.menu(user, agency, current=getattr(match, "view_name", "") or ""),
        "active_area": getattr(match, "app_name", "") or "",
        "current_agency": agency,
        "my_agencies": visible_agencies(user).order_by("name")[:50],
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
