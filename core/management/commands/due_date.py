"""The due date of a dossier in Vietnamese working days (the official calendar in the database).

    python manage.py due_date --received 2026-02-13T16:10 --limit 5 --unit working_days [--cutoff 15:00|none]

Prints the due date (ISO); for an hour limit, the due date and time. Bad input: exit status 2.
"""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from core.deadlines import UNITS, OfficeHours, due, parse_cutoff
from core.services import load_calendar


class Command(BaseCommand):
    help = "Prints the due date of a dossier (working days, calendar days, months or office hours)."

    def add_arguments(self, parser):
        parser.add_argument("--received", required=True, help="reception time, ISO 8601 (local time if no offset)")
        parser.add_argument("--limit", required=True, help="the time limit, a whole number")
        parser.add_argument("--unit", default="working_days", help=" | ".join(UNITS))
        parser.add_argument("--cutoff", default="15:00", help="HH:MM, or none (default 15:00)")
        parser.add_argument("--office-hours", default="", help="e.g. 07:30-11:30,13:30-17:00 (hour limits)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, received, limit, unit, cutoff, office_hours, format, **options):
        try:
            moment = dt.datetime.fromisoformat(received)
        except ValueError:
            self._fail(f"--received: not an ISO 8601 date and time: {received!r}")
        if not limit.isdigit():
            self._fail(f"--limit: not a whole number: {limit!r}")
        try:
            office = OfficeHours.parse(office_hours) if office_hours else OfficeHours()
        except ValueError as exc:
            self._fail(f"--office-hours: {exc}")
        try:
            cut = parse_cutoff(cutoff)
        except ValueError:
            self._fail(f"--cutoff: not a time HH:MM or none: {cutoff!r}")
        try:
            result = due(moment, int(limit), unit, load_calendar(), cutoff=cut, office=office)
        except ValueError as exc:
            self._fail(f"--unit: {exc}" if "unit" in str(exc) else str(exc))
        if format == "json":
            self.stdout.write(json.dumps(result.as_data()))
        elif result.time is not None:
            self.stdout.write(dt.datetime.combine(result.date, result.time).isoformat(timespec="minutes"))
        else:
            self.stdout.write(result.date.isoformat())

    def _fail(self, message: str):
        self.stderr.write(message)
        sys.exit(2)
