from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.audit import model_labels, register_actions, register_fields
        from plans.models import Plan
        from reports import jobs  # noqa: F401  (registers the worker's queue handler)
        from reports.models import REPORT_DETAILS, Report
        from reports.plan_text import TEXT_FIELDS

        register_actions(
            {
                "report.created": _("report created"),
                "report.saved": _("report saved"),
                "report.file_requested": _("file requested"),
                "report.figures_frozen": _("report's figures frozen as of its cut-off"),
                "report.figures_refreshed": _("report's figures taken again from the registers"),
                "report.template_uploaded": _("template uploaded"),
                "report.template_checked": _("template passed its trial, in use"),
                "report.template_refused": _("template refused"),
                "report.template_disabled": _("template taken out of use"),
                # the plan's document, edited in the reports pages (reports.plan_text)
                "plan.text_saved": _("plan text saved"),
                "plan.copied": _("next year's plan drafted"),
            }
        )
        register_fields(
            "report",
            model_labels(Report, [*REPORT_DETAILS, "basis"]) | {"texts": _("texts of the parts")},
        )
        register_fields(
            "plan",
            model_labels(Plan, TEXT_FIELDS) | {"sections": _("texts of the sections")},
        )
