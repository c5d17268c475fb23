from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import current_agency, visible_agencies

AREAS = [
    ("plans", _("Plan"), "plans:dashboard"),
    ("scorecards", _("PAR index"), "scorecards:home"),
    ("procedures", _("Procedure dossiers"), "procedures:register"),
    ("surveys", _("SIPAS surveys"), "surveys:dashboard"),
    ("feedback", _("Feedback and petitions"), "feedback:desk"),
    ("reports", _("Reports"), "reports:home"),
]


def security(request):
    return {
        "login_failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = current_agency(request)
    areas = [{"key": key, "label": label, "url": reverse(name) if name else None} for key, label, name in AREAS]
    return {
        "nav_areas": areas,
        "active_area": getattr(getattr(request, "resolver_match", None), "app_name", "") or "plans",
        "current_agency": agency,
        "my_agencies": visible_agencies(user).order_by("name")[:50],
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
