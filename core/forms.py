from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, Document

# Django 6.1's label of the empty choice in selects; its own Vietnamese catalogue lacks it, so the
# same msgid here puts it in ours (project catalogues take precedence over Django's).
EMPTY_CHOICE = _("- Select an option -")


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
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

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
