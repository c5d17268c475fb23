from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and tasks")

    def ready(self):
        from core.access import DOCUMENT_USES, DOCUMENT_VISIBILITY
        from plans import metrics, reminders  # noqa: F401  (registers the daily job)
        from plans.access import documents_of_visible_tasks, tasks_using_document

        DOCUMENT_VISIBILITY.append(documents_of_visible_tasks)
        DOCUMENT_USES.append(tasks_using_document)
        metrics.register()
