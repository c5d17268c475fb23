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
        from core.audit import choices_formatter, register_actions, register_fields
        from core.models import Role

        register_actions(
            {
                "auth.login": _("signed in"),
                "auth.logout": _("signed out"),
                "auth.login_failed": _("sign-in failed"),
                "auth.second_factor_on": _("second factor turned on"),
                "auth.second_factor_off": _("second factor turned off"),
                "auth.second_factor_failed": _("wrong second-factor code"),
                "auth.second_factor_reset": _("second factor removed by an administrator"),
                "auth.recovery_codes_renewed": _("new recovery codes made"),
                "auth.session_expired": _("session expired"),
                "auth.session_ended": _("session ended"),
                "access.role_granted": _("role granted"),
                "access.role_changed": _("role changed"),
                "access.role_removed": _("role removed"),
                "access.account_changed": _("account changed"),
                "api_token.created": _("API token created"),
                "api_token.revoked": _("API token revoked"),
                "evidence.version_added": _("new file version"),
            }
        )
        register_fields(
            "access",
            {"user": _("user"), "agency": _("agency"), "unit": _("unit"), "role": _("role")},
            {"role": choices_formatter(Role)},
        )
        register_fields(
            "access",
            {"is_active": _("active"), "is_superuser": _("superuser"), "is_staff": _("staff")},
        )
        register_fields("evidence", {"version": _("version"), "sha256": "SHA-256"}, {"sha256": lambda v: f"{v[:12]}…"})
