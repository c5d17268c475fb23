from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "criteria.loaded": _("criteria set loaded"),
    "criteria.published": _("criteria set published"),
    "metric.entered": _("metric value entered"),
    "round.created": _("round created"),
    "round.phase": _("phase closed, next phase opened"),
    "round.reopened": _("phase reopened"),
    "round.published": _("results published"),
    "scorecard.sent_for_approval": _("sent to the leader"),
    "scorecard.submitted": _("approved and submitted"),
    "scorecard.returned": _("returned to draft"),
    "scorecard.explanations_submitted": _("explanations submitted"),
    "scorecard.carried_over": _("pre-filled from last year"),
    "scorecard.explanations_reopened": _("explanations reopened"),
    "score.declared": _("value declared"),
    "score.metric": _("system figure taken"),
    "score.metric_overridden": _("system figure replaced"),
    "score.metric_restored": _("system figure used again"),
    "score.a1": _("appraisal 1"),
    "score.a2": _("appraisal 2"),
    "score.final": _("council"),
    "score.survey": _("survey result entered"),
    "score.explained": _("explanation written"),
    "score.evidence_linked": _("evidence linked"),
    "score.evidence_unlinked": _("evidence unlinked"),
    "assignment.set": _("block assigned"),
    "assignment.submit": _("block submitted by the unit"),
    "assignment.accept": _("block accepted"),
    "assignment.request_changes": _("changes requested on a block"),
}


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("PAR INDEX")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core.access import DOCUMENT_GRANTS, DOCUMENT_USES
        from core.audit import register_actions
        from scorecards import measures, reminders  # noqa: F401  (reminders: registers the daily job)
        from scorecards.evidence import appraised_documents, scores_using_document

        DOCUMENT_GRANTS.append(appraised_documents)
        DOCUMENT_USES.append(scores_using_document)
        register_actions(ACTIONS)
        measures.register()
