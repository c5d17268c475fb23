from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import style
from core.models import Agency, Unit
from procedures.models import Dossier, Procedure
from procedures.quality import DEFAULT_INDICATORS, FEEDBACK_INDICATORS

DATETIME = {"type": "datetime-local"}
DATE = {"type": "date"}


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CounterForm(forms.ModelForm):
    """Reception at the counter (Mẫu 01): the code and the due date are computed."""

    received_at = forms.DateTimeField(
        label=_("Received at"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )

    class Meta:
        model = Dossier
        fields = [
            "procedure",
            "unit",
            "channel",
            "received_at",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "sets",
            "components",
            "result_delivery",
            "reception_point",
            "digitized",
            "reused_data",
            "paid_online",
            "note",
        ]
        widgets = {"components": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"components": _("One document per line (name, original or copy).")}

    def __init__(self, *args, agency, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(agency=agency, active=True)
        self.fields["procedure"].required = True
        # the units the person may receive for (procedures.access.units_handled_by)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.filter(agency=agency)
        self.fields["unit"].required = True
        self.fields["applicant_name"].required = True
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        style(self)


class StepForm(forms.Form):
    """The form of a dossier step (procedures.views.dossier_step): its cleaned data are the
    service's keyword arguments; `agency` gives the choices that depend on it."""

    def __init__(self, *args: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        style(self)


class HandoverForm(StepForm):
    receiver = forms.CharField(label=_("Received by (unit, person)"), max_length=200)
    to_unit = forms.ModelChoiceField(label=_("Unit now in charge"), queryset=Unit.objects.none(), required=False)
    step_due = forms.DateField(label=_("Step due"), required=False, widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.filter(agency=agency)


class SupplementForm(StepForm):
    items = forms.CharField(
        label=_("Items to add or correct, each with its reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    reason = forms.CharField(
        label=_("Why a second request (required for a second one)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class FinishForm(StepForm):
    OUTCOMES = [
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


class ApologyForm(StepForm):
    reason = forms.CharField(label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    new_date = forms.DateField(label=_("New date for the result"), widget=forms.DateInput(attrs=DATE))


INDICATOR_LABELS = {
    "on_time_rate": _("2.1 Dossiers processed early or on time"),
    "online_rate": _("3.3 Online dossiers"),
    "online_payment_rate": _("3.6 Dossiers paid online"),
    "e_result_rate": _("4.1 Dossiers with an electronic result"),
    "digitization_rate": _("4.2 Digitised dossiers"),
    "reuse_rate": _("4.3 Reuse of digitised data"),
    "complaint_rate": _("Dossiers with a complaint or dislike"),
    "feedback_on_time_rate": _("5.2 Feedback handled on time"),
    "feedback_satisfaction": _("5.3 Satisfaction with feedback handling"),
    "tthc_satisfaction": _("5.4 Satisfaction with procedures"),
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
