from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and tasks")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.access import DOCUMENT_USES, DOCUMENT_VISIBILITY
        from core.audit import choices_formatter, register_actions, register_fields, yes_no
        from plans import assigned, metrics, reminders  # noqa: F401  (registers the daily job)
        from plans.access import (
            assigned_tasks_using_document,
            documents_of_visible_assigned_tasks,
            documents_of_visible_tasks,
            tasks_using_document,
        )
        from plans.models import AssignedTask, TaskStatus

        DOCUMENT_VISIBILITY.append(documents_of_visible_tasks)
        DOCUMENT_USES.append(tasks_using_document)
        DOCUMENT_VISIBILITY.append(documents_of_visible_assigned_tasks)
        DOCUMENT_USES.append(assigned_tasks_using_document)
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
        # the register of tasks assigned by the province (plans.assigned)
        register_actions(
            {
                "assigned.created": _("assigned task entered"),
                "assigned.updated": _("assigned task changed"),
                "assigned.imported": _("assigned task updated from Excel"),
                "assigned.completed": _("assigned task reported done"),
                "assigned.reopened": _("assigned task reopened"),
                "assigned.withdrawn": _("assigned task withdrawn by the issuer"),
            }
        )
        # the fields' labels are looked up by the action's prefix ("assigned"); "assignedtask" is
        # the model's own name, for readers of the object type
        assigned_fields = {
            "code": _("tracking code"),
            "document_number": _("assigning document number"),
            "document_date": _("assigning document date"),
            "issuer": _("assigned by"),
            "issuer_name": _("signed by"),
            "excerpt": _("excerpt of the document"),
            "content": _("task"),
            "due_date": _("due date"),
            "lead_unit": _("lead unit"),
            "coordinating_units": _("coordinating units"),
            "status": _("status"),
            "completed_on": _("completed on"),
            "report_number": _("report number"),
            "report_date": _("report date"),
            "note": _("note"),
            "evidence": _("evidence"),
        }
        assigned_values = {
            "status": choices_formatter(AssignedTask.Status),
            "issuer": choices_formatter(AssignedTask.Issuer),
            "lead_unit": assigned.unit_names,
            "coordinating_units": assigned.unit_names,
            "evidence": assigned.document_names,
        }
        for subject in ("assigned", "assignedtask"):
            register_fields(subject, assigned_fields, assigned_values)
        # a plan made on the page or by `new_plan`, and the plan it carries out (the cascade)
        register_actions({"plan.created": _("plan created"), "plan.parent_set": _("plan carried out set")})
        register_fields(
            "plan",
            {
                "year": _("year"),
                "number": _("number and symbol"),
                "title": _("title"),
                "issued_on": _("date issued"),
                "issuer": _("issuer"),
                "signer": _("signer"),
                "legal_basis": _("legal basis"),
                "parent": _("plan carried out"),
                "parent_reference": _("plan carried out (as cited)"),
                "status": _("status"),
            },
        )
