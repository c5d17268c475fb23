"""Loads a targets data file (format in docs/targets.md), idempotently:

    python manage.py load_targets data/targets/plan_2026_province.yaml
    python manage.py load_targets data/targets/plan_2026_bqlkktck.yaml

A file with any problem is refused whole: every problem is printed (target code and field) and
the exit status is 1; nothing is written."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.loader import TargetFileError, load_targets_file


class Command(BaseCommand):
    help = "Loads the targets of a plan from a YAML file (idempotent; refused whole on any problem)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of a data/targets/*.yaml file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            plan, created = load_targets_file(path)
        except TargetFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                ngettext(
                    "%(file)s refused: %(n)s problem, nothing loaded.",
                    "%(file)s refused: %(n)s problems, nothing loaded.",
                    len(exc.problems),
                )
                % {"file": path.name, "n": len(exc.problems)}
            ) from exc
        self.stdout.write(
            ngettext(
                "%(file)s: %(n)s target created in the plan “%(plan)s”.",
                "%(file)s: %(n)s targets created in the plan “%(plan)s”.",
                created,
            )
            % {"file": path.name, "n": created, "plan": plan.title}
        )
