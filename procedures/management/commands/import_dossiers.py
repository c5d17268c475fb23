"""Imports a dossier file (CSV or XLSX) into an agency's register, all rows or none.

    python manage.py import_dossiers FILE --agency BQLKKTCK [--user quantri]

The same import as the web page (docs/dossier-import.md), run in this process: for operators and
scripted loads. Exit status 2 with the problems listed when the file is refused.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Agency, User
from procedures.importing import run_import, save_upload
from procedures.models import DossierImport


class Command(BaseCommand):
    help = "Imports a dossier file (CSV or XLSX) into an agency's register, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--user", default="", help="user name recorded as the importer")

    def handle(self, *args, file, agency, user, **options):
        target = Agency.objects.filter(code=agency).first()
        if target is None:
            raise CommandError(f"no agency with code {agency!r}")
        actor = User.objects.filter(username=user).first() if user else None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        with path.open("rb") as stream:
            item = save_upload(agency=target, actor=actor, fileobj=stream, filename=path.name)
        DossierImport.objects.filter(pk=item.pk).update(state=DossierImport.State.RUNNING)
        item.refresh_from_db()
        item = run_import(item)
        elapsed = time.perf_counter() - started
        if item.state == DossierImport.State.DONE:
            self.stdout.write(f"{item.created} created, {item.updated} updated in {elapsed:.1f} s")
            return
        for problem in item.problems:
            self.stderr.write(
                f"{path}: row {problem['row']}, column {problem['column']}: {problem['value']!r} {problem['reason']}"
            )
        if item.problem_total > len(item.problems):
            self.stderr.write(f"{path}: … and {item.problem_total - len(item.problems)} more")
        if item.error:
            self.stderr.write(f"{path}: {item.error}")
        sys.exit(2)
