"""Creates a plan of an agency, as the page "New plan" does (the same form's checks, audited as
"plan.created"):

    python manage.py new_plan --agency BQLKKTCK --year 2027 --title "Kế hoạch cải cách hành chính năm 2027" \
        [--number 12/KH-BQLKKTCK] [--issued-on 15/01/2027] [--issuer ...] [--signer ...] [--signer-title ...] \
        [--parent-plan ID | --parent-reference "Kế hoạch số 05/KH-SNV ngày 10/01/2027 của Sở Nội vụ"]

Prints the new plan's id.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.models import Agency
from plans.plan_forms import NewPlanForm
from plans.plan_services import create_plan


class Command(BaseCommand):
    help = "Creates a plan of an agency (year, title, number, date issued, the plan it carries out)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--title", required=True)
        parser.add_argument("--number", default="", help="number and symbol, e.g. 12/KH-BQLKKTCK")
        parser.add_argument("--issued-on", default="", help="date issued, dd/mm/yyyy (empty: a draft)")
        parser.add_argument("--issuer", default="", help="default: the agency's name")
        parser.add_argument("--signer", default="")
        parser.add_argument("--signer-title", default="")
        parser.add_argument("--legal-basis", default="")
        parent = parser.add_mutually_exclusive_group()
        parent.add_argument("--parent-plan", type=int, default=None, help="id of the Sở Nội vụ's plan carried out")
        parent.add_argument("--parent-reference", default="", help="the plan carried out, as cited")

    def handle(self, *args, agency, year, issued_on, parent_plan, **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"no agency with code {agency!r}")
        data = {
            "year": year,
            "issued_on": _date(issued_on),
            "parent": parent_plan or "",
            **{key: options[key] for key in ("title", "number", "issuer", "signer", "signer_title", "legal_basis")},
            "parent_reference": options["parent_reference"],
        }
        form = NewPlanForm(data, agency=found, year=year)
        if not form.is_valid():
            problems = [
                f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            raise CommandError("; ".join(problems))
        plan = create_plan(actor=None, agency=found, data=form.cleaned_data)
        self.stderr.write(
            f"{found.code}: plan {plan.year} {plan.number} «{plan.title}» created ({plan.get_status_display()})."
        )
        self.stdout.write(str(plan.pk))


def _date(text: str) -> str:
    """dd/mm/yyyy as ISO, which the form reads whatever the language; refused when not a date."""
    if not text.strip():
        return ""
    try:
        day, month, year = (int(part) for part in text.strip().split("/"))
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise CommandError(f"--issued-on: not a date in dd/mm/yyyy: {text!r}") from None
