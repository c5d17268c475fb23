from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import choices_formatter, model_labels, register_actions, register_fields


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("SIPAS surveys")

    def ready(self) -> None:
        # (in ready: these modules import models, which are not loaded when apps.py is)
        from procedures import documents
        from procedures import services as dossiers
        from surveys import metrics, mixing, selectors, tokens  # noqa: F401  (mixing: its daily job; selectors: signals)
        from surveys.models import CommentState, Response

        documents.RECEIPT_LINKS.append(tokens.invitation)
        dossiers.UNIT_CHANGED.append(tokens.follow)
        metrics.register()
        register_actions(ACTIONS)
        register_fields(
            "sipas",
            model_labels(Response),
            {"comment_state": choices_formatter(CommentState)},
        )


# what the audit log shows for each action SIPAS writes (surveys.services, importing, views)
ACTIONS = {
    "sipas.entered": _("survey form entered from paper"),
    "sipas.imported": _("survey responses imported"),
    "sipas.export": _("survey responses exported"),
    "sipas.campaign": _("survey campaign created"),
    "sipas.invalidated": _("survey response not counted"),
    "sipas.restored": _("survey response counted again"),
    "sipas.comment": _("survey comment reviewed"),
}
