"""Imported once by core.sandbox's fork server, before it forks any child: Django is set up there,
so a limited child starts in milliseconds instead of loading every app again."""

import django
from django.apps import apps

if not apps.ready:
    django.setup()
