"""`manage.py make_document KIND --agency CODE ... --format FORMAT --out FILE`: any document the
system makes, written to a file, from the same builders as the pages and the worker (reports.make).
Bad arguments end with status 2 and say why; the file is written whole or not at all."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import vi_number
from reports.make import FORMATS, PERIOD_FORMS, Order, Refused, check, make
from reports.pdf import ConversionError

KINDS_HELP = "; ".join(f"{kind}: {' '.join(formats)}" for kind, formats in FORMATS.items())


class Command(BaseCommand):
    help = (
        "Makes one document and writes it to --out. KIND: report, plan, receipt (Mẫu 01), supplement "
        "(Mẫu 02, the dossier's latest request), refusal (Mẫu 03), apology (Mẫu 04), control-slip (Mẫu 06), "
        "register (Mẫu 07: every dossier received in the period's data window), evidence-package (a ZIP: "
        "--format zip). A report for a period the agency has no report for is created as the reports page "
        "creates it (audited, as the system); its figures are the report's frozen ones, else those as of its "
        "cut-off, frozen once the cut-off has passed, as the worker does; a report or a plan is written in the "
        "agency's uploaded Word template in use, as the worker does. Exit status 2 on bad arguments."
    )

    def add_arguments(self, parser):
        # checked in handle(), not by argparse: every refusal says why in the same words, status 2
        parser.add_argument("kind", nargs="?", default="", metavar="KIND", help=f"formats by kind: {KINDS_HELP}")
        parser.add_argument("--agency", default="", help="the agency's code (e.g. BQLKKTCK)")
        parser.add_argument(
            "--period",
            default="",
            help=f"{PERIOD_FORMS}: a report's period, the register's window, the plan's or the round's year",
        )
        parser.add_argument("--dossier", default="", help="the dossier's code (receipt, supplement, refusal, ...)")
        parser.add_argument("--plan", default="", help="the plan's id (default: the agency's plan of --period's year)")
        parser.add_argument("--format", dest="fmt", default="", help="docx, pdf, xlsx, or zip (evidence-package)")
        parser.add_argument("--out", default="", help="the file to write (replaced whole if it exists)")

    def handle(self, *args, kind="", agency="", period="", dossier="", plan="", fmt="", out="", **options):
        reasons = []
        if not out:
            reasons.append(_("Give the file to write: --out FILE."))
        plan_id = None
        if plan:
            if plan.isdigit():
                plan_id = int(plan)
            else:
                reasons.append(_("Unknown plan %(id)s.") % {"id": plan})
        order = Order(
            kind=kind.strip(),
            agency=agency.strip(),
            fmt=fmt.strip().lower(),
            period=period.strip(),
            dossier=dossier.strip(),
            plan=plan_id,
        )
        try:
            if reasons:  # with what the order itself lacks, all at once
                try:
                    check(order)
                except Refused as refused:
                    reasons += refused.reasons
                raise Refused(reasons)
            made = make(order, Path(out))
        except Refused as refused:
            raise CommandError("\n".join(refused.reasons), returncode=2) from None
        except ConversionError as exc:  # LibreOffice missing or failing: said, status 1
            raise CommandError(str(exc)) from None
        for note in made.notes:
            self.stderr.write(note)
        pages = ""
        if made.pages is not None:
            pages = ", " + ngettext("%(n)s page", "%(n)s pages", made.pages) % {"n": made.pages}
        size = _("%(size)s bytes") % {"size": vi_number(made.size)}
        self.stdout.write(f"{made.path} ({size}{pages})")
