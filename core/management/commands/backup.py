from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, create


class Command(BaseCommand):
    help = "Backs up the database and the stored files into one archive with a manifest (core/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the archive to write (default: VAR_DIR/backups/cchc-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        target = (
            Path(output)
            if output
            else Path(settings.VAR_DIR) / "backups" / (f"cchc-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        )
        try:
            manifest = create(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{target}: {manifest['vendor']} database, {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files"
        )
