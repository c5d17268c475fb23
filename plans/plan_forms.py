"""The form of a new plan (issue 22): an agency's first plan, the year's plan, the province's plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LongText, style
from core.models import Agency
from plans.models import Plan
from plans.plan_services import FIELDS

FIRST_YEAR, LAST_YEAR = 2000, 2100


def parent_plans_for(agency: Agency) -> QuerySet[Plan]:
    """The plans an agency's plan may carry out: those of its province's Sở Nội vụ (never its own)."""
    return (
        Plan.objects.filter(agency__province_id=agency.province_id, agency__kind=Agency.Kind.HOME_AFFAIRS)
        .exclude(agency=agency)
        .select_related("agency")
        .order_by("-year", "number")
    )


class ParentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.year} · {obj.number or '—'} · {obj.title}"


class NewPlanForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    legal_basis = LongText(label=_("Legal basis"), limit=4000, rows=3, required=False)
    parent = ParentChoice(
        label=_("Province plan carried out"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("The province's plan in the system that this plan carries out."),
    )

    class Meta:
        model = Plan
        fields = [name for name in FIELDS if name != "status"]  # the status follows the date issued
        widgets = {"issued_on": DateInput()}
        help_texts = {
            "parent_reference": _(
                "When the plan carried out is not in the system: its number, date and title as cited."
            ),
            "issued_on": _("Leave empty while the plan is a draft."),
        }

    def __init__(self, *args: Any, agency: Agency, year: int, **kwargs: Any) -> None:
        self.agency = agency
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_plans_for(agency)
        if not self.is_bound:
            self.fields["year"].initial = year
            self.fields["issuer"].initial = agency.name
            same_year = parent_plans_for(agency).filter(year=year)
            self.fields["parent"].initial = same_year.values_list("pk", flat=True).first()
        style(self)

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        if not title:
            raise forms.ValidationError(_("The title of the plan is required."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, number = data.get("year"), str(data.get("number") or "").strip()
        if year and number and Plan.objects.filter(agency=self.agency, year=year, number=number).exists():
            self.add_error(
                "number",
                _("%(agency)s already has a plan numbered %(number)s for %(year)s.")
                % {"agency": self.agency.name, "number": number, "year": year},
            )
        issued_on = data.get("issued_on")
        if year and issued_on and abs(issued_on.year - year) > 1:
            self.add_error("issued_on", _("The date issued is far from the plan's year (%(year)s).") % {"year": year})
        elif issued_on and issued_on > timezone.localdate():
            # a plan dated later is still a draft: leave the date empty until it is signed
            self.add_error("issued_on", _("The date issued is after today: leave it empty until the plan is signed."))
        if not data.get("issuer"):
            data["issuer"] = self.agency.name
        return data
