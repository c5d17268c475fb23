from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.metrics import METRICS
from core.numbers import vi_number


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets and results")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.access import DOCUMENT_USES, DOCUMENT_VISIBILITY
        from core.audit import choices_formatter, register_actions, register_fields, yes_no
        from targets import jobs  # noqa: F401  (registers the daily job)
        from targets.access import documents_of_visible_targets, targets_using_document
        from targets.models import Status, Target

        DOCUMENT_VISIBILITY.append(documents_of_visible_targets)
        DOCUMENT_USES.append(targets_using_document)

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
                "plan": _("plan"),
                "order": _("order on the page"),
                "code": _("code"),
                "section": _("plan section"),
                "source_text": _("sentence of the plan"),
                "unit": _("unit of measure"),
                "baseline_label": _("baseline period"),
                "baseline_source": _("baseline source"),
                "tolerance": _("tolerance"),
                "par_domain": _("PAR domain"),
                "sipas_element": _("SIPAS element"),
                "criteria": _("PAR criteria"),
                "sipas_items": _("SIPAS elements and items"),
                "indicators_766": _("Decision 766 indicators"),
                "confirmation_note": _("why it is to be confirmed"),
                "as_of": _("as of"),
                "evidence": _("evidence"),
                "numerator": _("numerator"),
                "denominator": _("denominator"),
                "correction_reason": _("reason for the correction"),
            },
            {
                "direction": choices_formatter(Target.Direction),
                "measure": choices_formatter(Target.Measure),
                "status": choices_formatter(Status),
                "public": yes_no,
                "to_be_confirmed": yes_no,
                **{name: listed for name in ("criteria", "sipas_items", "indicators_766")},
                **{name: number for name in ("target_value", "baseline", "tolerance", "value", "numerator")},
                "denominator": number,
                "measure_key": measure_label,
            },
        )


def listed(value: Any) -> Any:
    """A list of codes as people write it ("1.5, 3.3"), not as Python prints it."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


def number(value: Any) -> Any:
    """A stored number as Vietnamese write it (87,5), whatever the audit trail kept."""
    return vi_number(value) if value not in (None, "") else value


def measure_label(value: Any) -> Any:
    """A measure by its name ("Tỷ lệ ... (766 2.1)"), its key beside it."""
    metric = METRICS.get(value) if isinstance(value, str) else None
    return f"{metric.label} ({value})" if metric else value
