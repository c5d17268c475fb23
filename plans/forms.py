from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import staff_of
from core.forms import style
from core.models import Unit
from plans.models import Inspection, Task


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ObstacleForm(forms.Form):
    text = forms.CharField(label=_("Difficulty or obstacle"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    proposal = forms.CharField(
        label=_("Proposal to the leaders"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class ResolveForm(forms.Form):
    response = forms.CharField(label=_("Direction"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class TaskForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        help_text=_("Required when the deadline changes."),
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "lead_unit",
            "coordinating_units",
            "assignees",
            "start_date",
            "deadline",
            "recurrence",
            "recurrence_day",
            "expected_product",
            "target",
            "evidence_required",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "expected_product": forms.Textarea(attrs={"rows": 2}),
            "evidence_required": forms.Textarea(attrs={"rows": 2}),
            "coordinating_units": forms.CheckboxSelectMultiple,
            "assignees": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(agency=agency)
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
        self.fields["assignees"].queryset = staff_of(agency)
        style(self)

    def clean(self):
        data = super().clean()
        if not data.get("recurrence") and not data.get("deadline"):
            self.add_error("deadline", _("A one-off task needs a deadline."))
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline is before the start date."))
        moved = self.instance.pk and self.instance.deadline and deadline != self.instance.deadline
        if moved and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for moving the deadline."))
        return data


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; a plan needs far less."))
        return upload


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["title", "decision_number", "inspected_unit", "inspected_on", "team_lead", "conclusion"]
        widgets = {
            "inspected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_unit"].queryset = Unit.objects.filter(agency=agency)
        style(self)


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    deadline = forms.DateField(label=_("Remediation deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class NewTaskForm(TaskForm):
    class Meta(TaskForm.Meta):
        fields = ["code", "section", "appendix", "par_domain", "sipas_element", *TaskForm.Meta.fields]

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, agency=plan.agency, **kwargs)
        self.fields["section"].queryset = plan.sections.all()
        del self.fields["reason"]  # a new task has no deadline to move

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.plan.tasks.filter(code=code).exists():
            raise forms.ValidationError(_("The plan already has a task with this code."))
        return code
