"""{{ text|redacted }}: core.privacy.redact at display, for text stored before the current rules
(e.g. survey comments redacted when they arrived)."""

from django import template

from core.privacy import redact

register = template.Library()


@register.filter
def redacted(value) -> str:
    return redact(str(value or ""))
