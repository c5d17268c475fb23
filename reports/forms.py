"""The reports pages' forms; and the texts of a report's parts as the page posts them (the
Office's own text of each part, its version of the system's paragraphs) and shows them again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, style, too_long
from plans.models import Plan
from reports.models import KIND_CHOICES, REPORT_DETAILS, DocumentTemplate, Report
from reports.outline import SYSTEM, Part

MAX_TEXT = 20000  # characters of one edited text


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=KIND_CHOICES)
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        style(self)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "basis", *(name for name in REPORT_DETAILS if name != "title")]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "basis": forms.Textarea(attrs={"rows": 4}),
            "issued_on": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "basis": _(
                'Printed at the top of the report, one line each: "Căn cứ …" or "Thực hiện …" with the '
                "document's number, date, issuer and subject."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def lines(text: str) -> str:
    """A text as the lines it has, each trimmed, blank lines dropped: how the system's paragraphs
    of a part are compared and kept (the browser posts them with its own line ends)."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


@dataclass
class PartRow:
    """A part of the report as its page shows it: the part (the system's paragraphs, or the
    Office's version of them, and the Office's text) and what its text boxes hold."""

    part: Part
    system: str  # the box of the system's paragraphs: the Office's version, or the system's own
    base: str  # the system's own paragraphs when the page was made (to tell an edit from none)
    own: str  # the box of the Office's text
    restore: bool = False  # "Khôi phục" ticked: drop the Office's version of the system's text

    @property
    def key(self) -> str:
        return self.part.key

    @property
    def edited(self) -> bool:
        return bool(self.part.system_edited)


def part_rows(parts: list[Part], post: Mapping[str, Any] | None = None) -> list[PartRow]:
    """The rows of the page for the report's `parts`; after a failed save, the boxes hold what was
    typed."""
    rows = []
    for part in parts:
        row = PartRow(part, system="\n".join(part.auto), base="\n".join(part.generated), own=part.text)
        if post is not None and part.editable:
            row.own = post.get(f"text_{part.key}", "")
            row.system = post.get(f"system_{part.key}", row.system)
            row.restore = bool(post.get(f"restore_{part.key}"))
        rows.append(row)
    return rows


def part_texts(post: Mapping[str, Any], parts: list[Part]) -> tuple[dict[str, str], list[str]]:
    """The texts to keep from the page's post, by key (blank ones dropped), and the problems (a
    text too long): the Office's text of each editable part; its version of the system's
    paragraphs (not for a part the Office writes whole) only when it differs from what the system
    wrote when the page was made, and not when "Khôi phục" is ticked (then, or when emptied, the
    system's paragraphs come back)."""
    texts: dict[str, str] = {}
    problems: list[str] = []
    for part in parts:
        if not part.editable:
            continue
        own = post.get(f"text_{part.key}", "").strip()
        system = "" if part.office else lines(post.get(f"system_{part.key}", ""))
        problems += [
            problem
            for problem in (too_long(own, MAX_TEXT, part.heading), too_long(system, MAX_TEXT, part.heading))
            if problem
        ]
        if own:
            texts[part.key] = own
        if system and system != lines(post.get(f"base_{part.key}", "")) and not post.get(f"restore_{part.key}"):
            texts[part.key + SYSTEM] = system
    return texts, problems


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentTemplate.Kind.choices)
    file = forms.FileField(label=_("Template (.docx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PlanTextForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "number",
            "title",
            "issued_on",
            "signer_title",
            "signer",
            "preamble",
            "closing",
            "recipients",
            "archive",
        ]
        widgets = {
            "issued_on": DateInput(),
            "title": forms.Textarea(attrs={"rows": 2}),
            "preamble": forms.Textarea(attrs={"rows": 3}),
            "closing": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"signer_title": _("e.g. KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
