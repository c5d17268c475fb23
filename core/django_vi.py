"""Django's own messages that its Vietnamese catalogue lacks (D14).

Django 6 changed some of its messages (the password length rule now reads "%d characters", the
catalogue still has "%(min_length)d characters") and added others its `vi` catalogue never got, so
they reached our pages in English ("This password is too short..." on /password/). They are
listed here, exactly as Django writes them, so that `makemessages` keeps them in locale/vi, where
they are translated: the project's catalogue is read before Django's. Nothing imports this module
at run time; core/tests/test_django_messages_vi.py checks that each still is a msgid of Django
(a Django upgrade that changes one shows up there) and that it reads Vietnamese.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

PLURAL = [
    # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    # django.forms.formsets
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"),
]

SINGULAR = [
    # django.contrib.auth.forms
    _("Email"),
    _("Raw passwords are not stored, so there is no way to see the user’s password."),
    _("Reset password"),
    _("Set password"),
    _("Password-based authentication"),
    _("Enable password-based authentication for this user by setting a password."),
    _("Enabled"),
    _("Disabled"),
    _(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still "
        "be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    # django.contrib.auth.validators
    _(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z "
        "letters, numbers, and @/./+/-/_ characters."
    ),
    # django.forms.fields, django.forms.models, django.forms.formsets, django.forms.utils
    _("Enter a valid duration."),
    _("The number of days must be between {min_days} and {max_days}."),
    _("Enter a complete value."),
    _("Enter a valid UUID."),
    _("Enter a valid JSON."),
    _("“%(pk)s” is not a valid value."),
    _(
        "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may "
        "need to file a bug report if the issue persists."
    ),
    _(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it "
        "may not exist."
    ),
    # django.core.validators
    _("Enter a valid domain name."),
    _("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    _("Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."),
    _("Ensure this value is a multiple of step size %(limit_value)s."),
    _(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. "
        "%(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    ),
    _("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    _("Null characters are not allowed."),
    _("Enter a valid %(protocol)s address."),
    _("IPv4 or IPv6"),
]
