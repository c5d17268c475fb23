from django import template
from django.utils.translation import gettext as _

register = template.Library()


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
        return f"{declared['numerator']}/{declared['denominator']}"
    if "percent" in declared:
        return f"{declared['percent']}%"
    key, value = next(iter(declared.items()))
    label = {"count": _("count"), "violations": _("violations"), "points": _("points")}.get(key, key)
    return f"{value} ({label})"


@register.filter
def rule_text(node) -> str:
    rule = getattr(node, "rule", None)
    if rule is None:
        return ""
    return {
        "binary": _("Achieved: full points; not achieved: 0"),
        "levels": "; ".join(
            f"{lv.label}: {lv.points if lv.points is not None else f'{lv.factor} × max'}" for lv in rule.levels
        ),
        "bands": "; ".join(f"≥ {b.min}%: {b.points}" for b in rule.bands),
        "proportional": _("max × rate / %(target)s%% (up to max)") % {"target": (rule.target or 1) * 100},
        "per_item": _("%(points)s per item, up to max") % {"points": rule.points_per_item},
        "deduction": _("max − %(points)s per violation") % {"points": rule.per_violation},
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
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


@register.filter
def dom_code(code: str) -> str:
    """A node code usable in an element id (1.2.3 -> 1_2_3)."""
    return str(code).replace(".", "_")
