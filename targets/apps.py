from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets and results")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.audit import choices_formatter, register_actions, register_fields
        from targets.models import Target

        register_actions(
            {
                "target.created": _("target created"),
                "target.updated": _("target edited"),
                "target.reading": _("target value entered"),
                "target.snapshot_corrected": _("period value corrected"),
            }
        )
        register_fields(
            "target",
            {
                "name": _("name"),
                "target_value": _("target value"),
                "baseline": _("baseline"),
                "due_date": _("due date"),
                "owner_unit": _("owner unit"),
                "direction": _("direction"),
                "measure": _("measure"),
                "measure_key": _("measure key"),
                "public": _("shown on the public portal"),
                "to_be_confirmed": _("to be confirmed by the agency"),
                "value": _("value"),
                "status": _("status"),
                "tasks": _("tasks"),
                "parent": _("province target served"),
            },
            {"direction": choices_formatter(Target.Direction), "measure": choices_formatter(Target.Measure)},
        )
