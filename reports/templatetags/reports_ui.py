from django import template

from reports import access
from reports.models import FileKind, GeneratedFile

register = template.Library()


@register.inclusion_tag("reports/_evidence_packages.html", takes_context=True)
def evidence_packages(context, card):
    """The scorecard's evidence packages and, for who may, the button asking for a new one."""
    user = context["request"].user
    if not access.can_see_package(user, card):
        return {"visible": False}
    return {
        "visible": True,
        "card": card,
        "files": GeneratedFile.objects.filter(scorecard=card, kind=FileKind.EVIDENCE_ZIP).select_related(
            "requested_by"
        )[:5],
        "can_request": access.can_request_package(user, card),
        "csrf_token": context.get("csrf_token"),
    }
