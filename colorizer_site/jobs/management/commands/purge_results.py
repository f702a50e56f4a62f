"""`manage.py purge_results`: delete the files of old jobs and of jobs removed from the gallery."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from colorizer_site.jobs import files


class Command(BaseCommand):
    help = (
        "Delete input, result and thumbnail files of jobs older than "
        "COLORIZER_RESULT_RETENTION_DAYS and of jobs deleted from the gallery."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: COLORIZER_RESULT_RETENTION_DAYS).",
        )

    def handle(self, *, days: int | None, **options) -> None:
        days = settings.COLORIZER_RESULT_RETENTION_DAYS if days is None else days
        jobs, removed = files.purge_results(retention_days=days)
        self.stdout.write(f"Purged {removed} file(s) of {jobs} job(s) (retention {days} days).")
