"""Creates a person with their roles, as the administration pages do (audited, a temporary password
they must change at their first log-in):

    python manage.py add_person nguyen.van.a --name "Nguyễn Văn A" --agency BQLKKTCK \
        --role officer:QLDN --role unit_head:QLDN [--role administrator] [--email ...] [--password ...]

A role is ROLE (agency-wide) or ROLE:UNIT_CODE. The password, typed or made, is printed once.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.administration import services
from core.models import Agency, Role, Unit


class Command(BaseCommand):
    help = "Creates a person of an agency with roles (ROLE or ROLE:UNIT_CODE) and prints their password once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--role", action="append", required=True, help="ROLE or ROLE:UNIT_CODE; repeatable")
        parser.add_argument("--job-title", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--password", default=None, help="initial password (default: one is made)")

    def handle(self, *args, username, name, agency, role, job_title, email, phone, password, **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"no agency with code {agency!r}")
        roles = [self._role(found, text) for text in role]
        try:
            with transaction.atomic():
                (first_role, first_unit), *more = roles
                person, given = services.create_person(
                    actor=None,
                    agency=found,
                    username=username,
                    full_name=name,
                    role=first_role,
                    unit=first_unit,
                    job_title=job_title,
                    email=email,
                    phone=phone,
                    password=password,
                )
                for extra_role, extra_unit in more:
                    services.add_role(actor=None, agency=found, person=person, role=extra_role, unit=extra_unit)
        except (services.AdministrationRefused, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stderr.write(f"{person.username}: {', '.join(role)} in {found.code}; password (shown once):")
        self.stdout.write(given)

    def _role(self, agency, text):
        role, _sep, unit_code = text.partition(":")
        if role not in Role.values or role == Role.INTEGRATION:
            allowed = ", ".join(r for r in Role.values if r != Role.INTEGRATION)
            raise CommandError(f"unknown role {role!r} (one of: {allowed})")
        unit = None
        if unit_code:
            unit = Unit.objects.filter(agency=agency, code=unit_code).first()
            if unit is None:
                raise CommandError(f"no unit {unit_code!r} in {agency.code}")
        return role, unit
