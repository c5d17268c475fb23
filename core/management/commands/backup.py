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
        # who keeps the archive must know what personal data it holds (and what it leaves out)
        self.stdout.write("personal data in the archive:")
        for entry in manifest["personal_data"]:
            self.stdout.write(f"  {entry['files']} {entry['description']}")
        self.stdout.write("  the database's personal fields (applicants, feedback senders, people)")
        self.stdout.write(f"left out: {', '.join(manifest['left_out'])} (uploads waiting, dossier import files)")
        for name, reason in manifest["missing_files"].items():
            self.stderr.write(f"file {name}: not in the archive: {reason}")
