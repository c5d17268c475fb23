from django.core.management.base import BaseCommand

from core.reference import load_calendar_overrides


class Command(BaseCommand):
    help = "Loads the official working calendar overrides (idempotent)."

    def handle(self, *args, **options):
        created = load_calendar_overrides()
        self.stdout.write(f"calendar overrides: {created} new")
