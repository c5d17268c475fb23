from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _

from core.audit import choices_formatter, model_formats, model_labels, register_actions, register_fields


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self) -> None:
        # Imported here, not at the top: models and the registries need the app registry ready.
        from core import checks  # noqa: F401  (registers cchc.W010: SITE_URL, printed on the receipts)
        from procedures import metrics, reminders  # noqa: F401  (registers the daily job and the queue)
        from procedures.models import (
            ApplicantKind,
            ApplicantTitle,
            Channel,
            Dossier,
            DossierStatus,
            LimitUnit,
            OfficialScore,
            OnlineLevel,
            Procedure,
            ResultDelivery,
            Source,
        )

        metrics.register()
        register_actions(ACTIONS)
        register_fields(
            "dossier",
            {**model_labels(Dossier), "code": _("dossier code"), "unit_id": _("unit"), "procedure_id": _("procedure")},
            {
                **model_formats(Dossier),
                "status": choices_formatter(DossierStatus),
                "channel": choices_formatter(Channel),
                "source": choices_formatter(Source),
                "limit_unit": choices_formatter(LimitUnit),
                "result_delivery": choices_formatter(ResultDelivery),
                "applicant_kind": choices_formatter(ApplicantKind),
                "applicant_title": choices_formatter(ApplicantTitle),
                "unit_id": _unit_name,
                "procedure_id": _procedure_code,
            },
        )
        register_fields(
            "procedure",
            model_labels(Procedure),
            {
                **model_formats(Procedure),
                "limit_unit": choices_formatter(LimitUnit),
                "online_level": choices_formatter(OnlineLevel),
            },
        )
        register_fields(
            "dossier_import",
            {
                "file": _("file"),
                "sha256": "SHA-256",
                "created": _("dossiers created"),
                "updated": _("dossiers updated"),
            },
        )
        register_fields("official_766", model_labels(OfficialScore))


# What the history shows for each action the register writes (procedures.services, catalogue,
# importing, api).
ACTIONS = {
    "dossier.received": _("dossier received"),
    "dossier.api_created": _("dossier registered by the provincial system (API)"),
    "dossier.api_updated": _("updated by the provincial system (API)"),
    "dossier.import_updated": _("updated from an imported file"),
    "dossier.handed_over": _("dossier handed over"),
    "dossier.supplement_requested": _("supplement requested"),
    "dossier.supplement_completed": _("supplement received"),
    "dossier.finished": _("result issued"),
    "dossier.rejected": _("refused"),
    "dossier.stopped": _("processing stopped"),
    "dossier.withdrawn": _("dossier withdrawn"),
    "dossier.returned": _("result returned"),
    "dossier.apology": _("apology and new date"),
    "dossier.receipt_printed": _("receipt printed (Mẫu 01)"),
    "dossier.receipt_reprinted": _("receipt printed again (Mẫu 01)"),
    "dossier_import.uploaded": _("dossier file uploaded"),
    "dossier_import.done": _("dossier file imported"),
    "procedure.created": _("procedure added to the catalogue"),
    "procedure.updated": _("catalogue procedure updated"),
    "official_766.entered": _("portal score entered"),
}


# The names the history shows for the ids it recorded, looked up once per request (a dossier's
# history names the same two or three units in every hand-over). Only while a request runs: outside
# one (a worker, a shell) every lookup asks the database, so nothing stale outlives a request.
_NAMES: ContextVar[dict[tuple[str, Any], Any] | None] = ContextVar("procedures_audit_names", default=None)


def _names_start(**kwargs: Any) -> None:
    _NAMES.set({})


def _names_end(**kwargs: Any) -> None:
    _NAMES.set(None)


request_started.connect(_names_start, dispatch_uid="procedures_audit_names_start")
request_finished.connect(_names_end, dispatch_uid="procedures_audit_names_end")


def _remembered(kind: str, pk: Any, lookup: Callable[[Any], Any]) -> Any:
    names = _NAMES.get()
    if names is None:
        return lookup(pk)
    if (kind, pk) not in names:
        names[(kind, pk)] = lookup(pk)
    return names[(kind, pk)]


def _unit_name(pk: Any) -> Any:
    from core.models import Unit  # (models cannot be imported when apps.py is)

    def name(key: Any) -> Any:
        return Unit.objects.filter(pk=key).values_list("name", flat=True).first()

    return _remembered("unit", pk, name) or pk


def _procedure_code(pk: Any) -> Any:
    from procedures.models import Procedure  # (models cannot be imported when apps.py is)

    def code(key: Any) -> Any:
        return Procedure.objects.filter(pk=key).values_list("code", flat=True).first()

    return _remembered("procedure", pk, code) or pk
