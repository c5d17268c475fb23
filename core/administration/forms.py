"""Forms of the administration area. They check what a person typed; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from core.access import AGENCY_WIDE_ROLES
from core.administration.services import agency_wide_message
from core.forms import DateInput, style
from core.models import Agency, ApiToken, CalendarOverride, Role, Signer, Unit, User

ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.INTEGRATION]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} — {obj.name}"


def _username_field() -> forms.CharField:
    return forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to sign in, e.g. chuyenvien.qldn: letters, digits and @ . + - _, without spaces."),
    )


class RoleForm(forms.Form):
    """A role of the person in the agency: agency-wide, or in one unit of the agency only."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.OFFICER)
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The whole agency"),
        help_text=_("Officers and unit heads work in a unit; the other roles are for the whole agency."),
    )

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = agency.units.order_by("order", "name")  # type: ignore[attr-defined]
        style(self)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("role") in (Role.OFFICER, Role.UNIT_HEAD) and not data.get("unit"):
            self.add_error("unit", _("An officer or a unit head works in a unit: choose the unit."))
        if data.get("role") in AGENCY_WIDE_ROLES and data.get("unit"):
            self.add_error("unit", agency_wide_message())
        return data


class PersonForm(forms.ModelForm):
    """A person's name, job title and contact details."""

    class Meta:
        model = User
        fields = ["full_name", "job_title", "email", "phone"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["full_name"].required = True
        style(self)


class NewPersonForm(RoleForm):
    """A new person: who they are, their first role, and how they get their first password."""

    username = _username_field()
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to have one made and shown once. Either way the person chooses their own at log-in."),
    )
    field_order = ["username", "full_name", "job_title", "email", "phone", "role", "unit", "password"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self) -> dict[str, object]:
        data = super().clean()
        password = data.get("password")
        if password:
            person = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(str(password), user=person)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class NewAdministratorForm(NewPersonForm):
    """The administrator of an agency (the province area): agency-wide, so no role or unit."""

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        del self.fields["role"], self.fields["unit"]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["role"], data["unit"] = Role.ADMINISTRATOR, None
        return data


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "is_office", "order"]

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.instance.agency = agency
        units = agency.units.order_by("order", "name")
        if self.instance.pk:
            units = units.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = _("None (directly under the agency)")  # type: ignore[attr-defined]
        style(self)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        taken = Unit.objects.filter(agency=self.instance.agency, code__iexact=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another unit of the agency has this code."))
        return code


class SignerForm(forms.ModelForm):
    class Meta:
        model = Signer
        fields = ["use", "authority", "title", "name", "order", "active"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        style(self)


class OverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "name", "legal_ref"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["legal_ref"].help_text = _("e.g. Thông báo 5256/TB-BNV")
        style(self)


LETTERHEAD_LINES = 4  # a document header's issuing body: one to three lines in practice


def clean_letterhead(text: str) -> str:
    """The issuing body as the document header prints it: one line per line, each line trimmed,
    blank lines dropped; at most LETTERHEAD_LINES lines."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > LETTERHEAD_LINES:
        raise forms.ValidationError(
            _("At most %(count)d lines: the header's column holds no more.") % {"count": LETTERHEAD_LINES}
        )
    return "\n".join(lines)


class LetterheadForm(forms.ModelForm):
    """The agency's name in the header of its documents, kept by its administrator."""

    class Meta:
        model = Agency
        fields = ["letterhead"]
        widgets = {"letterhead": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        style(self)

    def clean_letterhead(self) -> str:
        return clean_letterhead(self.cleaned_data.get("letterhead", ""))


class AgencyForm(forms.ModelForm):
    """An agency of the province. Without `home_affairs` (only superusers have it: the kind makes
    the agency's administrators the province's), the Department of Home Affairs kind is not offered,
    and a Department of Home Affairs keeps its kind."""

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "symbol", "electronic_id", "parent_body", "letterhead", "phone"]
        widgets = {"letterhead": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, home_affairs: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kind = self.fields["kind"]
        if not home_affairs:
            if self.instance.pk and self.instance.kind == Agency.Kind.HOME_AFFAIRS:
                kind.disabled = True
                kind.help_text = _("Only a system administrator changes the kind of a Department of Home Affairs.")
            else:
                kind.choices = [c for c in Agency.Kind.choices if c[0] != Agency.Kind.HOME_AFFAIRS]  # type: ignore[attr-defined]
        style(self)

    def clean_letterhead(self) -> str:
        return clean_letterhead(self.cleaned_data.get("letterhead", ""))


class IntegrationAccountForm(forms.Form):
    username = _username_field()
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("The system that will use it, e.g. Hệ thống thông tin giải quyết TTHC tỉnh."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        style(self)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username


class TokenForm(forms.Form):
    """A token for an integration account: what it is for, what it may do, how long it lasts."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the program using it.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ_WRITE)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_DAYS
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        style(self)


class ConfirmForm(forms.Form):
    """An irreversible step: the box must be ticked (checked on the server, works without JavaScript)."""

    confirm = forms.BooleanField(label=_("I confirm"), required=True)
