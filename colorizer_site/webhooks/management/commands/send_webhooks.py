"""`manage.py send_webhooks`: send the due webhook deliveries once (the worker does it
every second; this is for cron-less set-ups and debugging)."""

from django.core.management.base import BaseCommand

from colorizer_site.webhooks.delivery import send_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due, once."

    def handle(self, **options) -> None:
        total = 0
        while sent := send_due():
            total += sent
        self.stdout.write(f"{total} deliveries attempted")
