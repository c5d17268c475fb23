from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import choices_formatter, model_formats, model_labels, register_actions, register_fields


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and petitions")

    def ready(self) -> None:
        from feedback import metrics, reminders  # noqa: F401  (registers the daily jobs)
        from feedback.models import Category, Channel, Feedback, Kind, SenderType, Status

        metrics.register()
        register_actions(ACTIONS)
        register_fields(
            "feedback",
            {**model_labels(Feedback), **FIELDS},
            {
                **model_formats(Feedback),  # within_competence: có/không, moments in local time
                "status": choices_formatter(Status),
                "category": choices_formatter(Category),
                "channel": choices_formatter(Channel),
                "kind": choices_formatter(Kind),
                "sender_type": choices_formatter(SenderType),
            },
        )


# the fields of an item's changes that have no label on the model
FIELDS = {
    "drafted_by": _("drafted by"),
    "approved_by": _("approved by"),
    "created_by": _("created by"),
    "search_text": _("portal search text"),
}

# what the history shows for each action the feedback desk logs (feedback.services, feedback.views)
ACTIONS = {
    "feedback.received": _("feedback received"),
    "feedback.confirmed": _("e-mail confirmed"),
    "feedback.classified": _("classified and assigned"),
    "feedback.not_accepted": _("not accepted"),
    "feedback.info_requested": _("more information requested"),
    "feedback.info_supplied": _("information supplied"),
    "feedback.forwarded": _("forwarded to the competent body"),
    "feedback.answer_submitted": _("answer sent for approval"),
    "feedback.answer_returned": _("answer returned"),
    "feedback.approved": _("answer approved"),
    "feedback.published": _("published"),
    "feedback.extended": _("answer date extended"),
    "feedback.rated": _("rated by the sender"),
    "feedback.note": _("internal note"),
    "feedback.reopened": _("reopened"),
    "feedback.closed": _("closed after the rating window"),
    "feedback.sender_reminder": _("reminder from the sender"),
    "feedback.repeat_marked": _("repeat recorded"),
    "feedback.template": _("response template saved"),
    "feedback.template_deleted": _("response template deleted"),
    "reception.recorded": _("citizen reception recorded"),
}
