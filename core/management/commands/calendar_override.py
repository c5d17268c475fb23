"""The official corrections of the working-day calendar, as the administration page keeps them
(audited; every due date computed afterwards follows them):

    python manage.py calendar_override list [--year 2026]
    python manage.py calendar_override add 2026-09-01 --kind swap_off --name "Nghỉ bù" [--legal-ref "..."]
    python manage.py calendar_override remove 2026-09-01

Dates are ISO (yyyy-mm-dd) or dd/mm/yyyy. An existing date is changed by `add` (its kind, name,
reference).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.administration import services
from core.models import CalendarOverride
from core.web import parse_date


class Command(BaseCommand):
    help = "Lists, adds (or changes) and removes days of the official working-day calendar."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list")
        listing.add_argument("--year", type=int, default=None)
        add = sub.add_parser("add")
        add.add_argument("date")
        add.add_argument("--kind", required=True, choices=CalendarOverride.Kind.values)
        add.add_argument("--name", required=True)
        add.add_argument("--legal-ref", default="")
        remove = sub.add_parser("remove")
        remove.add_argument("date")

    def handle(self, *args, action, **options):
        if action == "list":
            rows = services.overrides_of(options["year"]) if options["year"] else CalendarOverride.objects.all()
            for row in rows:
                self.stdout.write(f"{row.date.isoformat()}\t{row.kind}\t{row.name}\t{row.legal_ref}")
            return
        day = self._date(options["date"])
        existing = CalendarOverride.objects.filter(date=day).first()
        if action == "remove":
            if existing is None:
                raise CommandError(f"no calendar override on {day.isoformat()}")
            services.remove_override(actor=None, override=existing)
            self.stdout.write(f"removed {day.isoformat()}")
            return
        values = {"date": day, "kind": options["kind"], "name": options["name"], "legal_ref": options["legal_ref"]}
        try:
            if existing is None:
                services.add_override(actor=None, **values)
            else:
                services.update_override(actor=None, override=existing, **values)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{'changed' if existing else 'added'} {day.isoformat()} {values['kind']}")

    def _date(self, text: str) -> dt.date:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"not a date: {text!r} (yyyy-mm-dd or dd/mm/yyyy)")
        return day
