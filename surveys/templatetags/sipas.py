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
