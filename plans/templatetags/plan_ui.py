from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from plans.models import Recurrence, TaskStatus
from plans.selectors import FLAG_LABELS

register = template.Library()

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
    current = params.get("sort", context.get("default_sort", "code"))
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
