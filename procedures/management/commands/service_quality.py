"""Decision 766 indicators of a period from a dossier file, without touching the database.

    python manage.py service_quality --dossiers FILE.csv --from 2026-01-01 --to 2026-03-31 --format json

Invalid input: exit status 2 and the problems (row, column, value, reason), the first 100.
Due dates missing from the file are computed with the official calendar of data/calendar.yaml.
"""

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from core.reference import shipped_calendar
from procedures.dossier_file import DossierFileError, read_dossiers
from procedures.quality import compute, q2


class Command(BaseCommand):
    help = "Computes the Decision 766 service-quality indicators of a period from a dossier CSV file."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", required=True, help="CSV file (UTF-8), canonical or Vietnamese headers")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, dossiers, start, end, format, **options):
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            self._fail([f"--from/--to: not a date YYYY-MM-DD: {start!r}, {end!r}"])
        if last < first:
            self._fail(["--to is before --from"])
        path = Path(dossiers)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail([f"{path}: {exc.strerror or exc}"])
        try:
            with translation.override("en"):  # one language on the console, as the other messages
                records = read_dossiers(data, shipped_calendar())
        except UnicodeDecodeError:
            self._fail([f"{path}: not UTF-8 text"])
        except DossierFileError as exc:
            self._fail(exc.lines(str(path)))
        result = compute(records, first, last)
        if format == "json":
            self.stdout.write(json.dumps(result.as_data(), ensure_ascii=False, indent=2))
            return
        counts = result.counts
        self.stdout.write(
            f"{first:%d/%m/%Y} – {last:%d/%m/%Y}: {counts['in_scope']} in scope (early {counts['early']}, "
            f"on time {counts['on_time']}, late {counts['late']}); {counts['received']} received"
        )
        for key, figure in result.figures.items():
            rate = "—" if figure.rate is None else f"{q2(figure.rate)}%"
            points = "—" if figure.points is None else f"{q2(figure.points)} / {figure.max_points}"
            self.stdout.write(f"{key:<22} {figure.numerator:>8} / {figure.denominator:<8} {rate:>8}  {points}")

    def _fail(self, lines):
        for line in lines:
            self.stderr.write(line)
        sys.exit(2)
