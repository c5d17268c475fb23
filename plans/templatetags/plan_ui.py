from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from plans.models import Recurrence, TaskStatus

register = template.Library()

FLAG_LABELS = {
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "at_risk": _("At risk"),
    "stale": _("No recent update"),
    "missing_evidence": _("Missing evidence"),
    "awaiting_approval": _("Awaiting approval"),
}
REASON_LABELS = {
    "overdue": _("past its deadline"),
    "behind_schedule": _("progress lags the time elapsed by 25 points or more"),
    "stale": _("no progress update for more than 10 working days"),
    "missing_evidence": _("no evidence while due within 5 working days"),
    "due_soon_low_progress": _("due within 3 working days with progress below 80 %"),
}
STATUS_LABELS = dict(TaskStatus.choices)


@register.filter
def status_badge(status: str):
    return format_html('<span class="badge-status st-{}">{}</span>', status, STATUS_LABELS.get(status, status))


@register.filter
def flag_badge(flag: str):
    return format_html('<span class="badge-status fl-{}">{}</span>', flag, FLAG_LABELS.get(flag, flag))


@register.filter
def flag_label(flag: str):
    return FLAG_LABELS.get(flag, flag)


@register.filter
def reason_labels(reasons: str):
    return [REASON_LABELS.get(r, r) for r in reasons.split(",") if r]


@register.filter
def percent_of(part, whole):
    try:
        return round(100 * part / whole, 1) if whole else 0
    except (TypeError, ZeroDivisionError):
        return 0


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str):
    params = context["request"].GET.copy()
    current = params.get("sort", "code")
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    return format_html('<a href="?{}">{}{}</a>', params.urlencode(), label, arrow)


@register.simple_tag(takes_context=True)
def page_link(context, number: int):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.filter
def bar_width(part, whole) -> str:
    """A CSS percentage as a plain string (never localised: CSS needs a dot)."""
    if not whole:
        return "0"
    return f"{100 * (part or 0) / whole:.1f}"


ACTION_LABELS = {
    "task.created": _("task created"),
    "task.imported": _("updated from Excel"),
    "task.updated": _("task edited"),
    "task.progress": _("progress reported"),
    "task.approved": _("completion approved"),
    "task.returned": _("returned for rework"),
    "task.cancelled": _("task cancelled"),
    "task.occurrence_done": _("period done"),
    "task.obstacle": _("obstacle reported"),
    "task.obstacle_resolved": _("direction on an obstacle"),
    "task.evidence_linked": _("evidence linked"),
    "task.evidence_unlinked": _("evidence unlinked"),
    "evidence.version_added": _("new file version"),
    "feedback.received": _("feedback received"),
    "feedback.confirmed": _("e-mail confirmed"),
    "feedback.classified": _("classified and assigned"),
    "feedback.not_accepted": _("not accepted"),
    "feedback.info_requested": _("more information requested"),
    "feedback.info_supplied": _("information supplied"),
    "feedback.forwarded": _("forwarded to the competent body"),
    "feedback.answer_submitted": _("answer sent for approval"),
    "feedback.answer_returned": _("answer returned"),
    "feedback.approved": _("answer approved"),
    "feedback.published": _("published"),
    "feedback.extended": _("answer date extended"),
    "feedback.rated": _("rated by the sender"),
    "feedback.note": _("internal note"),
    "feedback.reopened": _("reopened"),
    "feedback.closed": _("closed after the rating window"),
    "feedback.sender_reminder": _("reminder from the sender"),
    "feedback.repeat_marked": _("repeat recorded"),
}
FIELD_LABELS = {
    "status": _("status"),
    "progress": _("progress (%)"),
    "deadline": _("deadline"),
    "next_due": _("next due date"),
    "completed_on": _("completed on"),
    "lead_unit": _("lead unit"),
    "coordinating_units": _("coordinating units"),
    "assignees": _("assignees"),
    "evidence": _("evidence"),
    "version": _("version"),
    "sha256": "SHA-256",
}


@register.filter
def action_label(action: str):
    return ACTION_LABELS.get(action, action)


@register.filter
def field_label(field: str):
    return FIELD_LABELS.get(field, field)


@register.simple_tag
def change_value(field: str, value):
    """A recorded value as the user knows it: status labels, dd/mm/yyyy dates."""
    if value in (None, ""):
        return "—"
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "sha256":
        return f"{value[:12]}…"
    if field in ("deadline", "next_due", "completed_on") and isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


@register.filter
def recurrence_label(value: str):
    return dict(Recurrence.choices).get(value, value)


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@register.filter
def period_display(label: str):
    """A period code of plans.monitoring ("Q3/2026", "H1/2026", "07/2026", "2026") for people."""
    head, _sep, year = label.partition("/")
    if not year:
        return _("Year %(year)s") % {"year": head}
    if head.startswith("Q") and head[1:].isdigit():
        return _("Quarter %(q)s/%(year)s") % {"q": ROMAN.get(int(head[1:]), head[1:]), "year": year}
    if head == "H1":
        return _("First 6 months of %(year)s") % {"year": year}
    if head == "H2":
        return _("Last 6 months of %(year)s") % {"year": year}
    return _("Month %(month)s/%(year)s") % {"month": head.lstrip("0"), "year": year}
