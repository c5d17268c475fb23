from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and tasks")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.access import DOCUMENT_USES, DOCUMENT_VISIBILITY
        from core.audit import choices_formatter, register_actions, register_fields, yes_no
        from plans import metrics, reminders  # noqa: F401  (registers the daily job)
        from plans.access import documents_of_visible_tasks, tasks_using_document
        from plans.models import TaskStatus

        DOCUMENT_VISIBILITY.append(documents_of_visible_tasks)
        DOCUMENT_USES.append(tasks_using_document)
        metrics.register()
        register_actions(
            {
                "task.created": _("task created"),
                "task.imported": _("updated from Excel"),
                "task.updated": _("task edited"),
                "task.progress": _("progress reported"),
                "task.approved": _("completion approved"),
                "task.returned": _("returned for rework"),
                "task.cancelled": _("task cancelled"),
                "task.occurrence_done": _("period done"),
                "task.obstacle": _("obstacle reported"),
                "task.obstacle_resolved": _("direction on an obstacle"),
                "task.evidence_linked": _("evidence linked"),
                "task.evidence_unlinked": _("evidence unlinked"),
                "task.contribution": _("coordinating unit's part reported"),
                "inspection.created": _("inspection recorded"),
                "inspection.finding": _("inspection finding recorded"),
            }
        )
        register_fields(
            "task",
            {
                "status": _("status"),
                "progress": _("progress (%)"),
                "deadline": _("deadline"),
                "next_due": _("next due date"),
                "completed_on": _("completed on"),
                "lead_unit": _("lead unit"),
                "coordinating_units": _("coordinating units"),
                "assignees": _("assignees"),
                "evidence": _("evidence"),
                "needs_evidence": _("evidence needed to complete"),
                "evidence_waiver": _("reason for approving without evidence"),
                "contribution": _("coordinating unit's part"),
            },
            {"status": choices_formatter(TaskStatus), "needs_evidence": yes_no},
        )
