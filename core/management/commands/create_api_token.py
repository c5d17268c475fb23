import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken, User
from core.tokens import create_token


class Command(BaseCommand):
    help = (
        "Creates an API token for a user and prints it once (only its hash is stored). A token reads "
        "only unless --scope read_write; it expires after --days (API_TOKEN_DAYS by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--days", type=int, default=None, help="days until it expires")

    def handle(self, *args, username, name, scope, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        days = settings.API_TOKEN_DAYS if days is None else days
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        token, _record = create_token(actor=None, user=user, name=name, scope=scope, days=dt.timedelta(days=days))
        self.stdout.write(token)
