from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput, style
from core.models import Agency, Membership, Unit
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


COUNT_KEYS = ("original", "copies")  # a checklist item's numbers of originals and copies handed in
MAX_COUNT = 99


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
            "components": _(
                "One document per line, with what was handed in, e.g. “Điều lệ công ty (01 bản chính, 02 bản sao)”."
            ),
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

    def _count(self, name: str) -> int | None:
        """A number typed beside a document (0 to 99), else None (not counted)."""
        text = str(self.data.get(name, "") or "").strip()
        return int(text) if text.isdigit() and 0 < int(text) <= MAX_COUNT else None

    @property
    def checklist_rows(self) -> list[tuple[Any, ...]]:
        """Each document to tick, with the numbers of originals and copies typed beside it."""
        rows = []
        for index, box in enumerate(self["received_documents"]):
            values = [str(self.data.get(f"{key}_{index}", "")) if self.is_bound else "" for key in COUNT_KEYS]
            rows.append((box, index, *values))
        return rows

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
        cleaned["checklist"] = []
        for index, name in enumerate(required):
            item: dict[str, Any] = {"name": name, "received": name in ticked}
            if name in ticked:  # the numbers of originals and copies counted, printed on Mẫu 01
                for key in COUNT_KEYS:
                    number = self._count(f"{key}_{index}")
                    if number is not None:
                        item[key] = number
            cleaned["checklist"].append(item)
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
    """A row of the control slip (Mẫu 06): who handed the dossier over (by default the person
    holding it), who received it (one of the agency's people, offered as they type, or a name
    typed) and the unit now in charge; the unit it left is recorded by the service."""

    giver = forms.CharField(
        label=_("Handed over by"),
        max_length=200,
        required=False,
        help_text=_("The person who hands the dossier over (left empty: the person holding it)."),
    )
    receiver = forms.CharField(
        label=_("Received by"),
        max_length=200,
        help_text=_("The person of the receiving unit who takes the dossier: choose from the list or type the name."),
    )
    to_unit = forms.ModelChoiceField(label=_("Unit now in charge"), queryset=Unit.objects.none(), required=False)
    step_due = forms.DateField(label=_("Step due"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(
        self, *args: Any, agency: Agency | None = None, people: list[Person] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.filter(agency=agency)
        self.staff = people if people is not None else people_of(agency)
        self.fields["receiver"].widget.attrs["list"] = "handover-people"
        self.fields["giver"].widget.attrs["list"] = "handover-people"

    @property
    def people(self) -> list[tuple[str, str]]:
        """The names the list offers, each with its unit's label, one a name."""
        found: dict[str, str] = {}
        for person in self.staff:
            if person.unit_label or person.name not in found:
                found[person.name] = person.unit_label
        return sorted(found.items(), key=lambda item: (item[1], item[0]))

    def clean_giver(self) -> str:
        return " ".join(self.cleaned_data["giver"].split())

    def clean_receiver(self) -> str:
        return " ".join(self.cleaned_data["receiver"].split())


@dataclass(frozen=True)
class Person:
    """A role of one of the agency's people: who they are and the unit they belong to."""

    user_id: int
    name: str
    unit_id: int | None
    unit_label: str


def people_of(agency: Agency | None) -> list[Person]:
    """The agency's active people with their units (one query), for the hand-over's names."""
    if agency is None:
        return []
    members = Membership.objects.filter(agency=agency, user__is_active=True).select_related("user", "unit")
    return [
        Person(m.user_id, str(m.user.display_name), m.unit_id, m.unit.label if m.unit is not None else "")
        for m in members
    ]


def holder_of(dossier: Dossier, actor: Any, *, handovers: list[Any], people: list[Person]) -> str:
    """Who holds the dossier now, the default giver of a hand-over: the actor when they hold it
    (they received its last hand-over, or received it at the counter, or belong to the unit in
    charge of it), else the receiver of its last hand-over, else the person who received it at
    the counter, else the actor. `handovers` in their order, `people` from people_of."""
    name = str(getattr(actor, "display_name", ""))
    holder = handovers[-1].receiver if handovers and handovers[-1].receiver else ""
    if not holder and dossier.created_by_id is not None:
        creator = next((p.name for p in people if p.user_id == dossier.created_by_id), None)
        holder = creator if creator is not None else str(getattr(dossier.created_by, "display_name", ""))
    actor_id = getattr(actor, "pk", None)
    in_unit = dossier.unit_id is not None and any(
        p.user_id == actor_id and p.unit_id == dossier.unit_id for p in people
    )
    if not holder or name == holder or in_unit:
        return name
    return holder


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
