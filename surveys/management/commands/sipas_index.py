"""The SIPAS index of a response file, without touching the database.

    python manage.py sipas_index --responses FILE.csv --format json [--questionnaire CODE]

Prints items (n, satisfied, rate, ci_low, ci_high, distribution), elements, the overall service
index and the expectations. Invalid input: exit status 2 and the problems (row, column, value).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from surveys.index import compute
from surveys.questionnaire import DEFAULT, QuestionnaireError, load
from surveys.responses_file import ResponsesFileError, read_responses


class Command(BaseCommand):
    help = "Computes the SIPAS service index of a CSV file of survey responses."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--responses", required=True, help="CSV file (UTF-8): response_id, q15 ... q33, ...")
        parser.add_argument("--questionnaire", default=DEFAULT, help=f"questionnaire version (default {DEFAULT})")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, responses, questionnaire, format, **options):
        try:
            form = load(questionnaire)
        except QuestionnaireError as exc:
            self._fail(exc.problems)
        path = Path(responses)
        try:
            data = path.read_bytes()
            rows = read_responses(data, form.questionnaire)
        except OSError as exc:
            self._fail([f"{path}: {exc.strerror or exc}"])
        except UnicodeDecodeError:
            self._fail([f"{path}: not UTF-8 text"])
        except ResponsesFileError as exc:
            self._fail(exc.lines(str(path)))
        result = compute((row.answers for row in rows), form.questionnaire)
        if format == "json":
            self.stdout.write(json.dumps({"questionnaire": form.code, **result.as_data()}, indent=2))
            return
        data = result.as_data()
        self.stdout.write(f"{form.code}: {result.responses} responses · overall service index {data['overall']}")
        for code, element in data["elements"].items():
            self.stdout.write(f"  {code:<14} {element['index'] or 'no data':>8}")
            for item in element["items"]:
                figures = data["items"][item]
                interval = f"[{figures['ci_low']} – {figures['ci_high']}]" if figures["n"] else ""
                flag = " low precision" if figures["low_precision"] else ""
                self.stdout.write(
                    f"    {item:<5} n={figures['n']:<5} {figures['rate'] or 'no data':>8} {interval}{flag}"
                )
        for code, expectation in data["expectations"].items():
            self.stdout.write(f"  {code:<5} n={expectation['n']:<5} {expectation['rate'] or 'no data':>8} (2 or 3)")

    def _fail(self, lines):
        for line in lines:
            self.stderr.write(str(line))
        sys.exit(2)
