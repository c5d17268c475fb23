from django import template

from core.numbers import q2, vi_number
from surveys import columns

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate or index to 2 decimals (half up) as Vietnamese write it (85,06), or a dash for no data."""
    return vi_number(value, 2, empty="—")


@register.filter
def css_pct(value) -> str:
    """A rate as a CSS length's number (85.06: a stylesheet never takes a decimal comma); 0 for no data."""
    return "0" if value is None else str(q2(value))


@register.filter
def item_label(code, form) -> str:
    """The short Vietnamese name of an item or an expectation of `form` ("Tiêu chí 15")."""
    return columns.label(form, code)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def hides(result, part) -> bool:
    """Whether a SIPAS result (surveys.results.Result) hides an element or an item (surveys.disclosure)."""
    code = getattr(part, "code", part)
    kind = "element" if hasattr(part, "items") and not hasattr(part, "distribution") else "item"
    return f"{kind}:{code}" in result.hidden or "responses" in result.hidden


@register.filter
def hides_expectation(result, code) -> bool:
    return f"expectation:{code}" in result.hidden or "responses" in result.hidden


@register.filter
def element_index(result, code):
    return result.element_index(code)
