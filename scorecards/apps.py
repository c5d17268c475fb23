from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("PAR INDEX")

    def ready(self):
        from core.access import DOCUMENT_GRANTS, DOCUMENT_USES
        from scorecards import reminders  # noqa: F401  (registers the daily job)
        from scorecards.evidence import appraised_documents, scores_using_document

        DOCUMENT_GRANTS.append(appraised_documents)
        DOCUMENT_USES.append(scores_using_document)
