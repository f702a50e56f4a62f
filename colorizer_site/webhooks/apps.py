from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "colorizer_site.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from django.conf import settings

        from colorizer_site.jobs.models import Batch, ColorizationJob
        from colorizer_site.jobs.signals import batch_completed, job_finished
        from colorizer_site.lib import periodic
        from colorizer_site.webhooks import delivery, services

        # jobs knows neither: it sends a signal inside the final state's transaction
        # and runs registered duties in its worker (the arrows of docs/architecture.md
        # point into jobs).
        job_finished.connect(
            services.record_job_finished, sender=ColorizationJob, dispatch_uid="webhooks-outbox"
        )
        batch_completed.connect(
            services.record_batch_completed, sender=Batch, dispatch_uid="webhooks-batches"
        )
        periodic.register(
            "webhook-deliveries",
            every=lambda: settings.COLORIZER_WEBHOOK_POLL_SECONDS,
            run=delivery.send_due,
        )
