from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Organisation and common data")

    def ready(self) -> None:
        from core import (
            ratelimit,  # noqa: F401  (counts failed log-ins; registers the clean-up of its counters)
            security_audit,  # noqa: F401  (connects the log-in and role-change records)
            two_factor,  # noqa: F401  (keeps User.second_factor in step with the devices)
        )
