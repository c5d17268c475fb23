from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, style
from plans.models import Plan
from reports.models import KIND_CHOICES, REPORT_DETAILS, DocumentTemplate, Report


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
        fields = list(REPORT_DETAILS)
        widgets = {
            "issued_on": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


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
