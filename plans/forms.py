from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import assignable_staff
from core.forms import DateInput, LongText, style
from core.models import Unit, User
from plans.models import Inspection, Task


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = LongText(label=_("What was done"), limit=4000, rows=3)
    # shown to an approver when the task has no evidence yet (D11)
    no_evidence_reason = LongText(label=_("Reason for completing without evidence"), limit=2000, required=False)


class ApproveForm(forms.Form):
    no_evidence_reason = LongText(label=_("Reason for approving without evidence"), limit=2000, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)


class ContributionForm(forms.Form):
    """A coordinating unit's report of its own part of a task (D10)."""

    unit = forms.ModelChoiceField(label=_("Coordinating unit"), queryset=Unit.objects.none(), empty_label=None)
    progress = forms.IntegerField(label=_("Progress of our part (%)"), min_value=0, max_value=100)
    text = LongText(label=_("What our unit did"), limit=4000, rows=3)

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("auto_id", "part_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()
        style(self)


class ObstacleForm(forms.Form):
    text = LongText(label=_("Difficulty or obstacle"), limit=4000, rows=3)
    proposal = LongText(label=_("Proposal to the leaders"), limit=4000, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "obstacle_%s")
        super().__init__(*args, **kwargs)


class ResolveForm(forms.Form):
    response = LongText(label=_("Direction"), limit=4000)


class CommentForm(forms.Form):
    text = LongText(label=_("Comment"), limit=4000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = LongText(label=_("Reason"), limit=2000)


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
            "needs_evidence",
        ]
        widgets = {
            "start_date": DateInput(),
            "deadline": DateInput(),
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
        # who may be given work (D32), and whoever the task already names (kept on a save)
        people = Q(pk__in=assignable_staff(agency).values("pk"))
        if self.instance.pk:
            people |= Q(pk__in=self.instance.assignees.values("pk"))
        self.fields["assignees"].queryset = User.objects.filter(people).order_by("full_name", "username")
        style(self)
        self.fields["needs_evidence"].widget.attrs["class"] = "form-check-input"

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
            "inspected_on": DateInput(),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_unit"].queryset = Unit.objects.filter(agency=agency)
        style(self)


class FindingForm(forms.Form):
    text = LongText(label=_("Finding"), limit=2000)
    deadline = forms.DateField(label=_("Remediation deadline"), widget=DateInput())

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
