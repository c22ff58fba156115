import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evidence.accounts.models import Role, User
from evidence.accounts.services import account_create


class Command(BaseCommand):
    help = "Create a borrower or lawyer account; the password comes from ACCOUNT_PASSWORD."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        password = os.environ.get("ACCOUNT_PASSWORD", "")
        if not password:
            raise CommandError("Set ACCOUNT_PASSWORD to the new account's password.")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} already exists.")
        try:
            user = account_create(username=username, password=password, role=role, email=email)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        self.stdout.write(f"Created {user.role} account {user.username!r}.")
