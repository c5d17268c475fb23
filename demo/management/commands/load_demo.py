from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.reference import DATA_DIR, DEMO_PASSWORD, load_calendar_overrides, load_demo_organisation
from core.services import load_calendar
from demo.assigned import load_assigned_demo
from demo.feedback import load_feedback_demo
from demo.plans import load_demo_activity
from demo.portal import load_portal_demo
from demo.procedures import load_procedures_demo
from demo.reports import load_reports_demo
from demo.scorecards import load_par_demo
from demo.surveys import load_surveys_demo
from demo.targets import load_targets_demo
from plans.loader import load_plan_file


class Command(BaseCommand):
    help = "Loads reference data, the demo organisation and the 2026 seed plan (idempotent); prints the log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument("--no-activity", action="store_true", help="load the plan without demo progress")

    def handle(self, *args, quiet=False, no_activity=False, **options):
        if settings.PRODUCTION:
            raise CommandError("load_demo creates accounts with a published password: refused in production")
        load_calendar_overrides()
        logins = load_demo_organisation()
        cal = load_calendar()
        today = timezone.localdate()
        created = 0
        for path in sorted((DATA_DIR / "plans").glob("*.yaml")):
            plan, n = load_plan_file(path, today=today, cal=cal)
            created += n
            if not no_activity:
                load_demo_activity(plan, cal=cal)
        load_par_demo(today=today)
        load_procedures_demo(today=today, cal=cal)
        load_surveys_demo(today=today)
        load_feedback_demo(today=today, cal=cal)
        load_reports_demo(today=today)
        load_portal_demo(today=today)
        load_assigned_demo(today=today)
        load_targets_demo(today=today)
        if quiet:
            return
        self.stdout.write(_("Tasks created: %(n)s") % {"n": created})
        self.stdout.write(_("Demo log-ins (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        seen = set()
        for role, username, name in logins:
            if role in seen:
                continue
            seen.add(role)
            self.stdout.write(f"  {role:<28} {username:<20} {name}")
        other = "(" + _("officer of another agency") + ")"
        self.stdout.write(f"  {other:<28} chuyenvien.sct")
