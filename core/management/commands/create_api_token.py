import hashlib
import secrets

from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken, User


class Command(BaseCommand):
    help = "Creates an API token for a user and prints it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        token = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest())
        self.stdout.write(token)
