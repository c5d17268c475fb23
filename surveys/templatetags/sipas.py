from django import template

from core.numbers import q2

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate or index to 2 decimals (half up), or a dash for no data."""
    return "—" if value is None else f"{q2(value)}"


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
