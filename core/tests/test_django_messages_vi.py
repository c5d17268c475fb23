"""Django's own messages read Vietnamese (D14): the password rules on /password/, the password
form's labels and help, and the common form errors; and the messages core/django_vi.py keeps in
our catalogue are still Django's (an upgrade that changes one shows up here)."""

import ast
import re
from pathlib import Path

import django
import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from conftest import PASSWORD
from core import django_vi

DJANGO = Path(django.__file__).parent
# English words of the messages checked: none may be left on a Vietnamese page
ENGLISH = re.compile(r"\b(password|too short|characters?|must|contain|least|this field|required|enter)\b", re.I)


def kept_messages() -> list[tuple[str, str | None]]:
    """(msgid, msgid_plural or None) of every message listed in core/django_vi.py."""
    tree = ast.parse(Path(django_vi.__file__).read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_":
                found.append((texts[0], None))
            elif node.func.id == "ngettext_lazy":
                found.append((texts[0], texts[1]))
    return found


def django_msgids() -> set[str]:
    """Every msgid (and msgid_plural) of Django's English catalogues, which follow its source."""
    found: set[str] = set()
    for po in DJANGO.rglob("locale/en/LC_MESSAGES/django.po"):
        current = None
        for line in po.read_text().splitlines():
            if line.startswith(("msgid ", "msgid_plural ")):
                if current:
                    found.add(current)
                current = ast.literal_eval(line.split(" ", 1)[1])
            elif line.startswith('"') and current is not None:
                current += ast.literal_eval(line)
            elif current is not None:
                found.add(current)
                current = None
    return found


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_a_short_password_is_refused_in_vietnamese_on_the_password_page(client, org):
    client.force_login(org.officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ngan#1a", "new_password2": "Ngan#1a"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    expected = (
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            12,
        )
        % 12
    )
    html = response.content.decode()
    assert expected in html
    assert "This password is too short" not in html
    assert not ENGLISH.search(expected), expected
    errors = response.context["form"].errors["new_password2"]
    assert errors and not any(ENGLISH.search(str(e)) for e in errors), errors


def test_the_password_form_speaks_vietnamese(db):
    form = PasswordChangeForm(user=None)
    texts = [str(f.label) for f in form.fields.values()] + password_validators_help_texts()
    texts += [str(form.error_messages[key]) for key in ("password_incorrect", "password_mismatch")]
    assert texts and not [t for t in texts if ENGLISH.search(t)]


def test_common_form_errors_are_vietnamese(db):
    class Sample(forms.Form):
        name = forms.CharField(max_length=5)
        day = forms.DateField()
        count = forms.IntegerField(min_value=1)
        data = forms.JSONField()

    form = Sample({"name": "quá dài rồi", "day": "31/02/2026", "count": "0", "data": "{"})
    assert not form.is_valid()
    messages = [str(m) for errors in form.errors.values() for m in errors]
    assert len(messages) == 4
    assert not [m for m in messages if ENGLISH.search(m) or "valid" in m], messages
    required = Sample({}).errors["name"][0]
    assert not ENGLISH.search(required)


def test_the_kept_messages_are_still_djangos_and_read_vietnamese():
    djangos = django_msgids()
    kept = kept_messages()
    assert len(kept) > 20
    for singular, plural in kept:
        assert singular in djangos and (plural is None or plural in djangos), f"Django no longer says: {singular}"
        translated = ngettext(singular, plural, 2) if plural else gettext(singular)
        english = plural if plural else singular
        if english not in ("IPv4 or IPv6", "Email"):
            assert translated != english, f"not in Vietnamese: {english}"
