"""Imports the tasks assigned by the province from an Excel file (the Government Office's export
or the template), all rows or none.

    python manage.py import_assigned_tasks FILE.xlsx --agency CODE [--dry-run]

A file with any problem writes nothing: exit status 2 and one line per problem (row, column,
value, reason). `--dry-run` checks the file and says what would be written.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import Agency
from plans import assigned
from plans.assigned_file import AssignedFileError, read_assigned


class Command(BaseCommand):
    help = "Imports the tasks assigned by the province (Excel) into an agency's register."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel workbook (.xlsx): the first sheet is read")
        parser.add_argument("--agency", required=True, help="agency code, e.g. BQLKKTCK")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, file, agency, dry_run=False, **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"no agency with the code {agency!r}")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail([f"{path}: {exc.strerror or exc}"])
        parsed = read_assigned(data, agency=found)
        try:
            parsed.raise_if_refused()
        except AssignedFileError as exc:
            self._fail(exc.lines(str(path)))
        new = sum(1 for row in parsed.rows if not row.exists)
        if dry_run:
            self.stdout.write(f"{path}: {len(parsed.rows)} rows checked, {new} new, nothing written (--dry-run)")
            return
        try:
            result = assigned.import_assigned(
                actor=None, agency=found, rows=[(r.code, r.data) for r in parsed.rows], today=timezone.localdate()
            )
        except assigned.AssignedError as exc:
            self._fail([f"{path}: {exc}"])
        self.stdout.write(f"{path}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")

    def _fail(self, lines):
        for line in lines:
            self.stderr.write(str(line))
        sys.exit(2)
