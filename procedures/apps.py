from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self):
        from procedures import metrics, reminders  # noqa: F401  (registers the daily job and the queue)

        metrics.register()
