from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("SIPAS surveys")

    def ready(self):
        from procedures import documents
        from procedures import services as dossiers
        from surveys import metrics, mixing, tokens  # noqa: F401  (mixing registers its daily job)

        documents.RECEIPT_LINKS.append(tokens.invitation)
        dossiers.UNIT_CHANGED.append(tokens.follow)
        metrics.register()
