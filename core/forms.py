from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, Document
from core.numbers import vi_number

# Django 6.1's label of the empty choice in selects; its own Vietnamese catalogue lacks it, so the
# same msgid here puts it in ours (project catalogues take precedence over Django's).
EMPTY_CHOICE = _("- Select an option -")

DATE_PLACEHOLDER = "dd/mm/yyyy"


def _typed(kind: str, placeholder: str, attrs: dict[str, str] | None) -> dict[str, str]:
    """The attributes of a date field typed as text (the calendar opens on `data-datepicker`);
    a caller's `type` never brings the native, locale-following field back."""
    merged = {
        "data-datepicker": kind,
        "placeholder": placeholder,
        "inputmode": "numeric",
        "autocomplete": "off",
        "maxlength": str(len(placeholder)),
    }
    merged.update({k: v for k, v in (attrs or {}).items() if k != "type"})
    return merged


class DateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy whatever the browser's or the computer's language: a
    text input (never the native `type=date`, which follows the OS locale and showed mm/dd/yyyy
    beside our dd/mm/yyyy text), with the vendored flatpickr calendar (static/js/app.js) opened
    on it. The form field parses it with DATE_INPUT_FORMATS (config/formats/vi: dd/mm/yyyy first)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, str] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs=_typed("date", DATE_PLACEHOLDER, attrs), format=format or "%d/%m/%Y")


class DateTimeInput(forms.DateTimeInput):
    """A date and time typed and shown as dd/mm/yyyy HH:MM (24 h), whatever the browser's language."""

    input_type = "text"

    def __init__(self, attrs: dict[str, str] | None = None, format: str | None = None) -> None:  # noqa: A002
        attrs = _typed("datetime", DATE_PLACEHOLDER + " HH:MM", attrs)
        super().__init__(attrs=attrs, format=format or "%d/%m/%Y %H:%M")


def too_long(text: str, limit: int, label: str | Promise) -> str:
    """The message for a text over `limit` characters, counted without the spaces around it
    ("Nội dung tối đa 5.000 ký tự (hiện có 5.213)."), or "" when it fits; `label` names the text,
    capitalised. The one wording of the house for a text too long, in a form or in a service."""
    count = len(text.strip())
    if count <= limit:
        return ""
    return gettext("%(label)s: at most %(limit)s characters (now %(count)s).") % {
        "label": label,
        "limit": vi_number(limit),
        "count": vi_number(count),
    }


class LongText(forms.CharField):
    """A text of at most `limit` characters, checked on the server only (D2): no `maxlength` in
    the page, since a browser silently cuts a longer paste; a longer text is refused saying how
    long it is ("Bình luận tối đa 4.000 ký tự (hiện có 21.600).") and the form keeps it."""

    def __init__(self, *, limit: int, rows: int = 2, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        message = too_long(value or "", self.limit, self.label or "")
        if message:
            raise forms.ValidationError(message, code="max_length")


def vietnamese_decimals(form: forms.BaseForm) -> None:
    """Decimal fields read as Vietnamese type them ("95,5"; "1.234,5"; "95.5" too) and show as
    they read (95,50), in a text box: a browser's number box drops the comma of "95,5" and sends
    955. Call before `style`."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            field.widget.is_localized = True


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so templates can render fields as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DocumentForm(forms.ModelForm):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, JPEG, PNG)"))

    class Meta:
        model = Document
        fields = ["abstract", "doc_number", "issued_on", "issuer"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))


class ApiTokenForm(forms.Form):
    """A new API token of the person: its name, what it may do, how long it lasts."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the program using it.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = settings.API_TOKEN_DAYS
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_DAYS
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        style(self)
