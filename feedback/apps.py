from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and petitions")

    def ready(self):
        from feedback import metrics, reminders  # noqa: F401  (registers the daily job)

        metrics.register()
