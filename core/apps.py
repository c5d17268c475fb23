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
        self._register_administration()

    @staticmethod
    def _register_administration() -> None:
        """How the changes made in the administration area (core.administration) read."""
        from core.audit import choices_formatter, model_formats, model_labels, register_actions, register_fields
        from core.models import Agency, CalendarOverride, Signer, Unit, User

        register_actions(
            {
                "person.created": _("account created"),
                "person.updated": _("person's details changed"),
                "person.password_reset": _("temporary password given by an administrator"),
                "person.password_changed": _("own password chosen after a temporary one"),
                "person.digest_changed": _("daily e-mail digest turned on or off"),
                "person.deactivated": _("account deactivated (agency administration)"),
                "person.reactivated": _("account reactivated (agency administration)"),
                "person.second_factor_removed": _("second factor removed (agency administration)"),
                "units.created": _("unit created"),
                "units.updated": _("unit changed"),
                "units.deleted": _("unit deleted"),
                "signer.created": _("signer added"),
                "signer.updated": _("signer changed"),
                "working_calendar.day_added": _("calendar day added"),
                "working_calendar.day_changed": _("calendar day changed"),
                "working_calendar.day_removed": _("calendar day removed"),
                "integration.created": _("API account created"),
                "agencies.created": _("agency created"),
                "agencies.updated": _("agency changed"),
            }
        )
        person = (
            "username",
            "full_name",
            "job_title",
            "email",
            "phone",
            "must_change_password",
            "email_digest",
            "is_active",
            "second_factor",
        )
        register_fields("person", model_labels(User, person), model_formats(User))
        register_fields("integration", model_labels(User, ("username", "full_name")))
        register_fields("units", model_labels(Unit), {**model_formats(Unit), "kind": choices_formatter(Unit.Kind)})
        register_fields("signer", model_labels(Signer), {**model_formats(Signer), "use": choices_formatter(Signer.Use)})
        register_fields(
            "working_calendar", model_labels(CalendarOverride), {"kind": choices_formatter(CalendarOverride.Kind)}
        )
        register_fields("agencies", model_labels(Agency), {"kind": choices_formatter(Agency.Kind)})
