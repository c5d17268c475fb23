"""Decision 766 indicators of a period from a dossier file and/or a feedback file, without touching
the database.

    python manage.py service_quality --dossiers FILE.csv --from 2026-01-01 --to 2026-03-31 --format json
    python manage.py service_quality --dossiers D.csv --feedback F.csv --from ... --to ... --format json

The feedback file (feedback_pakn.md §6) adds `feedback_on_time_rate` (5.2) and
`feedback_satisfaction` (5.3) to the indicators and its counts under `feedback_counts`.

Invalid input: exit status 2 and the problems (row, column, value, reason), the first 100.
Due dates missing from the file are computed with the official calendar of data/calendar.yaml.
"""

import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from core.reference import shipped_calendar
from feedback.file import FeedbackFileError, read_feedback
from feedback.indicators import count, figures
from procedures.dossier_file import DossierFileError, read_dossiers
from procedures.quality import DEFAULT_INDICATORS, compute, q2


class Command(BaseCommand):
    help = "Computes the Decision 766 service-quality indicators of a period from a dossier CSV file."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", help="CSV file (UTF-8), canonical or Vietnamese headers")
        parser.add_argument(
            "--feedback",
            help="CSV file (UTF-8): feedback_code, received_at, status, answered_at, published_at, "
            "rated_unsatisfied, repeated",
        )
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, dossiers, feedback, start, end, format, **options):
        if not dossiers and not feedback:
            self._fail(["give --dossiers FILE.csv, --feedback FILE.csv or both"])
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            self._fail([f"--from/--to: not a date YYYY-MM-DD: {start!r}, {end!r}"])
        if last < first:
            self._fail(["--to is before --from"])
        calendar = shipped_calendar()
        problems: list[str] = []
        records, items = [], []
        with translation.override("en"):  # one language on the console, as the other messages
            if dossiers:
                try:
                    records = read_dossiers(self._read(dossiers), calendar)
                except UnicodeDecodeError:
                    problems.append(f"{dossiers}: not UTF-8 text")
                except DossierFileError as exc:
                    problems += exc.lines(str(dossiers))
            if feedback:
                try:
                    items = read_feedback(self._read(feedback))
                except FeedbackFileError as exc:
                    problems += exc.lines(str(feedback))
        if problems:
            self._fail(problems)
        result = compute(records, first, last, DEFAULT_INDICATORS if dossiers else ())
        feedback_counts = None
        if feedback:
            feedback_counts = count(items, first, last, calendar)
            result.figures.update(figures(feedback_counts))
        if format == "json":
            data = result.as_data()
            if not dossiers:
                data.pop("counts")
            if feedback_counts is not None:
                data["feedback_counts"] = asdict(feedback_counts)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        counts = result.counts
        if dossiers:
            self.stdout.write(
                f"{first:%d/%m/%Y} – {last:%d/%m/%Y}: {counts['in_scope']} in scope (early {counts['early']}, "
                f"on time {counts['on_time']}, late {counts['late']}); {counts['received']} received"
            )
        if feedback_counts is not None:
            self.stdout.write(
                f"{first:%d/%m/%Y} – {last:%d/%m/%Y}: feedback {feedback_counts.received} received, "
                f"{feedback_counts.in_scope} to answer ({feedback_counts.on_time} on time), "
                f"{feedback_counts.overdue} overdue, {feedback_counts.unsatisfied} unsatisfied, "
                f"{feedback_counts.repeated} repeated"
            )
        for key, figure in result.figures.items():
            rate = "—" if figure.rate is None else f"{q2(figure.rate)}%"
            points = "—" if figure.points is None else f"{q2(figure.points)} / {figure.max_points}"
            self.stdout.write(f"{key:<22} {figure.numerator:>8} / {figure.denominator:<8} {rate:>8}  {points}")

    def _read(self, name: str) -> bytes:
        path = Path(name)
        try:
            return path.read_bytes()
        except OSError as exc:
            self._fail([f"{path}: {exc.strerror or exc}"])
            raise

    def _fail(self, lines):
        for line in lines:
            self.stderr.write(line)
        sys.exit(2)
