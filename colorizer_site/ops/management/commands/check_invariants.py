"""`manage.py check_invariants`: jobs, ledger, wallets and files agree; exit 1 if not."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from colorizer_site.ops import invariants


class Command(BaseCommand):
    help = "Check that jobs, the credit ledger, wallets and stored files agree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-running",
            action="store_true",
            help="Do not require every job to have ended (the service is still busy).",
        )
        parser.add_argument(
            "--skip-files", action="store_true", help="Do not list the media storage."
        )

    def handle(self, *, allow_running: bool, skip_files: bool, **options) -> None:
        report = invariants.check(require_terminal=not allow_running, check_files=not skip_files)
        self.stdout.write(report.summary())
        if not report.ok:
            raise CommandError("invariants broken (see above)")
