"""How the PAR INDEX refuses: `ScoreError` for a step the round's phase or the scorecard's state
does not allow, and `value_message` for a declared value its rule refuses, said in the user's
language (`scorecards.scoring` speaks English, for the command line and the files)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import vi_number
from core.services import StepRefused
from scorecards import scoring


class ScoreError(StepRefused):
    """A step the round's phase or the scorecard's state does not allow, said in plain words."""


def _field_names() -> dict[str, str]:
    return {
        "numerator": _("the number achieved"),
        "denominator": _("the total"),
        "percent": _("the percentage"),
        "count": _("the number of items"),
        "violations": _("the number of violations"),
        "points": _("the points"),
    }


def _expected_forms() -> dict[str, str]:
    return {
        "binary": _("Achieved or Not achieved"),
        "levels": _("one of the levels"),
        "bands": _("the number achieved and the total, or a percentage"),
        "proportional": _("the number achieved and the total, or a percentage"),
        "per_item": _("the number of items"),
        "deduction": _("the number of violations"),
        "percent": _("a percentage"),
        "manual": _("the points"),
    }


def value_message(exc: ValueError) -> str:
    """A refused declared value said in the user's language."""
    if not isinstance(exc, scoring.ValueProblem):
        return str(exc)
    p = dict(exc.params)
    for number in ("upper", "numerator", "denominator"):  # numbers as Vietnamese write them (2,5)
        value = p.get(number)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            p[number] = vi_number(value)
    if "key" in p:
        p["key"] = _field_names().get(p["key"], p["key"])
    if "rule" in p:
        p["rule"] = _expected_forms().get(p["rule"], p["rule"])
    templates = {
        "not_number": _("%(key)s must be a number (got “%(got)s”)."),
        "negative": _("%(key)s cannot be negative."),
        "not_whole": _("%(key)s must be a whole number."),
        "too_big": _("%(key)s cannot exceed %(upper)s."),
        "no_na": _("This criterion cannot be declared not applicable."),
        "expected": _("Enter %(rule)s."),
        "unknown_level": _("“%(got)s” is not a level of this criterion; choose one of: %(labels)s."),
        "both": _("Enter both the number achieved and the total (or a percentage)."),
        "zero_denominator": _("The total must be greater than 0; declare “not applicable” if nothing arose."),
        "exceeds": _("The number achieved (%(numerator)s) exceeds the total (%(denominator)s)."),
        "item_range": _("Points must be between 0 and %(upper)s."),
        "not_a_number": _("“%(value)s” is not a number."),
    }
    template = templates.get(exc.kind)
    return template % p if template else str(exc)


def refused_value(exc: ValueError) -> ScoreError:
    """A refused declared value as the step's refusal."""
    return ScoreError(value_message(exc))
