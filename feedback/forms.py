"""Forms of the feedback desk and of the public feedback page."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import assignable_staff
from core.forms import DateInput, DateTimeInput, LongText, style
from core.models import Unit, User
from core.numbers import vi_number
from feedback.models import Category, Channel, Feedback, ReceptionSession, Template
from feedback.services import MAX_CONTENT
from procedures.models import Procedure


class PublicFeedbackForm(forms.ModelForm):
    """Name, address and phone are required by Decree 20/2008; e-mail is optional."""

    consent = forms.BooleanField(
        label=_(
            "I agree that my name, address, phone and e-mail are used only to handle this feedback and "
            "kept with its record; they are never published."
        )
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    # no maxlength on the text: a browser would cut a longer paste silently; LongText says so
    content = LongText(label=_("Content"), limit=MAX_CONTENT, rows=6)

    class Meta:
        model = Feedback
        fields = [
            "sender_type",
            "kind",
            "salutation",
            "name",
            "address",
            "phone",
            "email",
            "content",
            "dossier_code",
            "answer_only",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salutation"].label = _("Address me as")
        self.fields["salutation"].choices = [("", _("Mr or Ms (not said)")), *self.fields["salutation"].choices[1:]]
        self.fields["salutation"].help_text = _("For an individual: how the answer addresses you.")
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["content"].help_text = _("At most %(n)s characters.") % {"n": vi_number(MAX_CONTENT)}
        style(self)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = "".join(c for c in phone if c.isdigit())
        if not 9 <= len(digits) <= 12:
            raise forms.ValidationError(_("Give a phone number of 9 to 12 digits."))
        return phone

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if len(content) < 10:
            raise forms.ValidationError(_("Describe the problem in a few words at least."))
        return content

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class StaffFeedbackForm(PublicFeedbackForm):
    """Feedback taken by phone, letter, e-mail or in person: the officer writes it down."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != "online"])
    received_at = forms.DateTimeField(
        label=_("Received at"),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=DateTimeInput(),
    )

    class Meta(PublicFeedbackForm.Meta):
        fields = [*PublicFeedbackForm.Meta.fields, "procedure"]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["consent"], self.fields["website"]
        self.fields["procedure"].queryset = Procedure.objects.filter(agency=agency)
        style(self)

    def clean_received_at(self):
        moment = self.cleaned_data["received_at"]
        if moment > timezone.now():
            raise forms.ValidationError(_("The time cannot be in the future."))
        return moment


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    within_competence = forms.TypedChoiceField(
        label=_("Competence"),
        choices=[("1", _("Within our competence")), ("0", _("Outside our competence (forward it)"))],
        coerce=lambda v: v == "1",
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(agency=agency)
        # who may be given the work: never the auditor, the appraiser or an administrator only
        self.fields["assignee"].queryset = assignable_staff(agency)
        style(self)


class ReceptionForm(forms.ModelForm):
    class Meta:
        model = ReceptionSession
        fields = [
            "held_on",
            "received_by",
            "leader_present",
            "citizen",
            "citizen_address",
            "people",
            "content",
            "handling",
            "result",
        ]
        widgets = {
            "held_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "handling": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_people(self):
        people = self.cleaned_data["people"]
        if people < 1:
            raise forms.ValidationError(_("At least 1."))
        return people


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = ["step", "category", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "text": _("{code}, {date} (received) and {name} (Mr/Ms and the name, or the organisation) are filled in.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
