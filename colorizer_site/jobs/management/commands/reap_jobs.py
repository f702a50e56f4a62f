"""`manage.py reap_jobs`: fail and refund stuck jobs once (the worker also does it on a timer)."""

from django.core.management.base import BaseCommand

from colorizer_site.jobs.endings import reap_stuck_jobs


class Command(BaseCommand):
    help = "Fail (state -8) and refund jobs processing longer than COLORIZER_JOB_TIMEOUT_SECONDS."

    def handle(self, **options) -> None:
        reaped = reap_stuck_jobs()
        self.stdout.write(f"Reaped {reaped} stuck job{'s' if reaped != 1 else ''}.")
