"""How the audit log reads to people: every app registers the Vietnamese label of each action it
writes (`log_action(action="dossier.received")`) and of the fields its entries' changes name, in its
`AppConfig.ready`; pages show them through the `audit` template library (`action_label`,
`audit_field`, `audit_value`). One registry, so no page prints a raw code; a test checks that every
action code written anywhere has a label.

Fields are registered per subject, the part of the action before the first dot (`task` for
`task.updated`), because the same field name means different things on different objects (a
task's `status` is not a dossier's); a field registered without a subject (`"*"`) applies to all.
A value formatter turns a recorded value into what people know (a status code into its label)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.deadlines import local

Label = str | Promise
ACTIONS: dict[str, Label] = {}
FIELDS: dict[tuple[str, str], Label] = {}
VALUES: dict[tuple[str, str], Callable[[Any], Any]] = {}
ANY = "*"


def register_actions(labels: Mapping[str, Label]) -> None:
    """Labels for action codes ("dossier.received": _("dossier received")); an app registers its own."""
    for code, label in labels.items():
        if code in ACTIONS and str(ACTIONS[code]) != str(label):
            raise ValueError(f"audit action {code!r} registered twice with different labels")
        ACTIONS[code] = label


def register_fields(
    subject: str, labels: Mapping[str, Label], values: Mapping[str, Callable[[Any], Any]] | None = None
) -> None:
    """Labels for the fields that entries about `subject` change, and formatters for their values."""
    for name, label in labels.items():
        FIELDS[(subject, name)] = label
    for name, formatter in (values or {}).items():
        VALUES[(subject, name)] = formatter


def subject_of(action: str) -> str:
    return action.partition(".")[0]


def action_label(action: str) -> str:
    """The action in words; an unregistered code (a bug: see the registry test) shows as it is."""
    return str(ACTIONS.get(action, action))


def field_label(action: str, name: str) -> str:
    label = FIELDS.get((subject_of(action), name)) or FIELDS.get((ANY, name))
    return str(label) if label is not None else name


def value_label(action: str, name: str, value: Any) -> Any:
    """A recorded value as people know it: its registered formatter, ISO dates as dd/mm/yyyy,
    nothing as a dash."""
    if value in (None, ""):
        return "—"
    formatter = VALUES.get((subject_of(action), name)) or VALUES.get((ANY, name))
    if formatter is not None:
        return formatter(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" == value[7]:
        try:
            return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    return value


def model_labels(model: Any, names: Iterable[str] | None = None) -> dict[str, Label]:
    """The fields' own verbose names (all concrete fields, or `names`), as field labels."""
    fields = model._meta.concrete_fields if names is None else [model._meta.get_field(n) for n in names]
    return {f.name: f.verbose_name for f in fields}


def model_formats(model: Any) -> dict[str, Callable[[Any], Any]]:
    """Formatters for the model's date-time fields (local time, dd/mm/yyyy HH:MM) and true/false
    fields (yes/no)."""
    from django.db import models

    out: dict[str, Callable[[Any], Any]] = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateTimeField):
            out[f.name] = moment_label
        elif isinstance(f, models.BooleanField):
            out[f.name] = yes_no
    return out


def moment_label(value: Any) -> Any:
    """A recorded moment (ISO 8601) as the pages show one: dd/mm/yyyy HH:MM, local time."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return value
    return f"{local(moment):%d/%m/%Y %H:%M}"


def yes_no(value: Any) -> Any:
    return _("yes") if value is True else _("no") if value is False else value


def choices_formatter(choices: Any) -> Callable[[Any], Any]:
    """A formatter showing a TextChoices value by its label."""
    labels = dict(choices.choices if hasattr(choices, "choices") else choices)
    return lambda value: labels.get(value, value)
