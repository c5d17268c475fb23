"""The audit log in words: `{% load audit %}` then `{{ entry.action|action_label }}`,
`{% audit_field entry name %}` and `{% audit_value entry name value %}` (core.audit holds the
labels every app registers)."""

from __future__ import annotations

from typing import Any

from django import template

from core import audit

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return audit.action_label(action)


@register.simple_tag
def audit_field(entry: Any, name: str) -> str:
    return audit.field_label(entry.action, name)


@register.simple_tag
def audit_value(entry: Any, name: str, value: Any) -> Any:
    return audit.value_label(entry.action, name, value)
