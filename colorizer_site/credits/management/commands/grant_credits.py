from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from colorizer_site.credits import services


class Command(BaseCommand):
    help = "Grant credits to a user, recorded as a 'grant' entry in their ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's email address")
        parser.add_argument("amount", type=int, help="how many credits to grant (positive)")
        parser.add_argument("--memo", default="", help="why; shown in the user's ledger")

    def handle(self, *args: Any, email: str, amount: int, memo: str, **options: Any) -> None:
        if amount <= 0:
            raise CommandError(f"The amount must be a positive number of credits, not {amount}.")
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        entry = services.grant(user=user, amount=amount, memo=memo or "Granted by an administrator")
        self.stdout.write(
            self.style.SUCCESS(
                f"Granted {amount} credit{'s' if amount != 1 else ''} to {user.email}; "
                f"balance now {entry.balance_after}."
            )
        )
