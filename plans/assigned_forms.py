"""Forms of the register of tasks assigned by the province (issue 22)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import documents_visible_to
from core.forms import DateInput, LongText, style
from core.models import Document, Unit
from plans.models import AssignedTask


class AssignedTaskForm(forms.ModelForm):
    """Entry by hand, and the changes of the Office (never the status: the steps do that)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        help_text=_("Required when the due date changes."),
    )

    class Meta:
        model = AssignedTask
        fields = [
            "code",
            "document_number",
            "document_date",
            "issuer",
            "issuer_name",
            "excerpt",
            "content",
            "due_date",
            "lead_unit",
            "coordinating_units",
            "note",
        ]
        widgets = {
            "document_date": DateInput(),
            "due_date": DateInput(),
            "excerpt": forms.Textarea(attrs={"rows": 2}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "coordinating_units": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "code": _("The code of the task in the province's task tracking system, or the document number."),
            "issuer_name": _("For example: Phó Chủ tịch UBND tỉnh Nguyễn Văn A."),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        units = Unit.objects.filter(agency=agency).order_by("order", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
        self.fields["lead_unit"].empty_label = _("The agency as a whole")
        if self.instance.pk:
            del self.fields["code"]
        else:
            del self.fields["reason"]
        style(self)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if AssignedTask.objects.filter(agency=self.agency, code=code).exists():
            raise forms.ValidationError(_("The register already has a task with this code."))
        return code

    def clean(self):
        data = super().clean()
        issued, due = data.get("document_date"), data.get("due_date")
        if issued and due and due < issued:
            self.add_error("due_date", _("The due date is before the date of the assigning document."))
        moved = self.instance.pk and self.instance.due_date and due != self.instance.due_date
        if moved and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for moving the due date."))
        return data


class CompleteForm(forms.Form):
    """The lead unit reports the task done: when, the report sent, and its evidence."""

    MAX_BYTES = 20 * 1024 * 1024

    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    report_number = forms.CharField(label=_("Report number"), max_length=100, required=False)
    report_date = forms.DateField(label=_("Report date"), widget=DateInput(), required=False)
    documents = forms.ModelMultipleChoiceField(
        label=_("Evidence already in the library"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    file = forms.FileField(label=_("Or upload the report (evidence)"), required=False)
    note = LongText(label=_("Note"), limit=2000, required=False)

    def __init__(self, *args, user, task, **kwargs):
        kwargs.setdefault("auto_id", "complete_%s")
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = (
            documents_visible_to(user).filter(agency_id=task.agency_id).order_by("-issued_on", "-pk")
        )
        if task.completed_on:
            self.fields["completed_on"].initial = task.completed_on
            self.fields["report_number"].initial = task.report_number
            self.fields["report_date"].initial = task.report_date
        style(self)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("report_number"):
            self.add_error("report_number", _("Give the number of the report you upload."))
        return data


class AssignedReasonForm(forms.Form):
    reason = LongText(label=_("Reason"), limit=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reason_%s")
        super().__init__(*args, **kwargs)
        style(self)


class AssignedImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; a register needs far less."))
        return upload
