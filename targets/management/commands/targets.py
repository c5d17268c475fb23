"""The targets of an agency's plans of a year with their actual value and status (issue 22), the
same objects as `GET /api/v1/targets` (targets.serialize.as_data):

    python manage.py targets --agency BQLKKTCK --year 2026 --format json [--as-of 2026-09-30]
    python manage.py targets --agency BQLKKTCK --year 2026 --format text
    python manage.py targets --snapshots [--agency BQLKKTCK] [--as-of 2026-12-01]

`--snapshots` takes the missing period-end values (what the daily job `targets.snapshots` does)
and says how many were taken. Unknown agency or a bad date: exit status 2 and the reason.
"""

import datetime as dt
import json
import sys
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import Agency
from core.numbers import vi_number
from targets import services
from targets.selectors import Row, rows, targets_of
from targets.serialize import as_data

NAME_WIDTH = 60


def fit(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def whole(value: Decimal | None) -> str:
    """A target value as people write it: 100, not 100,00; 2,5 stays 2,5."""
    if value is not None and value == value.to_integral_value():
        return vi_number(int(value))
    return vi_number(value.normalize() if value is not None else None)


def table(found: list[Row]) -> list[str]:
    """An aligned table, one line per target, then the count of targets per status."""
    header = [_("Code"), _("Target"), _("Measure unit"), _("Target value"), _("Actual"), _("Status"), _("As of")]
    lines = [
        [
            row.target.code,
            fit(row.target.name, NAME_WIDTH),
            row.target.unit,
            whole(row.target.target_value),
            row.actual.display,
            row.status_label,
            f"{row.actual.as_of:%d/%m/%Y}" if row.actual.as_of else "-",
        ]
        for row in found
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    right = {3, 4}  # numbers
    out = []
    for cells in [header, ["-" * w for w in widths], *lines]:
        out.append(
            "  ".join(
                c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
    counts: dict[str, int] = {}
    for row in found:
        counts[row.status_label] = counts.get(row.status_label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in counts.items())
    out.append(_("%(count)s targets (%(summary)s)") % {"count": len(found), "summary": summary or "-"})
    return out


class Command(BaseCommand):
    help = "Lists the targets of an agency's plans of a year with their actual value and status."

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="agency code")
        parser.add_argument("--year", type=int, help="plan year (default: the year of --as-of)")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--as-of", dest="as_of", help="read the values as of this day, YYYY-MM-DD or dd/mm/yyyy")
        parser.add_argument("--snapshots", action="store_true", help="take the missing period-end values")

    def handle(self, *args, agency, year, format, as_of, snapshots, **options):
        today = self._day(as_of) if as_of else timezone.localdate()
        found = None
        if agency:
            found = Agency.objects.filter(code=agency).first()
            if found is None:
                self._fail(f"no agency with the code {agency!r}")
        elif not snapshots:
            self._fail("give --agency CODE (or --snapshots)")
        with translation.override(settings.LANGUAGE_CODE):
            if snapshots:
                # a month end is kept only once it has passed: never from a day still to come
                made = services.take_snapshots(today=min(today, timezone.localdate()), agency=found)
                self.stdout.write(_("%(count)s period values taken.") % {"count": made})
                return
            listed = rows(targets_of(found, year=year or today.year), today=today)
            if format == "json":
                self.stdout.write(json.dumps([as_data(row) for row in listed], ensure_ascii=False, indent=2))
                return
            for line in table(listed):
                self.stdout.write(line)

    def _day(self, value: str) -> dt.date:
        for form in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(value, form).date()  # noqa: DTZ007  (a date, no time)
            except ValueError:
                continue
        self._fail(f"--as-of: not a date (YYYY-MM-DD or dd/mm/yyyy): {value!r}")
        raise AssertionError  # not reached

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)
