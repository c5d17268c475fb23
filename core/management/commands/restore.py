from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restores a backup archive into an empty database and the file store, then checks both."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="restore even though the database holds data")

    def handle(self, *args, archive, force=False, **options):
        try:
            report = restore(Path(archive), force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        if report["tables"] or report["files"]:
            for table, (expected, found) in report["tables"].items():
                self.stderr.write(f"table {table}: {found} rows, the backup had {expected}")
            for name in report["files"]:
                self.stderr.write(f"file {name}: differs from the backup")
            raise CommandError("the restore does not match the backup")
        manifest = report["manifest"]
        restored = len(manifest["files"]) - len(report["left_out"])
        self.stdout.write(f"restored {archive}: {len(manifest['tables'])} tables and {restored} files, all checked")
        if report["left_out"]:
            self.stdout.write(
                f"left out: {len(report['left_out'])} import files of an older backup (applicants' personal data, "
                "not put back)"
            )
