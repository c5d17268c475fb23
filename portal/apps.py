from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import register_actions


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        register_actions(
            {
                "post.saved": _("portal post saved"),
                "post.published": _("portal post published"),
            }
        )
