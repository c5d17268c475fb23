"""The register of tasks assigned by the province, and its on-time figures.

    python manage.py assigned_tasks --agency CODE [--year Y] [--period quarter] [--format json|text]

The tasks whose assigning document or due date falls in the year, then the on-time figures by
period (plans.assigned.on_time_counts: the one rule of the page, the API and the metric).
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from core.models import Agency
from plans import assigned
from plans.models import AssignedTask


class Command(BaseCommand):
    help = "Lists an agency's tasks assigned by the province and their on-time rate."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency code, e.g. BQLKKTCK")
        parser.add_argument("--year", type=int, default=None, help="default: this year")
        parser.add_argument("--period", choices=assigned.PERIODS, default="quarter")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, agency, year=None, period="quarter", format="text", **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"no agency with the code {agency!r}")
        today = timezone.localdate()
        year = year or today.year
        if not 1990 <= year <= 2100:
            raise CommandError("--year must be between 1990 and 2100")
        base = AssignedTask.objects.filter(agency=found)
        tasks = (
            base.filter(Q(document_date__year=year) | Q(due_date__year=year))
            .select_related("lead_unit")
            .order_by("due_date", "code")
        )
        figures = assigned.on_time_by_period(base, year=year, kind=period, today=today)
        if format == "json":
            body = {
                "agency": found.code,
                "year": year,
                "today": today.isoformat(),
                "tasks": [_row(t) for t in tasks],
                "on_time": [f.as_data() for f in figures],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found.code} {year}: {len(tasks)} assigned tasks")
        for t in tasks:
            due = f"{t.due_date:%d/%m/%Y}" if t.due_date else "-"
            done = f"{t.completed_on:%d/%m/%Y}" if t.completed_on else "-"
            state = assigned.state_of(t, today) or "-"
            self.stdout.write(f"  {t.code:<22} {t.document_number:<20} due {due:<10} {t.status:<9} {done:<10} {state}")
        self.stdout.write("On time (due = not withdrawn, due date in the period up to today):")
        for f in figures:
            self.stdout.write(f"  {f.label:<8} due {f.due:>4}  on time {f.on_time:>4}  rate {f.rate_text}")


def _row(task: AssignedTask) -> dict:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "code": task.code,
        "document_number": task.document_number,
        "document_date": iso(task.document_date),
        "issuer": task.issuer,
        "content": task.content,
        "due_date": iso(task.due_date),
        "lead_unit": task.lead_unit.code if task.lead_unit else None,
        "status": task.status,
        "completed_on": iso(task.completed_on),
        "on_time": task.on_time,
        "report_number": task.report_number,
        "report_date": iso(task.report_date),
    }
