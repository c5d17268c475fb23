from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, style
from core.models import Agency, Unit
from plans.models import Plan
from scorecards.models import CriteriaSet, MetricSeries, Phase, Round


class CriteriaUploadForm(forms.Form):
    file = forms.FileField(label=_("Criteria set file (YAML or Excel .xlsx)"))
    publish = forms.BooleanField(label=_("Publish this version for use in rounds"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class RoundForm(forms.ModelForm):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies assessed"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Round
        fields = [
            "name",
            "year",
            "criteria_set",
            "previous",
            "self_closes_on",
            "appraisal1_closes_on",
            "explanation_closes_on",
            "appraisal2_closes_on",
            "council_closes_on",
        ]
        widgets = {
            f: DateInput()
            for f in [
                "self_closes_on",
                "appraisal1_closes_on",
                "explanation_closes_on",
                "appraisal2_closes_on",
                "council_closes_on",
            ]
        }

    def __init__(self, *args, organizer: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(
            province=organizer.province, status=CriteriaSet.Status.PUBLISHED
        )
        self.fields["criteria_set"].label_from_instance = lambda cset: (
            _("%(name)s (version %(version)s)")
            % {
                "name": cset.name,
                "version": cset.version,
            }
        )
        self.fields["previous"].queryset = Round.objects.filter(organizer=organizer)
        self.fields["agencies"].queryset = (
            Agency.objects.filter(province=organizer.province).exclude(pk=organizer.pk).order_by("name")
        )
        style(self)


class ConfirmForm(forms.Form):
    """A step that cannot be undone by a click: its box must be ticked (checked by the server)."""

    confirm = forms.BooleanField(
        label=_("I confirm"), error_messages={"required": _("Tick the box to confirm this step.")}
    )


class ReopenForm(ConfirmForm):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[(p.value, p.label) for p in Phase if p not in (Phase.SETUP, Phase.PUBLISHED)]
    )
    closes_on = forms.DateField(label=_("New closing date"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    field_order = ["phase", "closes_on", "reason", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PublishForm(ConfirmForm):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    field_order = ["decision_number", "decision_date", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class AssignForm(forms.Form):
    code = forms.ChoiceField(label=_("Block of criteria"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args, scorecard, **kwargs):
        super().__init__(*args, **kwargs)
        cset = scorecard.round.criteria_set.parsed()
        self.fields["code"].choices = [
            (node.code, f"{'· ' * (depth - 1)}{node.code} {node.name}"[:120])
            for node, depth in cset.walk()
            if depth <= 2
        ]
        self.fields["unit"].queryset = Unit.objects.filter(agency=scorecard.agency)
        style(self)


class ImprovementTaskForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(agency=agency).order_by("-year")
        self.fields["lead_unit"].queryset = Unit.objects.filter(agency=agency)
        style(self)


class SeriesForm(forms.ModelForm):
    class Meta:
        model = MetricSeries
        fields = ["key", "name", "kind", "frequency", "owner_unit"]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(agency=agency)
        style(self)


class EntryForm(forms.Form):
    period_end = forms.TypedChoiceField(label=_("Period"), coerce=str)
    numerator = forms.DecimalField(label=_("Numerator"), required=False, min_value=0, decimal_places=2)
    denominator = forms.DecimalField(label=_("Denominator"), required=False, min_value=0, decimal_places=2)
    value = forms.DecimalField(label=_("Value"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [(end.isoformat(), label) for _start, end, label in periods]
        style(self)
