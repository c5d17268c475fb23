from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from reports import jobs  # noqa: F401  (registers the worker's queue handler)
