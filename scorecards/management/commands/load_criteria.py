"""Loads a criteria set file as a new version (an identical definition is not stored twice).

python manage.py load_criteria SET.yaml [--province LSN] [--publish] [--links MAP.yaml --agency CODE]
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Agency, Province
from scorecards.criteria import CriteriaError
from scorecards.loader import load_criteria_file, load_task_links


class Command(BaseCommand):
    help = "Loads a PAR INDEX criteria set (YAML) into the database, optionally with plan-task links."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--province", default="LSN", help="province code (default LSN)")
        parser.add_argument("--publish", action="store_true", help="make the version usable in rounds")
        parser.add_argument("--links", help="map file linking plan tasks to criteria")
        parser.add_argument("--agency", help="agency code whose plan tasks the map names")

    def handle(self, *args, path, province, publish, links, agency, **options):
        target = Province.objects.filter(code=province).first()
        if target is None:
            raise CommandError(f"no province with code {province!r}")
        try:
            stored, created = load_criteria_file(Path(path), province=target, publish=publish)
            for warning in stored.parsed().warnings:
                self.stderr.write(f"warning: {warning}")
            if links:
                owner = Agency.objects.filter(code=agency or "").first()
                if owner is None:
                    raise CommandError("--links needs --agency with an existing agency code")
                n = load_task_links(Path(links), agency=owner)
                self.stdout.write(f"{n} task links")
        except CriteriaError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            sys.exit(2)
        self.stdout.write(f"{stored} {'created' if created else 'unchanged'} ({stored.get_status_display()})")
