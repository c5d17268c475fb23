from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput, style
from core.models import Agency, Unit
from procedures.models import ApplicantKind, Dossier, Procedure
from procedures.quality import DEFAULT_INDICATORS, FEEDBACK_INDICATORS
from procedures.services import future_reception


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


def _no_maxlength(form: forms.BaseForm) -> None:
    """A big text area gets no `maxlength` (the browser would cut a paste silently): the server
    says "at most N characters (now M)" and keeps the text."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)


class CounterForm(forms.ModelForm):
    """Reception at the counter (Mẫu 01): the code and the due date are computed. The catalogue's
    required documents of the chosen procedure are a checklist (stored on the dossier as
    `checklist`); `checklist_for` says which procedure the list shown belongs to, so a list left
    from another procedure (the page without JavaScript) is shown again instead of stored."""

    received_at = forms.DateTimeField(label=_("Received at"), widget=DateTimeInput())
    received_documents = forms.MultipleChoiceField(
        label=_("Documents received (from the catalogue)"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        help_text=_("Tick each document the applicant handed in; those left unticked are missing."),
    )
    checklist_for = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Dossier
        fields = [
            "procedure",
            "unit",
            "channel",
            "received_at",
            "applicant_kind",
            "applicant_title",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "sets",
            "received_documents",
            "components",
            "result_delivery",
            "reception_point",
            "digitized",
            "reused_data",
            "paid_online",
            "note",
        ]
        widgets = {"components": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}
        labels = {"components": _("Other documents received")}
        help_texts = {
            "components": _("One document per line (name, original or copy)."),
            "applicant_title": _("For a person: how the letters address them (Ông/Bà)."),
        }

    def __init__(self, *args, agency, units=None, procedure=None, **kwargs):
        super().__init__(*args, **kwargs)
        procedures = Procedure.objects.filter(agency=agency, active=True)
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].required = True
        self.fields["procedure"].widget.attrs.update(
            {"hx-get": reverse("procedures:receive"), "hx-target": "#checklist", "hx-swap": "outerHTML"}
        )
        # the units the person may receive for (procedures.access.units_handled_by)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.filter(agency=agency)
        self.fields["unit"].required = True
        self.fields["applicant_name"].required = True
        chosen = self.data.get("procedure") if self.is_bound else procedure
        self.chosen = procedures.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        required = self.chosen.required_documents() if self.chosen else []
        self.fields["received_documents"].choices = [(name, name) for name in required]
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("applicant_kind", ApplicantKind.INDIVIDUAL)
            if self.chosen:
                self.initial["procedure"] = self.chosen.pk
        style(self)
        _no_maxlength(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        now = timezone.now()
        if value and future_reception(value, now):
            raise forms.ValidationError(
                _("The reception time cannot be in the future (it is now %(now)s)."),
                params={"now": timezone.localtime(now).strftime("%H:%M %d/%m/%Y")},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        required = [name for name, _label in self.fields["received_documents"].choices]
        shown = self.data.get("checklist_for", "")
        if required and self.chosen is not None and shown != str(self.chosen.pk):
            self.add_error(
                "received_documents",
                _("The list of documents is now the one of the chosen procedure: tick those received."),
            )
        ticked = set(cleaned.pop("received_documents", None) or ())
        cleaned.pop("checklist_for", None)
        cleaned["checklist"] = [{"name": name, "received": name in ticked} for name in required]
        if cleaned.get("applicant_kind") == ApplicantKind.ORGANISATION:
            cleaned["applicant_title"] = ""  # an organisation is written to by its name
        elif cleaned.get("applicant_title"):
            cleaned["applicant_kind"] = ApplicantKind.INDIVIDUAL
        return cleaned


class StepForm(forms.Form):
    """The form of a dossier step (procedures.views.dossier_step): its cleaned data are the
    service's keyword arguments; `agency` gives the choices that depend on it."""

    def __init__(self, *args: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        style(self)
        _no_maxlength(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"


class HandoverForm(StepForm):
    receiver = forms.CharField(label=_("Received by (unit, person)"), max_length=200)
    to_unit = forms.ModelChoiceField(label=_("Unit now in charge"), queryset=Unit.objects.none(), required=False)
    step_due = forms.DateField(label=_("Step due"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.filter(agency=agency)


class SupplementForm(StepForm):
    """Mẫu 02: everything missing or to correct, in one request (the missing documents are
    pre-filled with those left unticked at reception)."""

    missing = forms.CharField(
        label=_("Missing documents, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    items = forms.CharField(
        label=_("Other items to add or correct, each with its reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why a second request (required for a second one)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class FinishForm(StepForm):
    OUTCOMES = [
        ("", _("- Choose how processing ends -")),
        ("finished", _("Result issued")),
        ("rejected", _("Rejected (not eligible)")),
        ("stopped", _("Stopped at the applicant's request")),
        ("withdrawn", _("Withdrawn")),
    ]
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    note = forms.CharField(
        label=_("Reason or note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    e_result = forms.BooleanField(label=_("Electronic result issued"), required=False)
    digitized = forms.BooleanField(label=_("Components digitised"), required=False)
    confirm = forms.BooleanField(
        label=_("I confirm: processing ends now and cannot be reopened"),
        error_messages={"required": _("Tick the confirmation to end processing.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") not in (None, "", "finished") and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason (it goes to the applicant)."))
        cleaned.pop("confirm", None)
        return cleaned


class ApologyForm(StepForm):
    reason = forms.CharField(label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    new_date = forms.DateField(label=_("New date for the result"), widget=DateInput())


INDICATOR_LABELS = {
    "on_time_rate": _("2.1 Dossiers processed early or on time"),
    "online_rate": _("3.3 Online dossiers"),
    "online_payment_rate": _("3.6 Dossiers paid online"),
    "e_result_rate": _("4.1 Dossiers with an electronic result"),
    "digitization_rate": _("4.2 Digitised dossiers"),
    "reuse_rate": _("4.3 Reuse of digitised data"),
    "complaint_rate": _("Part of 5.4: dossiers with feedback or a dislike"),
    "feedback_on_time_rate": _("5.2 Feedback handled on time"),
    "feedback_satisfaction": _("5.3 Satisfaction with feedback handling"),
    "tthc_satisfaction": _("5.4 Satisfaction in receiving and resolving procedures"),
    "total": _("Total (portal)"),
}


class OfficialScoreForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        choices=[(i.key, INDICATOR_LABELS[i.key]) for i in (*DEFAULT_INDICATORS, *FEEDBACK_INDICATORS)]
        + [("total", INDICATOR_LABELS["total"])],
    )
    rate = forms.DecimalField(
        label=_("Rate (%)"), max_digits=6, decimal_places=2, min_value=0, max_value=100, required=False
    )
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2, min_value=0, max_value=100)
    source_url = forms.URLField(label=_("Source (portal page)"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
