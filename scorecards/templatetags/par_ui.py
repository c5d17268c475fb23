from django import template
from django.utils.translation import gettext as _

from core.numbers import vi_number

register = template.Library()


def vi(value, places: int | None = None) -> str:
    """A number as Vietnamese write it (core.numbers.vi_number), nothing for no value."""
    return vi_number(value, places, empty="")


@register.filter
def num(value, places=2) -> str:
    """`vi` with 2 decimals (half-up) by default (an index, points), or a dash for no value."""
    return vi_number(value, None if places == "" else int(places), empty="—")


@register.filter
def declared_text(declared) -> str:
    """A stored declared value, as a civil servant reads it."""
    if declared is None or declared == {}:
        return "—"
    if declared == "na":
        return _("Not applicable")
    if declared is True:
        return _("Achieved")
    if declared is False:
        return _("Not achieved")
    if isinstance(declared, str):
        return declared
    if "numerator" in declared:
        return f"{vi(declared['numerator'])}/{vi(declared['denominator'])}"
    if "percent" in declared:
        return f"{vi(declared['percent'])}%"
    key, value = next(iter(declared.items()))
    label = {"count": _("count"), "violations": _("violations"), "points": _("points")}.get(key, key)
    return f"{vi(value)} ({label})"


def _level_points(level) -> str:
    if level.points is not None:
        return vi(level.points)
    return _("%(factor)s × max") % {"factor": vi(level.factor)}


@register.filter
def rule_text(node) -> str:
    rule = getattr(node, "rule", None)
    if rule is None:
        return ""
    return {
        "binary": _("Achieved: full points; not achieved: 0"),
        "levels": "; ".join(f"{lv.label}: {_level_points(lv)}" for lv in rule.levels),
        "bands": "; ".join(f"≥ {vi(b.min)}%: {vi(b.points)}" for b in rule.bands),
        "proportional": _("max × rate / %(target)s%% (up to max)") % {"target": vi((rule.target or 1) * 100)},
        "per_item": _("%(points)s per item, up to max") % {"points": vi(rule.points_per_item)},
        "deduction": _("max − %(points)s per violation") % {"points": vi(rule.per_violation)},
        "percent": _("max × survey result %"),
        "manual": _("points entered directly (0 to max)"),
    }[rule.type]


@register.filter
def status_text(status: str) -> str:
    return {
        "na": _("not applicable"),
        "missing": _("not declared"),
        "absent": _("survey not held (rescaled)"),
        "override": _("appraised"),
    }.get(status, "")


@register.filter
def signed(value) -> str:
    """A change with its sign, as Vietnamese write numbers (+1,50; −0,25)."""
    if value is None:
        return ""
    return f"+{vi(value)}" if value > 0 else vi(value).replace("-", "−")


@register.filter
def dom_code(code: str) -> str:
    """A node code usable in an element id (1.2.3 -> 1_2_3)."""
    return str(code).replace(".", "_")
