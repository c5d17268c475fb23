"""Scores a criteria set from a file of declared values, without touching the database.

    python manage.py par_score --criteria SET.yaml --declared VALUES.yaml --format json

Exit status 2 and one line per problem (file, node code, what is wrong) when a file is invalid.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from scorecards.criteria import CriteriaError, parse_criteria
from scorecards.files import read_yaml
from scorecards.scoring import parse_declared, score


class Command(BaseCommand):
    help = "Computes a PAR INDEX criteria set from declared values (no database)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--criteria", required=True, help="criteria set (YAML)")
        parser.add_argument("--declared", help="declared values (YAML or JSON), keyed by node code")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, criteria, declared, format, **options):
        try:
            cset = parse_criteria(read_yaml(Path(criteria)), source=criteria)
            values = parse_declared(cset, read_yaml(Path(declared)) if declared else {}, source=declared or "")
        except CriteriaError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            sys.exit(2)
        for warning in cset.warnings:
            self.stderr.write(f"warning: {warning}")
        result = score(cset, values)
        if format == "json":
            self.stdout.write(json.dumps(result.as_data(cset), ensure_ascii=False, indent=2))
            return
        by_code = cset.by_code()
        for node, depth in cset.walk():
            res = result.nodes[node.code]
            name = ("  " * (depth - 1) + node.name)[:70]
            self.stdout.write(f"{node.code:<8} {name:<70} {res.points:>7} / {res.applicable_max:<7} {res.status}")
        self.stdout.write(f"bonus {result.bonus}, penalty {result.penalty}")
        self.stdout.write(
            f"total {result.total} / {result.applicable_max} = {result.index_percent}% {result.classification}"
        )
        if result.absent:
            absent = ", ".join(f"{code} {by_code[code].name}" for code in result.absent)
            self.stdout.write(f"absent (rescaled): {absent}")
