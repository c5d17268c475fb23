"""The questionnaire as a form (built from the questionnaire version), for the public page and
for staff typing in paper forms; campaigns."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import Unit
from procedures.models import Procedure
from surveys.models import Campaign
from surveys.questionnaire import Form
from surveys.services import Answers

HONEYPOT = "website"
NO_OPINION = "na"  # a choice of its own, so that nothing is ticked until the person answers


def _answer(value: str) -> int | None:
    return None if value == NO_OPINION else int(value)


_FIELDS: dict[tuple[str, str], dict[str, forms.Field]] = {}


def _question_fields(questionnaire: Form, language: str) -> dict[str, forms.Field]:
    """The questionnaire's fields, built once per version and language and shared by every form
    (they are never changed after this: a form only reads them)."""
    key = (questionnaire.code, language)
    if key in _FIELDS:
        return _FIELDS[key]
    fields: dict[str, forms.Field] = {}
    blank = (NO_OPINION, gettext("No opinion"))
    scale = [*((str(k), v) for k, v in questionnaire.scale.items()), blank]
    for code, text in questionnaire.item_text.items():
        fields[code] = forms.TypedChoiceField(
            label=text, choices=scale, coerce=_answer, empty_value=None, required=False, widget=forms.RadioSelect
        )
    high = [*((str(k), v) for k, v in questionnaire.expectation_scale.items()), blank]
    for code, text in questionnaire.expectation_text.items():
        fields[code] = forms.TypedChoiceField(
            label=text, choices=high, coerce=_answer, empty_value=None, required=False, widget=forms.RadioSelect
        )
    for key_, (title, choices) in questionnaire.profile.items():
        fields[f"profile_{key_}"] = forms.ChoiceField(
            label=title, choices=[("", "—"), *choices.items()], required=False
        )
    fields["comment"] = forms.CharField(
        label=questionnaire.comment_title or gettext("Other comments"),
        max_length=questionnaire.comment_max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    _FIELDS[key] = fields
    return fields


class AnswerForm(forms.Form):
    """Every item of the questionnaire as a radio group (blank = no answer), the expectations,
    the profile and the comment; at least one service item must be answered."""

    def __init__(self, *args, questionnaire: Form, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.fields.update(_question_fields(questionnaire, get_language() or ""))

    def elements(self):
        """(element title, [bound fields]) in the order of the form."""
        for element in self.questionnaire.questionnaire.elements:
            yield self.questionnaire.element_titles.get(element.code, element.code), [self[c] for c in element.items]

    def expectation_fields(self):
        return [self[code] for code in self.questionnaire.expectation_text]

    def profile_fields(self):
        return [self[f"profile_{key}"] for key in self.questionnaire.profile]

    def clean(self):
        data = super().clean()
        if not any(data.get(code) is not None for code in self.questionnaire.questionnaire.items):
            raise forms.ValidationError(_("Answer at least one question about the service."), code="empty")
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        codes = [*self.questionnaire.questionnaire.items, *self.questionnaire.questionnaire.expectations]
        return Answers(
            answers={code: data.get(code) for code in codes},
            profile={key: data.get(f"profile_{key}") or "" for key in self.questionnaire.profile},
            comment=data.get("comment") or "",
        )


def _choice_html(field: forms.BoundField, place: str = "") -> str:
    """A question as a radio group; `place` ("Câu 5/28") tells how far along the form it is."""
    value = field.value()
    current = "" if value is None else str(value)
    options = "".join(
        f'<label><input type="radio" name="{field.html_name}" value="{escape(v)}"'
        f"{' checked' if current == str(v) else ''}><span>{escape(label)}</span></label>"
        for v, label in field.field.choices
    )
    errors = "".join(f'<p class="error">{escape(e)}</p>' for e in field.errors)
    return (
        f'<fieldset class="q{" bad" if field.errors else ""}"><legend>{place}{escape(field.label)}</legend>'
        f'<div class="opts">{options}</div>{errors}</fieldset>'
    )


def _select_html(field: forms.BoundField) -> str:
    current = field.value() or ""
    options = "".join(
        f'<option value="{escape(v)}"{" selected" if current == v else ""}>{escape(label)}</option>'
        for v, label in field.field.choices
    )
    return (
        f'<p class="field"><label for="{field.auto_id}">{escape(field.label)}</label>'
        f'<select name="{field.html_name}" id="{field.auto_id}">{options}</select></p>'
    )


_BLANK_FORMS: dict[tuple[str, str], SafeString] = {}


class PublicForm(AnswerForm):
    """The public page adds a field people never see (a bot that fills it is ignored).

    Its questions are written out by plain Python rather than by the template engine (about
    200 choices: ~50 ms of rendering per page otherwise), and a blank form is written once per
    questionnaire and language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    def questions_html(self) -> SafeString:
        if self.is_bound:
            return self._questions_html()
        key = (self.questionnaire.code, get_language() or "")
        if key not in _BLANK_FORMS:
            _BLANK_FORMS[key] = self._questions_html()
        return _BLANK_FORMS[key]

    def _questions_html(self) -> SafeString:
        parts = []
        total = len(self.questionnaire.questionnaire.items) + len(self.questionnaire.expectation_text)
        position = 0

        def place() -> str:  # "Câu 5/28": how far along the form a question is (no script needed)
            nonlocal position
            position += 1
            text = gettext("Question %(n)s/%(total)s") % {"n": position, "total": total}
            return f'<span class="note">{escape(text)}</span><br>'

        for number, (title, fields) in enumerate(self.elements(), start=1):
            parts.append(f'<section class="block"><h2>{number}. {escape(title)}</h2>')
            parts += [_choice_html(f, place()) for f in fields]
            parts.append("</section>")
        expectations = self.expectation_fields()
        if expectations:
            heading = gettext("Where should the agency make more effort?")  # outside the f-string: xgettext reads it
            parts.append(f'<section class="block"><h2>{escape(heading)}</h2>')
            parts += [_choice_html(f, place()) for f in expectations]
            parts.append("</section>")
        profile = self.profile_fields()
        if profile:
            heading = gettext("About you (optional)")
            parts.append(f'<section class="block"><h2>{escape(heading)}</h2>')
            parts += [_select_html(f) for f in profile]
            parts.append("</section>")
        return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class PaperForm(AnswerForm):
    """A paper form typed in by staff: where and when it was answered."""

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"] = forms.DateField(
            label=_("Date on the form"),
            initial=timezone.localdate,
            widget=DateInput(attrs={"class": "form-control"}),
        )
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Unit"),
            queryset=Unit.objects.filter(agency=agency),
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["procedure"] = forms.ModelChoiceField(
            label=_("Procedure"),
            queryset=Procedure.objects.filter(agency=agency),
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
        )

    def clean_answered_on(self):
        day = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < dt.date(2000, 1, 1):
            raise forms.ValidationError(_("The date is too far in the past."))
        return day


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "units", "procedures", "margin", "open_link", "min_cell"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "units": forms.CheckboxSelectMultiple,
            "procedures": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "units": _("None ticked: every unit."),
            "procedures": _("None chosen: every procedure."),
            "margin": _("e in n = N / (1 + N e²); 0.05 is 5 %."),
            "open_link": _("A link and counter QR codes anyone can use; their answers are reported apart."),
            "min_cell": _("Breakdowns with fewer responses are hidden."),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(agency=agency)
        self.fields["procedures"].queryset = Procedure.objects.filter(agency=agency)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The campaign ends before it starts."))
        elif end and end < timezone.localdate() and self.instance.pk is None:
            # its results would appear now over periods whose figures were already given, and the
            # difference would give away the few answers between them (surveys.disclosure)
            self.add_error(
                "ends_on",
                _("A campaign that has already ended cannot be added: its figures could give away answers."),
            )
        margin = data.get("margin")
        if margin is not None and not (0 < margin < 1):
            self.add_error("margin", _("Give the margin as a fraction between 0 and 1, e.g. 0.05."))
        min_cell = data.get("min_cell")
        if min_cell is not None and min_cell < 1:
            self.add_error("min_cell", _("At least 1."))
        return data
