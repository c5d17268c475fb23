"""The forms of the targets' pages (issue 22): a target (managers), a value entered with its
evidence (manual targets), a period-end value corrected with its reason, and the one page's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LongText, style, vietnamese_decimals
from core.metrics import METRICS
from core.models import Agency, Unit
from plans.models import ParDomain, Plan, SipasElement, Task
from targets.models import Status, Target
from targets.selectors import LINKED_TASKS


def _codes(text: str) -> list[str]:
    """Codes typed one per line or separated by commas or semicolons ("1.5; 1.1.2")."""
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class CodesField(forms.CharField):
    """A list of codes kept in a JSON field, typed as text."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a list, not a str
        return _codes(str(value or ""))


class TargetForm(forms.ModelForm):
    """A target of one of the agency's plans; the tasks picked among the plan's, the province
    target it serves among the targets of the Sở Nội vụ's plans of the agency's province."""

    criteria = CodesField(
        label=_("PAR criteria"), required=False, help_text=_("Codes separated by commas, e.g. 1.5, 1.1.2")
    )
    sipas_items = CodesField(label=_("SIPAS elements and items"), required=False)
    indicators_766 = CodesField(label=_("Decision 766 indicators"), required=False)

    WIDE = ("name", "source_text", "tasks", "parent", "confirmation_note", "baseline_source")  # full-width fields

    class Meta:
        model = Target
        fields = [
            "plan",
            "code",
            "name",
            "section",
            "source_text",
            "unit",
            "direction",
            "target_value",
            "due_date",
            "baseline",
            "baseline_label",
            "baseline_source",
            "tolerance",
            "owner_unit",
            "measure",
            "measure_key",
            "tasks",
            "parent",
            "par_domain",
            "sipas_element",
            "criteria",
            "sipas_items",
            "indicators_766",
            "to_be_confirmed",
            "confirmation_note",
            "public",
            "order",
        ]
        widgets = {
            "due_date": DateInput(),
            "source_text": forms.Textarea(attrs={"rows": 3}),
            "tasks": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, agency: Agency, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        plans = Plan.objects.filter(agency=agency).order_by("-year", "number")
        self.fields["plan"].queryset = plans
        chosen = plan or (self.instance.plan if self.instance.plan_id else None)
        if chosen is None and self.is_bound and str(self.data.get(self.add_prefix("plan"), "")).isdigit():
            chosen = plans.filter(pk=int(self.data[self.add_prefix("plan")])).first()
        if chosen is not None:
            self.fields["plan"].initial = chosen.pk
        tasks = Task.objects.filter(plan=chosen) if chosen is not None else Task.objects.none()
        self.fields["tasks"].queryset = tasks.order_by("code")
        self.fields["tasks"].label_from_instance = lambda t: f"{t.code} · {t.title[:90]}"
        self.fields["owner_unit"].queryset = Unit.objects.filter(agency=agency).order_by("order", "name")
        parents = Target.objects.filter(
            agency__province_id=agency.province_id, agency__kind=Agency.Kind.HOME_AFFAIRS
        ).select_related("agency")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("plan__year", "order", "code")
        self.fields["parent"].label_from_instance = lambda t: (
            f"{t.agency.short_name or t.agency.name}: {t.code} {t.name}"
        )
        keys = sorted(METRICS.items(), key=lambda item: str(item[1].label))
        self.fields["measure_key"].widget = forms.TextInput(attrs={"list": "measure-keys"})
        self.measure_keys = [(key, metric.label) for key, metric in keys]
        self.fields["order"].label = _("Order on the page")
        vietnamese_decimals(self)
        style(self)

    def clean_plan(self) -> Plan:
        plan: Plan = self.cleaned_data["plan"]
        if plan.agency_id != self.agency.pk:
            raise forms.ValidationError(_("The plan is not one of the agency's."))
        return plan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan, tasks = data.get("plan"), data.get("tasks")
        if plan is not None and tasks and any(task.plan_id != plan.pk for task in tasks):
            self.add_error("tasks", _("Pick tasks of the target's own plan."))
        measure, key = data.get("measure"), data.get("measure_key", "")
        if measure in (Target.Measure.COMPUTED, Target.Measure.SERIES) and not key:
            self.add_error("measure_key", _("A computed or periodic target needs its measure key."))
        if measure == Target.Measure.COMPUTED and key and key not in METRICS and key != LINKED_TASKS:
            self.add_error("measure_key", _("Unknown measure key: %(key)s.") % {"key": key})
        needs_value = data.get("direction") not in (Target.Direction.ZERO, Target.Direction.YES, None)
        if needs_value and data.get("target_value") is None:
            self.add_error("target_value", _("This direction needs a target value."))
        if (data.get("unit") or "").strip() == "%":
            for name in ("target_value", "baseline"):
                value = data.get(name)
                if value is not None and not 0 <= value <= 100:
                    self.add_error(name, _("A percentage is between 0 and 100 (typed: %(value)s).") % {"value": value})
        return data


class ReadingForm(forms.Form):
    """A value of a manual target (a yes/no as 1/0), the date it is true on, and its evidence."""

    as_of = forms.DateField(label=_("As of"), widget=DateInput())
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = LongText(label=_("Note"), limit=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reading_%s")
        super().__init__(*args, **kwargs)
        vietnamese_decimals(self)
        style(self)


class CorrectionForm(forms.Form):
    """A period-end value corrected; the reason is kept in the audit trail."""

    value = forms.DecimalField(label=_("Corrected value"), max_digits=14, decimal_places=2, required=False)
    reason = LongText(label=_("Reason for the correction"), limit=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "correction_%s")
        super().__init__(*args, **kwargs)
        vietnamese_decimals(self)
        style(self)


class BoardFilter(forms.Form):
    """The one page's filters: the plan (or the year), the PAR domain, the SIPAS element, the
    owner unit and the status. An unknown value is no error: the filter simply does not apply."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    par_domain = forms.TypedChoiceField(
        label=_("PAR domain"), choices=[("", _("All"))] + list(ParDomain.choices), coerce=int, required=False
    )
    sipas_element = forms.ChoiceField(
        label=_("SIPAS element"), choices=[("", _("All"))] + list(SipasElement.choices), required=False
    )
    unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Status.choices), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(agency=agency).order_by("-year", "number")
        self.fields["plan"].empty_label = None
        self.fields["plan"].label_from_instance = lambda p: f"{p.year} · {p.number or p.title}"
        self.fields["unit"].queryset = Unit.objects.filter(agency=agency).order_by("order", "name")
        self.fields["unit"].empty_label = _("All")
        style(self)
